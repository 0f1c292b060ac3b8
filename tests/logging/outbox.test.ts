// The IndexedDB outbox on its own (fake-indexeddb, see shipper-outbox.test.ts): batch sizes by
// count and by bytes, acknowledgements that two tabs may both send, and a newer app version
// opening the database while this one holds it.
import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { describe, expect, it } from 'vitest';
import { chain } from '../helpers/molecules';
import { makeLogRecord, Outbox } from '../../src/logging';
import type { LogRecord } from '../../src/logging/types';

const at = new Date('2026-12-01T06:00:00.000Z');
let n = 0;

/** Records of one molecule made at one instant: every one has the same JSON length. */
function records(count: number): LogRecord[] {
  return Array.from({ length: count }, () =>
    makeLogRecord(chain('CCO'), 7.5, 'test-model 1.0.0', { includeSmiles: false }, at),
  );
}

describe('Outbox', () => {
  it('makes batches oldest first, at most maxRecords and maxBytes, but never empty', async () => {
    const outbox = new Outbox(`outbox-batch-${++n}`);
    const queued = records(4);
    await outbox.add(queued);
    const bytes = JSON.stringify(queued[0]).length;
    const keys = async (maxRecords: number, maxBytes: number) =>
      (await outbox.nextBatch(maxRecords, maxBytes)).map((q) => q.record.idempotency_key);
    const all = queued.map((r) => r.idempotency_key);

    expect(await keys(3, 1e9)).toEqual(all.slice(0, 3));
    // Exactly two records' worth of bytes holds two; one byte less holds one.
    expect(await keys(10, 2 * bytes)).toEqual(all.slice(0, 2));
    expect(await keys(10, 2 * bytes - 1)).toEqual(all.slice(0, 1));
    // A record larger than the limit still goes out alone (the server judges it).
    expect(await keys(10, bytes - 1)).toEqual(all.slice(0, 1));
    const [first] = await outbox.nextBatch(1, 1e9);
    expect(first.bytes).toBe(bytes);
    expect(first.record).toEqual(queued[0]);
    await outbox.close();
    await expect(outbox.counts()).rejects.toThrow(); // closed means closed
  });

  it('counts a record as sent once when two tabs acknowledge it', async () => {
    const outbox = new Outbox(`outbox-ack-${++n}`);
    await outbox.add(records(3));
    const batch = await outbox.nextBatch(2, 1e9);
    const seqs = batch.map((q) => q.seq);
    expect(await outbox.acknowledge(seqs)).toBe(2);
    expect(await outbox.acknowledge(seqs)).toBe(0);
    expect(await outbox.counts()).toEqual({ queued: 1, sent: 2, rejected: 0 });
    // Setting aside a record another tab already acknowledged changes nothing.
    await outbox.setAside(seqs[0], 'too late');
    expect(await outbox.counts()).toEqual({ queued: 1, sent: 2, rejected: 0 });
    await outbox.close();
  });

  it('holds a record once: a second copy with the same idempotency key is refused', async () => {
    const outbox = new Outbox(`outbox-unique-${++n}`);
    const [record] = records(1);
    await outbox.add([record]);
    await expect(outbox.add([record])).rejects.toThrow();
    expect((await outbox.counts()).queued).toBe(1);
    await outbox.close();
  });

  it('keeps the refused records with their reasons, as many as asked for', async () => {
    const outbox = new Outbox(`outbox-rejected-${++n}`);
    const queued = records(3);
    await outbox.add(queued);
    const batch = await outbox.nextBatch(3, 1e9);
    for (const [i, q] of batch.entries()) await outbox.setAside(q.seq, `reason ${i}`, at);
    expect(await outbox.counts()).toEqual({ queued: 0, sent: 0, rejected: 3 });
    const kept = await outbox.rejectedRecords(2);
    expect(kept).toHaveLength(2);
    expect(kept.every((r) => r.rejectedAt === at.toISOString())).toBe(true);
    const all = await outbox.rejectedRecords();
    expect(new Set(all.map((r) => r.reason))).toEqual(
      new Set(['reason 0', 'reason 1', 'reason 2']),
    );
    await outbox.close();
  });

  it('gives way to a newer version of the app opening the database in another tab', async () => {
    const name = `outbox-upgrade-${++n}`;
    const outbox = new Outbox(name);
    await outbox.add(records(1));
    // Without the blocking handler this open would wait for the old connection forever.
    const newer = await openDB(name, 2);
    expect(newer.version).toBe(2);
    newer.close();
    // The old connection is closed: its operations fail instead of hanging.
    await expect(outbox.counts()).rejects.toThrow();
  });
});
