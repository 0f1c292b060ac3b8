import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prefetchModel } from '../../src/ui/worker/modelPrefetch';

// A tiny model directory served over real HTTP: a manifest naming two shards, the shards, a card.
const FILES: Record<string, string> = {
  'model.json': JSON.stringify({
    weightsManifest: [{ paths: ['shard-a.bin', 'shard-b.bin'], weights: [] }],
  }),
  'shard-a.bin': 'AAAA',
  'shard-b.bin': 'BBBB',
  'model-card.json': '{"name":"tiny"}',
  'other.txt': 'not part of the model',
  // An ensemble directory naming two member directories beside it.
  'ens/model.json': JSON.stringify({ format: 'qm9-gnn-ensemble', members: ['../m1/', '../m2'] }),
  'ens/model-card.json': '{"name":"ens"}',
  'm1/model.json': JSON.stringify({ weightsManifest: [{ paths: ['w1.bin'], weights: [] }] }),
  'm1/w1.bin': '1111',
  'm2/model.json': JSON.stringify({ weightsManifest: [{ paths: ['w2.bin'], weights: [] }] }),
  'm2/w2.bin': '2222',
};

let server: Server;
let base = '';
const requests: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const name = (req.url ?? '').replace(/^\/models\//, '');
    requests.push(name);
    if (!(name in FILES)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(FILES[name]);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/models/`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function settle(expected = 4): Promise<void> {
  for (let i = 0; i < 50 && requests.length < expected; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('prefetchModel', () => {
  it('downloads the manifest, every shard it names and the card before anyone asks', async () => {
    requests.length = 0;
    prefetchModel(base);
    await settle();
    expect([...requests].sort()).toEqual([
      'model-card.json',
      'model.json',
      'shard-a.bin',
      'shard-b.bin',
    ]);
  });

  it('answers each prefetched file from that one download, as often as it is read', async () => {
    requests.length = 0;
    const modelFetch = prefetchModel(base.slice(0, -1)); // no trailing slash
    await settle();
    const first = await modelFetch(`${base}model.json`);
    const second = await modelFetch(`${base}model.json`);
    expect(await first.json()).toEqual(JSON.parse(FILES['model.json']));
    expect(await second.text()).toBe(FILES['model.json']);
    expect(await (await modelFetch(`${base}shard-b.bin`)).text()).toBe('BBBB');
    expect(requests.filter((name) => name === 'model.json')).toHaveLength(1);
  });

  it('passes other URLs through, and a missing file still reads as its HTTP status', async () => {
    requests.length = 0;
    const modelFetch = prefetchModel(`${base}missing/`);
    await settle();
    expect((await modelFetch(`${base}missing/model.json`)).status).toBe(404);
    expect(await (await modelFetch(`${base}other.txt`)).text()).toBe(FILES['other.txt']);
  });

  it("follows an ensemble's members: their manifests and shards, not their cards", async () => {
    requests.length = 0;
    const modelFetch = prefetchModel(`${base}ens/`);
    await settle(6);
    await new Promise((resolve) => setTimeout(resolve, 50)); // nothing more should follow
    expect([...requests].sort()).toEqual([
      'ens/model-card.json',
      'ens/model.json',
      'm1/model.json',
      'm1/w1.bin',
      'm2/model.json',
      'm2/w2.bin',
    ]);
    expect(await (await modelFetch(`${base}m2/w2.bin`)).text()).toBe('2222');
    expect(requests.filter((name) => name === 'm2/w2.bin')).toHaveLength(1);
  });
});
