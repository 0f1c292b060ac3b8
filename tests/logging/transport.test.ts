// One POST /log attempt against the real logging server (see shipper-outbox.test.ts), and the
// answers a proxy or a broken connection gives, read as what to do with the batch.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chain } from '../helpers/molecules';
import { classifyResponse, makeLogRecord, postBatch, retryAfterMs } from '../../src/logging';
import { startLogServer, type LogServer } from '../helpers/logServer';

let server: LogServer;
beforeAll(async () => {
  server = await startLogServer();
});
afterAll(() => server.close());

const record = () => makeLogRecord(chain('CCO'), 7.5, 'test-model 1.0.0', { includeSmiles: false });
const post = { fetch: globalThis.fetch, timeoutMs: 5_000 };

describe('postBatch', () => {
  it('stores a batch: the server gets exactly those records', async () => {
    const batch = [record(), record()];
    expect(await postBatch(`${server.url}/log`, batch, post)).toEqual({ kind: 'stored' });
    const keys = await server.store.existingKeys(batch.map((r) => r.idempotency_key));
    expect(keys.size).toBe(2);
  });

  it('gives up on a server that does not answer within the timeout, saying so', async () => {
    const release = server.hold();
    try {
      const outcome = await postBatch(`${server.url}/log`, [record()], {
        ...post,
        timeoutMs: 600,
      });
      expect(outcome).toEqual({ kind: 'retry', reason: 'no answer within 1 s' });
    } finally {
      release();
    }
  });

  it('reads a refused connection as a network error to retry', async () => {
    const { createServer } = await import('node:net');
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const { port } = probe.address() as { port: number };
    await new Promise<void>((r) => probe.close(() => r()));
    const outcome = await postBatch(`http://127.0.0.1:${port}/log`, [record()], post);
    expect(outcome.kind).toBe('retry');
    expect(outcome.kind === 'retry' && outcome.reason).toMatch(
      /^network error \(offline, server down, or CORS not allowing this origin\): \S/,
    );
  });
});

describe('classifyResponse, beyond the server', () => {
  it('a body cut off mid-read: the status alone is the reason', async () => {
    const cut = new ReadableStream({
      start(controller) {
        controller.error(new Error('connection reset'));
      },
    });
    expect(await classifyResponse(new Response(cut, { status: 502 }), 1)).toEqual({
      kind: 'retry',
      reason: 'HTTP 502',
    });
    expect(await classifyResponse(new Response('', { status: 503 }), 1)).toEqual({
      kind: 'retry',
      reason: 'HTTP 503',
    });
  });

  it("keeps only the first 200 characters of a proxy's error page", async () => {
    const page = `<html>${'x'.repeat(400)}</html>`;
    const outcome = await classifyResponse(new Response(page, { status: 500 }), 1);
    expect(outcome).toEqual({ kind: 'retry', reason: `HTTP 500: ${page.slice(0, 200)}` });
  });

  it('405 is a wrong endpoint too', async () => {
    const outcome = await classifyResponse(new Response('', { status: 405 }), 1);
    expect(outcome).toEqual({
      kind: 'retry',
      reason: 'HTTP 405 (no logging server at this endpoint?)',
    });
  });

  it('a 400 names a record only with an index inside the batch', async () => {
    const bad = (body: unknown) =>
      classifyResponse(new Response(JSON.stringify(body), { status: 400 }), 3);
    expect(await bad({ message: 'first', record: 0 })).toEqual({
      kind: 'bad-record',
      index: 0,
      reason: 'first',
    });
    expect(await bad({ message: '', record: 2 })).toEqual({
      kind: 'bad-record',
      index: 2,
      reason: 'refused by the server',
    });
    for (const index of [3, -1, 1.5, '1', null]) {
      expect((await bad({ message: 'm', record: index })).kind).toBe('too-big');
    }
  });

  it('Retry-After: zero seconds is now; negative or infinite seconds are not a delay', () => {
    // An epoch before 2000 tells "0 seconds" apart from the date Date.parse makes of "0".
    expect(retryAfterMs('0', 0)).toBe(0);
    expect(retryAfterMs('Infinity', 0)).toBeUndefined();
    expect(retryAfterMs('-5', Date.parse('2026-01-01T00:00:00Z'))).toBe(0);
  });
});
