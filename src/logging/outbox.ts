import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { normalizeSettings } from './settings';
import type { LogRecord, LoggingSettings, OutboxCounts, RejectedRecord } from './types';

export const OUTBOX_DB_NAME = 'qm9-logging';

interface QueuedRow {
  /** Insertion order, so batches go out oldest first. */
  seq?: number;
  record: LogRecord;
  /** Length of the record's JSON, to keep batches under the server's body limit. */
  bytes: number;
}

export interface QueuedRecord {
  seq: number;
  record: LogRecord;
  bytes: number;
}

interface OutboxSchema extends DBSchema {
  queue: { key: number; value: QueuedRow; indexes: { byKey: string } };
  rejected: { key: string; value: RejectedRecord };
  /** 'settings' (LoggingSettings) and 'sent' (number). */
  meta: { key: string; value: unknown };
}

/**
 * The IndexedDB queue between the model and the server, shared by the page and its workers
 * (same origin, same database). A record leaves the queue only in the transaction that counts it
 * as sent after the server's 200, or the one that sets it aside after the server refused it, so
 * it survives offline periods, server outages, reloads and crashes.
 */
export class Outbox {
  private readonly db: Promise<IDBPDatabase<OutboxSchema>>;

  constructor(name = OUTBOX_DB_NAME) {
    this.db = openDB<OutboxSchema>(name, 1, {
      upgrade(db) {
        const queue = db.createObjectStore('queue', { keyPath: 'seq', autoIncrement: true });
        queue.createIndex('byKey', 'record.idempotency_key', { unique: true });
        db.createObjectStore('rejected', { keyPath: 'record.idempotency_key' });
        db.createObjectStore('meta');
      },
      // Let a newer version of the app (another tab) upgrade the schema instead of hanging.
      blocking(_current, _next, event) {
        (event.target as IDBDatabase).close();
      },
    });
  }

  async add(records: LogRecord[]): Promise<void> {
    if (records.length === 0) return;
    const db = await this.db;
    const tx = db.transaction('queue', 'readwrite');
    await Promise.all([
      ...records.map((record) => tx.store.add({ record, bytes: JSON.stringify(record).length })),
      tx.done,
    ]);
  }

  /** The oldest records, at most `maxRecords` and `maxBytes` of JSON (but at least one). */
  async nextBatch(maxRecords: number, maxBytes: number): Promise<QueuedRecord[]> {
    const db = await this.db;
    const batch: QueuedRecord[] = [];
    let bytes = 0;
    let cursor = await db.transaction('queue').store.openCursor();
    while (cursor && batch.length < maxRecords) {
      const row = cursor.value;
      if (batch.length > 0 && bytes + row.bytes > maxBytes) break;
      batch.push({ seq: cursor.primaryKey, record: row.record, bytes: row.bytes });
      bytes += row.bytes;
      cursor = await cursor.continue();
    }
    return batch;
  }

  /** After the server's 200: removes the records and counts them as sent, in one transaction. */
  async acknowledge(seqs: number[]): Promise<number> {
    const db = await this.db;
    const tx = db.transaction(['queue', 'meta'], 'readwrite');
    const queue = tx.objectStore('queue');
    const meta = tx.objectStore('meta');
    let removed = 0;
    for (const seq of seqs) {
      if ((await queue.getKey(seq)) === undefined) continue; // another tab acknowledged it
      await queue.delete(seq);
      removed += 1;
    }
    const sent = Number((await meta.get('sent')) ?? 0);
    await meta.put(sent + removed, 'sent');
    await tx.done;
    return removed;
  }

  /** Keeps records that cannot be sent at all (too large for the server) with the reason. */
  async keepUnsendable(
    items: { record: LogRecord; reason: string }[],
    now = new Date(),
  ): Promise<void> {
    if (items.length === 0) return;
    const db = await this.db;
    const tx = db.transaction('rejected', 'readwrite');
    const rejectedAt = now.toISOString();
    await Promise.all([
      ...items.map(({ record, reason }) => tx.store.put({ record, reason, rejectedAt })),
      tx.done,
    ]);
  }

  /** Moves a record the server refused out of the queue, keeping it with the reason. */
  async setAside(seq: number, reason: string, now = new Date()): Promise<void> {
    const db = await this.db;
    const tx = db.transaction(['queue', 'rejected'], 'readwrite');
    const row = await tx.objectStore('queue').get(seq);
    if (row) {
      await tx
        .objectStore('rejected')
        .put({ record: row.record, reason, rejectedAt: now.toISOString() });
      await tx.objectStore('queue').delete(seq);
    }
    await tx.done;
  }

  async counts(): Promise<OutboxCounts> {
    const db = await this.db;
    const tx = db.transaction(['queue', 'rejected', 'meta']);
    const [queued, rejected, sent] = await Promise.all([
      tx.objectStore('queue').count(),
      tx.objectStore('rejected').count(),
      tx.objectStore('meta').get('sent'),
    ]);
    await tx.done;
    return { queued, rejected, sent: Number(sent ?? 0) };
  }

  async rejectedRecords(limit = 50): Promise<RejectedRecord[]> {
    const db = await this.db;
    return db.getAll('rejected', undefined, limit);
  }

  /** Only on the user's explicit request (after turning logging off): forget what was queued. */
  async discardQueued(): Promise<void> {
    const db = await this.db;
    await db.clear('queue');
  }

  async loadSettings(): Promise<LoggingSettings> {
    const db = await this.db;
    return normalizeSettings(await db.get('meta', 'settings'));
  }

  async saveSettings(settings: LoggingSettings): Promise<void> {
    const db = await this.db;
    await db.put('meta', normalizeSettings(settings), 'settings');
  }

  async close(): Promise<void> {
    (await this.db).close();
  }
}
