// Two server processes behind a (client-side, alternating) load balancer on one PostgreSQL
// database: retries with the same idempotency keys land on either instance, everything is
// stored exactly once and both instances report the same. Rate limits are per instance
// (server/README.md), and that is what this checks too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { writeDriftReference } from '../helpers/driftReferenceFile';
import { startServerProcess, type ServerProcess } from '../helpers/serverProcess';
import { chain, logRecord } from '../helpers/molecules';
import { createFreshDatabase, testDatabaseUrl } from '../helpers/freshPostgresDatabase';

const DATABASE_URL = testDatabaseUrl('multiInstance.test.ts:');

const TOKEN = 'shared-token';
const auth = { authorization: `Bearer ${TOKEN}` };
// Large enough that the retry test leaves most of each bucket; a shared bucket could not
// admit more than RATE in all.
const RATE = 60;

describe.skipIf(!DATABASE_URL)('two instances on one PostgreSQL', () => {
  let fresh: Awaited<ReturnType<typeof createFreshDatabase>>;
  let servers: ServerProcess[] = [];

  const dir = mkdtempSync(join(tmpdir(), 'qm9-multi-'));
  const referenceFile = join(dir, 'reference.json');

  beforeAll(async () => {
    const graphs = Array.from({ length: 60 }, (_, i) => chain('C'.repeat(1 + (i % 5))));
    writeDriftReference(
      referenceFile,
      graphs,
      graphs.map((_, i) => 9 + (i % 10) / 10),
    );
    fresh = await createFreshDatabase(DATABASE_URL!, 'multi_test');
    const env = {
      DRIFT_REFERENCE_FILE: referenceFile,
      DATABASE_URL: fresh.url,
      REPORT_TOKEN: TOKEN,
      LOG_RATE_LIMIT: String(RATE),
      MODELS_DIR: join(tmpdir(), 'qm9-no-models'),
      DRIFT_JOB_INTERVAL_S: '0',
    };
    // Started together: both run the migrations, serialized by an advisory lock.
    servers = await Promise.all([startServerProcess(env), startServerProcess(env)]);
  });

  afterAll(async () => {
    for (const s of servers) s.child.kill('SIGTERM');
    await Promise.all(servers.map((s) => s.exited));
    await fresh?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores every record exactly once when a client alternates and retries', async () => {
    const graphs = ['CCO', 'CCN', 'COC', 'CCCF'].map(chain);
    const batches = Array.from({ length: 12 }, (_, b) =>
      Array.from({ length: 10 }, (_, i) =>
        logRecord(`multi-${b}-${i}-key`, graphs[(b + i) % graphs.length], 8 + i / 10),
      ),
    );
    let stored = 0;
    let duplicates = 0;
    let request = 0;
    const send = async (records: ReturnType<typeof logRecord>[]) => {
      // Round robin, as a load balancer would; concurrent sends race on the same keys. A
      // connection error (a keep-alive socket closed under the client) is retried on the next
      // instance with the same keys, as the app's outbox does.
      for (let attempt = 0; ; attempt++) {
        const server = servers[request++ % servers.length];
        let res: Response;
        try {
          res = await fetch(`${server.url}/log`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ records }),
          });
        } catch (error) {
          if (attempt < 3) continue;
          throw error;
        }
        expect(res.status).toBe(200);
        const body = await res.json();
        stored += body.stored;
        duplicates += body.duplicates;
        return;
      }
    };
    // Every batch sent twice at once (a retry racing the original on the other instance),
    // then once more later.
    await Promise.all(batches.flatMap((b) => [send(b), send(b)]));
    for (const b of batches) await send(b);
    // A retried request whose first attempt was stored reports duplicates: the store is what counts.
    expect(stored).toBeLessThanOrEqual(120);
    expect(stored + duplicates).toBe(120 * 3);

    const counts = await Promise.all(
      servers.map(
        async (s) => (await (await fetch(`${s.url}/log/count`, { headers: auth })).json()).records,
      ),
    );
    expect(counts).toEqual([120, 120]);
  });

  it('both instances give the same drift report, read from PostgreSQL in pages', async () => {
    const reports = await Promise.all(
      servers.map(async (s) => {
        const res = await fetch(`${s.url}/report?n=120`, { headers: auth });
        expect(res.status).toBe(200);
        const { generatedAt: _t, ...report } = await res.json();
        return report;
      }),
    );
    expect(reports[0].molecules).toBe(120);
    expect(reports[0].tables.molecules.columns.num_nodes.currentRows).toBe(120);
    expect(reports[1]).toEqual(reports[0]);
  });

  it('both instances accept the one configured report token', async () => {
    for (const s of servers) {
      expect((await fetch(`${s.url}/log/count`, { headers: auth })).status).toBe(200);
      expect((await fetch(`${s.url}/log/count`)).status).toBe(401);
    }
  });

  it('limits each client per instance: two instances together admit twice LOG_RATE_LIMIT', async () => {
    const codes: number[] = [];
    const started = Date.now();
    for (let i = 0; i < 4 * RATE; i++) {
      const server = servers[i % 2];
      const res = await fetch(`${server.url}/log`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ records: [logRecord(`rate-${i}-xxxx`, chain('C'), 9)] }),
      });
      await res.arrayBuffer();
      codes.push(res.status);
    }
    // The retry test spent 18 of each bucket; one shared bucket would admit at most RATE - 36.
    const admitted = codes.filter((c) => c === 200).length;
    expect(codes.filter((c) => c !== 200 && c !== 429)).toEqual([]);
    expect(admitted).toBeGreaterThan(RATE);
    // Each bucket refills RATE per minute while the loop runs.
    const refill = Math.ceil(((Date.now() - started) / 60_000) * RATE);
    expect(admitted).toBeLessThanOrEqual(2 * (RATE + refill));
  });

  it('refuses to start an instance on PostgreSQL without REPORT_TOKEN', async () => {
    await expect(
      startServerProcess({ DATABASE_URL: fresh.url, REPORT_TOKEN: '', MODELS_DIR: tmpdir() }),
    ).rejects.toThrow(/REPORT_TOKEN must be set when DATABASE_URL is/);
  });
});
