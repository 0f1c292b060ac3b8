// What the sender reports and when it tries again, against the real logging server (see
// shipper-outbox.test.ts): the status the settings panel shows, batch sizes counted send by send,
// the backoff between retries, and the failures that are not the server's (bad endpoint, IndexedDB).
import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { chain } from '../helpers/molecules';
import { LogShipper, makeLogRecord, Outbox, type ShipperOptions } from '../../src/logging';
import type { LogRecord, OutboxStatus } from '../../src/logging/types';
import { deadEndpoint, IDLE_STATUS, type LogServer, startLogServer } from '../helpers/logServer';

let server: LogServer;
beforeAll(async () => {
  server = await startLogServer();
});
afterAll(() => server.close());

let n = 0;
const shippers: LogShipper[] = [];
afterEach(() => {
  for (const s of shippers.splice(0)) s.stop();
});

function records(count: number): LogRecord[] {
  return Array.from({ length: count }, (_, i) =>
    makeLogRecord(chain('CCO'), 7 + i / 10, 'test-model 1.0.0', { includeSmiles: false }),
  );
}

/** A shipper whose every reported status is kept, in order, with when it was reported. */
function watched(
  outbox: Outbox,
  endpoint: () => string,
  options: Partial<ShipperOptions> = {},
): { shipper: LogShipper; seen: (OutboxStatus & { at: number })[]; sends: () => number } {
  const seen: (OutboxStatus & { at: number })[] = [];
  const shipper = new LogShipper({
    outbox,
    settings: async () => ({ enabled: true, endpoint: endpoint(), includeSmiles: false }),
    baseUrl: () => server.url,
    isOnline: () => true,
    lockName: null,
    baseDelayMs: 60_000,
    timeoutMs: 5_000,
    onStatus: (status) => seen.push({ ...status, at: Date.now() }),
    ...options,
  });
  shippers.push(shipper);
  // A status with `sending` set is reported once per batch, just before it goes out.
  return { shipper, seen, sends: () => seen.filter((s) => s.sending).length };
}

describe('sender status', () => {
  it('starts idle and reports the batch on its way, then the acknowledged count', async () => {
    const outbox = new Outbox(`status-ok-${++n}`);
    const { shipper, seen, sends } = watched(outbox, () => '/log');
    expect(shipper.status).toEqual(IDLE_STATUS);
    await outbox.add(records(2));
    const before = Date.now();
    await shipper.flush(true);
    const after = Date.now();
    expect(sends()).toBe(1);
    expect(seen.find((s) => s.sending)).toMatchObject({ sent: 0, lastSentAt: null });
    const last = seen[seen.length - 1];
    expect(last).toMatchObject({ queued: 0, sent: 2, sending: false, lastError: null });
    expect(last.lastSentAt).toBeGreaterThanOrEqual(before);
    expect(last.lastSentAt).toBeLessThanOrEqual(after);
  });

  it('sends at most maxBatchRecords, and at most maxBatchBytes, per request', async () => {
    const byCount = new Outbox(`status-count-${++n}`);
    await byCount.add(records(5));
    const few = watched(byCount, () => '/log', { maxBatchRecords: 2 });
    await few.shipper.flush(true);
    expect(few.sends()).toBe(3); // 2 + 2 + 1
    expect(await byCount.counts()).toEqual({ queued: 0, sent: 5, rejected: 0 });

    const byBytes = new Outbox(`status-bytes-${++n}`);
    const five = records(5);
    await byBytes.add(five);
    const twoRecords = JSON.stringify(five[0]).length + JSON.stringify(five[1]).length;
    const small = watched(byBytes, () => '/log', { maxBatchBytes: twoRecords + 5 });
    await small.shipper.flush(true);
    expect(small.sends()).toBe(3);
    expect(await byBytes.counts()).toEqual({ queued: 0, sent: 5, rejected: 0 });
  });

  it('halves a refused batch, then grows again after each success', async () => {
    const strict = await startLogServer({ LOG_MAX_RECORDS: '2' });
    try {
      const outbox = new Outbox(`status-halve-${++n}`);
      await outbox.add(records(5));
      const { shipper, sends } = watched(outbox, () => `${strict.url}/log`);
      await shipper.flush(true);
      // 5 refused -> 2 stored -> (limit 4) 3 refused -> 1 stored -> (limit 2) 2 stored.
      expect(sends()).toBe(5);
      expect(await outbox.counts()).toEqual({ queued: 0, sent: 5, rejected: 0 });
    } finally {
      await strict.close();
    }
  });

  it('sets aside a record the server refuses even on its own (413), saying so', async () => {
    const tiny = await startLogServer({ LOG_BODY_LIMIT_BYTES: '200' });
    try {
      const outbox = new Outbox(`status-413-${++n}`);
      await outbox.add(records(4));
      const { shipper, sends } = watched(outbox, () => `${tiny.url}/log`);
      await shipper.flush(true);
      // 4 -> 2 -> then each record alone, refused and set aside: 6 requests, none stored.
      expect(sends()).toBe(6);
      expect(await outbox.counts()).toEqual({ queued: 0, sent: 0, rejected: 4 });
      for (const r of await outbox.rejectedRecords()) {
        expect(r.reason).toMatch(/^refused on its own: HTTP 413/);
      }
      expect(await tiny.store.count()).toBe(0);
    } finally {
      await tiny.close();
    }
  });
});

