// The outbox and its sender at unit level, against the real logging server (Fastify + SQLite on a
// local port). IndexedDB is fake-indexeddb, the in-memory implementation of the IndexedDB spec
// that Node lacks; the browser's own IndexedDB is exercised in e2e/logging.spec.ts.
import 'fake-indexeddb/auto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chain } from '../helpers/molecules';
import { LogShipper, makeLogRecord, Outbox } from '../../src/logging';
import type { LogRecord } from '../../src/logging/types';
import { deadEndpoint, type LogServer, startLogServer } from '../helpers/logServer';

let server: LogServer;
beforeAll(async () => {
  server = await startLogServer();
});
afterAll(() => server.close());

let n = 0;
let shipper: LogShipper | null = null;
afterEach(() => shipper?.stop());

function records(count: number): LogRecord[] {
  const ethanol = chain('CCO');
  return Array.from({ length: count }, (_, i) =>
    makeLogRecord(ethanol, 7 + i / 10, 'test-model 1.0.0', { includeSmiles: false }),
  );
}

/** A sender for `outbox`, logging on and online unless told otherwise. */
function shipperFor(
  outbox: Outbox,
  endpoint: string,
  { enabled = true, online = true }: { enabled?: boolean; online?: boolean } = {},
): LogShipper {
  shipper = new LogShipper({
    outbox,
    settings: async () => ({ enabled, endpoint, includeSmiles: false }),
    baseUrl: () => server.url,
    isOnline: () => online,
    lockName: null,
    baseDelayMs: 60_000, // no retry fires during a test; each test flushes by hand
    timeoutMs: 5_000,
  });
  return shipper;
}

describe('outbox and sender', () => {
  it('keep every record while the server is down, and send them once it is up', async () => {
    const outbox = new Outbox(`shipper-down-${++n}`);
    const batch = records(3);
    await outbox.add(batch);

    const down = shipperFor(outbox, await deadEndpoint());
    await down.flush(true);
    expect(await outbox.counts()).toEqual({ queued: 3, sent: 0, rejected: 0 });
    expect(down.status.lastError).toBeTruthy();
    expect(down.status.nextRetryAt).not.toBeNull();
    down.stop();

    const up = shipperFor(outbox, '/log');
    await up.flush(true);
    expect(await outbox.counts()).toEqual({ queued: 0, sent: 3, rejected: 0 });
    expect(up.status.lastError).toBeNull();
    const stored = await server.store.existingKeys(batch.map((r) => r.idempotency_key));
    expect(stored.size).toBe(3);
  });

  it('keep the batch in the outbox until the 200 has arrived', async () => {
    const outbox = new Outbox(`shipper-slow-${++n}`);
    await outbox.add(records(2));
    const release = server.hold();
    const before = server.requests();
    try {
      const sending = shipperFor(outbox, '/log').flush(true);
      // The request has reached the server, which has not answered yet.
      while (server.requests() === before) await new Promise((r) => setTimeout(r, 10));
      expect((await outbox.counts()).queued).toBe(2);
      release();
      await sending;
    } finally {
      release();
    }
    expect(await outbox.counts()).toEqual({ queued: 0, sent: 2, rejected: 0 });
  });

  it('set aside the one record the server refuses, with its reason, and send the others', async () => {
    const outbox = new Outbox(`shipper-bad-${++n}`);
    const [good1, bad, good2] = records(3);
    // An edge to atom 99 of a 9-atom molecule: the server names this record and stores nothing.
    const broken: LogRecord = { ...bad, edge_index: [[0], [99]] };
    await outbox.add([good1, broken, good2]);
    await shipperFor(outbox, '/log').flush(true);
    expect(await outbox.counts()).toEqual({ queued: 0, sent: 2, rejected: 1 });
    const [rejected] = await outbox.rejectedRecords();
    expect(rejected.record.idempotency_key).toBe(broken.idempotency_key);
    expect(rejected.reason).toMatch(/atom 99 does not exist/);
    const stored = await server.store.existingKeys(
      [good1, broken, good2].map((r) => r.idempotency_key),
    );
    expect([...stored].sort()).toEqual([good1.idempotency_key, good2.idempotency_key].sort());
  });

  it('halve the batch when the server finds it too big, down to single records', async () => {
    const small = await startLogServer({ LOG_MAX_RECORDS: '2' });
    try {
      const outbox = new Outbox(`shipper-big-${++n}`);
      await outbox.add(records(5));
      // 5 records refused (400 about the batch as a whole), then 2 at a time are stored.
      await shipperFor(outbox, `${small.url}/log`).flush(true);
      expect(await outbox.counts()).toEqual({ queued: 0, sent: 5, rejected: 0 });
      expect(await small.store.count()).toBe(5);
    } finally {
      await small.close();
    }
  });

  it('send nothing while offline, while logging is off, or once stopped', async () => {
    const outbox = new Outbox(`shipper-idle-${++n}`);
    await outbox.add(records(2));
    const before = server.requests();
    const offline = shipperFor(outbox, '/log', { online: false });
    await offline.flush(true);
    expect(offline.status.lastError).toMatch(/^offline/);
    expect(offline.status.online).toBe(false);
    offline.stop();
    const off = shipperFor(outbox, '/log', { enabled: false });
    await off.flush(true);
    off.stop();
    const stopped = shipperFor(outbox, '/log');
    stopped.stop();
    await stopped.flush(true);
    expect(server.requests()).toBe(before);
    expect(await outbox.counts()).toEqual({ queued: 2, sent: 0, rejected: 0 });
  });

  it('schedule the retry in the future, and report the queue while waiting', async () => {
    const outbox = new Outbox(`shipper-retry-${++n}`);
    await outbox.add(records(1));
    const s = shipperFor(outbox, await deadEndpoint());
    const start = Date.now();
    await s.flush(true);
    // Base delay 60 s with jitter in [half, full]: the retry is 30-60 s away.
    expect(s.status.nextRetryAt! - start).toBeGreaterThanOrEqual(30_000);
    expect(s.status.nextRetryAt! - start).toBeLessThanOrEqual(61_000);
    expect(s.status).toMatchObject({ queued: 1, sending: false });
  });

  it('keep the batch when the server answers with an error status', async () => {
    const outbox = new Outbox(`shipper-500-${++n}`);
    await outbox.add(records(2));
    // A path the server does not serve: 404, which the sender treats as retryable.
    const s = shipperFor(outbox, '/no-such-route');
    await s.flush(true);
    expect(await outbox.counts()).toEqual({ queued: 2, sent: 0, rejected: 0 });
    expect(s.status.lastError).toMatch(/404/);
  });
});