describe('sender retries', () => {
  it('waits for the pending retry unless forced; a forced success cancels the old timer', async () => {
    const outbox = new Outbox(`retry-wait-${++n}`);
    await outbox.add(records(1));
    let endpoint = await deadEndpoint();
    // First delay 50 ms (random 0: half the nominal 100 ms).
    const { shipper, seen } = watched(outbox, () => endpoint, {
      baseDelayMs: 100,
      random: () => 0,
    });
    await shipper.flush(true);
    expect(shipper.status.lastError).toMatch(/^network error/);
    endpoint = '/log';
    const before = server.requests();
    await shipper.flush(); // the retry is pending: no request now
    expect(server.requests()).toBe(before);
    expect((await outbox.counts()).queued).toBe(1);
    await shipper.flush(true);
    expect(shipper.status).toMatchObject({
      queued: 0,
      sent: 1,
      lastError: null,
      nextRetryAt: null,
    });
    const reported = seen.length;
    await new Promise((r) => setTimeout(r, 200));
    expect(seen.length).toBe(reported); // the cancelled retry never ran
  });

  it('retries by itself, doubling the delay per failure; forcing starts over', async () => {
    const outbox = new Outbox(`retry-grow-${++n}`);
    await outbox.add(records(1));
    const dead = await deadEndpoint();
    const { shipper, seen } = watched(outbox, () => dead, { baseDelayMs: 100, random: () => 0 });
    await shipper.flush(true);
    // One report per failure, with the retry due: delays 50, 100, 200 ms, the later ones
    // reached only through the timer.
    const waits = () =>
      seen.filter((s) => s.nextRetryAt !== null).map((s) => s.nextRetryAt! - s.at);
    await vi.waitFor(() => expect(waits().length).toBeGreaterThanOrEqual(3), { timeout: 5_000 });
    const [first, , third] = waits();
    expect(waits().every((w) => w > 0)).toBe(true); // always in the future
    expect(first).toBeLessThanOrEqual(50);
    expect(third).toBeGreaterThan(100);
    await shipper.flush(true);
    const last = seen[seen.length - 1];
    expect(last.nextRetryAt! - last.at).toBeLessThanOrEqual(50); // the backoff started over
    expect((await outbox.counts()).queued).toBe(1);
  });

  it('shares one drain between flushes, and sends what was queued as it ended', async () => {
    const outbox = new Outbox(`retry-again-${++n}`);
    await outbox.add(records(1));
    const late = records(2);
    let finals = 0;
    let shipperRef: LogShipper | null = null;
    const { shipper, seen } = watched(outbox, () => '/log', {
      onStatus: (status) => {
        seen.push({ ...status, at: Date.now() });
        // The second report with the first record sent is the drain's last: the worker queues
        // more right then, and its notice asks for a flush while the drain is still winding up.
        if (status.sent === 1 && !status.sending && ++finals === 2) {
          void outbox.add(late);
          void shipperRef!.flush();
        }
      },
    });
    shipperRef = shipper;
    const release = server.hold();
    const before = server.requests();
    let first: Promise<void>;
    try {
      first = shipper.flush(true);
      while (server.requests() === before) await new Promise((r) => setTimeout(r, 5));
      expect(shipper.flush()).toBe(first); // no second drain sends the same batch
    } finally {
      release();
    }
    await first;
    await vi.waitFor(async () => expect(await outbox.counts()).toMatchObject({ sent: 3 }), {
      timeout: 5_000,
    });
    expect(server.requests() - before).toBe(2);
    // And then it rests: the drain's closing reports may lag on a loaded machine, a loop never ends.
    await vi.waitFor(
      async () => {
        const reported = seen.length;
        await new Promise((r) => setTimeout(r, 200));
        expect(seen.length).toBe(reported);
      },
      { timeout: 5_000 },
    );
  });
});

describe('sender failures that are not the server', () => {
  it('reports an unusable endpoint and waits for a settings change, not a timer', async () => {
    const outbox = new Outbox(`fail-endpoint-${++n}`);
    await outbox.add(records(1));
    const { shipper } = watched(outbox, () => 'ftp://logs.example.org/log');
    await shipper.flush(true);
    expect(shipper.status.lastError).toMatch(
      /^endpoint: "ftp:\/\/logs.example.org\/log" uses ftp:/,
    );
    expect(shipper.status.nextRetryAt).toBeNull();
    expect((await outbox.counts()).queued).toBe(1);
  });

  it('reports a closed outbox and retries later, within maxDelayMs', async () => {
    const name = `fail-outbox-${++n}`;
    const outbox = new Outbox(name);
    await outbox.add(records(1));
    // A newer app version in another tab takes the database over.
    (await openDB(name, 2)).close();
    const { shipper, seen } = watched(outbox, () => '/log', { maxDelayMs: 2_000 });
    await shipper.flush(true);
    const last = seen[seen.length - 1];
    expect(last.lastError).toMatch(/^outbox: /);
    expect(last.sending).toBe(false);
    // The outbox's own backoff: nominal min(2 s, 5 s), jitter in its upper half.
    expect(last.nextRetryAt! - last.at).toBeGreaterThan(900);
    expect(last.nextRetryAt! - last.at).toBeLessThanOrEqual(2_000);
  });
});

/**
 * Node 20 has no Web Locks API (navigator.locks); this follows the spec's
 * request(name, { ifAvailable }, callback) for exclusive locks in one origin: granted to one
 * holder at a time until its callback settles, handed to the next waiter, or with ifAvailable
 * the callback gets null at once. The browser's own is exercised in e2e/logging.spec.ts.
 */
class OriginLocks {
  readonly requested: string[] = [];
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly held = new Set<string>();

  async request<T>(
    name: string,
    options: { ifAvailable?: boolean },
    callback: (lock: { name: string; mode: 'exclusive' } | null) => Promise<T>,
  ): Promise<T> {
    this.requested.push(name);
    if (options.ifAvailable && this.held.has(name)) return callback(null);
    const before = this.tails.get(name) ?? Promise.resolve();
    const run = before.then(async () => {
      this.held.add(name);
      try {
        return await callback({ name, mode: 'exclusive' });
      } finally {
        this.held.delete(name);
      }
    });
    this.tails.set(
      name,
      run.catch(() => undefined),
    );
    return run;
  }
}

describe('sender in two tabs', () => {
  async function withLocks(body: (locks: OriginLocks) => Promise<void>): Promise<void> {
    const locks = new OriginLocks();
    const nodeNavigator = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
    Object.defineProperty(globalThis, 'navigator', { value: { locks }, configurable: true });
    try {
      await body(locks);
    } finally {
      delete (globalThis as { navigator?: unknown }).navigator;
      if (nodeNavigator) Object.defineProperty(globalThis, 'navigator', nodeNavigator);
    }
  }

  it('lets one tab send while the other waits 2 s, under the outbox lock by default', async () => {
    await withLocks(async (locks) => {
      const name = `tabs-${++n}`;
      const tabA = new Outbox(name);
      const tabB = new Outbox(name);
      await tabA.add(records(2));
      const a = watched(tabA, () => '/log', { lockName: undefined });
      const b = watched(tabB, () => '/log', { lockName: undefined });
      const release = server.hold();
      const before = server.requests();
      let sending: Promise<void>;
      try {
        sending = a.shipper.flush(true);
        while (server.requests() === before) await new Promise((r) => setTimeout(r, 5));
        const asked = Date.now();
        await b.shipper.flush(true); // tab A holds the lock: B sends nothing and looks again later
        const due = b.shipper.status.nextRetryAt! - asked;
        expect(due).toBeGreaterThan(1_900);
        expect(due).toBeLessThanOrEqual(2_000 + (Date.now() - asked));
        expect(b.shipper.status.lastError).toBeNull();
      } finally {
        release();
      }
      await sending;
      expect(server.requests() - before).toBe(1);
      expect(a.shipper.status).toMatchObject({ sent: 2, queued: 0, nextRetryAt: null });
      expect(b.sends()).toBe(0);
      expect(locks.requested).toEqual(['qm9-logging-outbox', 'qm9-logging-outbox']);
    });
  });

  it('takes no lock when told not to, and the named one when given', async () => {
    await withLocks(async (locks) => {
      const outbox = new Outbox(`tabs-${++n}`);
      await outbox.add(records(1));
      await watched(outbox, () => '/log', { lockName: null }).shipper.flush(true);
      expect(locks.requested).toEqual([]);
      await outbox.add(records(1));
      await watched(outbox, () => '/log', { lockName: 'other-app' }).shipper.flush(true);
      expect(locks.requested).toEqual(['other-app']);
      expect(await outbox.counts()).toMatchObject({ queued: 0, sent: 2 });
    });
  });
});
