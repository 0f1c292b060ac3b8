// Embedded default store. WAL journal; synchronous=FULL by default so an acknowledged
// batch survives a process kill and a power cut (NORMAL survives only the former).
import Database from 'better-sqlite3';
import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { MIGRATIONS, MIGRATIONS_TABLE_SQL } from './migrations';
import {
  RECORD_COLUMNS,
  recordValues,
  type InsertResult,
  type LogRecord,
  type LogStore,
  type StoredRecord,
} from './types';

interface Row {
  id: number;
  idempotency_key: string;
  received_at: string;
  client_timestamp: string;
  model_version: string;
  node_features: string;
  edge_index: string;
  prediction: string;
  smiles: string | null;
}

export function rowToRecord(row: Row): StoredRecord {
  const record: StoredRecord = {
    id: Number(row.id),
    idempotency_key: row.idempotency_key,
    received_at: row.received_at,
    timestamp: row.client_timestamp,
    model_version: row.model_version,
    node_features: JSON.parse(row.node_features),
    edge_index: JSON.parse(row.edge_index),
    prediction: JSON.parse(row.prediction),
  };
  if (row.smiles !== null) record.smiles = row.smiles;
  return record;
}

/** The SQLite store, which can also say how its connection is set up. */
export interface SqliteLogStore extends LogStore {
  /** A PRAGMA's value on the store's own connection (synchronous is per connection). */
  pragma(name: 'synchronous' | 'journal_mode' | 'busy_timeout'): unknown;
}

export function openSqliteStore(
  file: string,
  options: { synchronous?: 'FULL' | 'NORMAL' } = {},
): SqliteLogStore {
  // Stryker disable next-line ConditionalExpression,StringLiteral: for ':memory:' it makes '.', which exists
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.synchronous === 'NORMAL' ? 'NORMAL' : 'FULL'}`);
  db.pragma('busy_timeout = 5000');
  migrate(db);

  const insertOne = db.prepare(
    `INSERT INTO log_records (${RECORD_COLUMNS.join(', ')}, received_at)
     VALUES (${RECORD_COLUMNS.map(() => '?').join(', ')}, ?)
     ON CONFLICT (idempotency_key) DO NOTHING`,
  );
  const insertRecords = (records: readonly LogRecord[], receivedAt: string) => {
    let inserted = 0;
    for (const r of records) {
      inserted += insertOne.run(...recordValues(r), receivedAt).changes;
    }
    return inserted;
  };
  const insertGroup = db.transaction(
    (batches: readonly (readonly LogRecord[])[], receivedAt: string) =>
      batches.map((records) => insertRecords(records, receivedAt)),
  );

  // Group commit: batches that arrive in the same event-loop turn share one transaction and
  // one fsync; each caller is answered only after that commit.
  let pending: {
    records: readonly LogRecord[];
    resolve: (r: InsertResult) => void;
    reject: (e: unknown) => void;
  }[] = [];
  const flush = () => {
    const group = pending;
    pending = [];
    try {
      const inserted = insertGroup(
        group.map((g) => g.records),
        new Date().toISOString(),
      );
      group.forEach((g, i) =>
        g.resolve({ inserted: inserted[i], duplicates: g.records.length - inserted[i] }),
      );
    } catch (error) {
      for (const g of group) g.reject(error);
    }
  };

  const latest = db.prepare('SELECT * FROM log_records ORDER BY id DESC LIMIT ?');
  const count = db.prepare('SELECT count(*) AS n FROM log_records');
  const hasKey = db.prepare('SELECT 1 FROM log_records WHERE idempotency_key = ?');

  return {
    kind: 'sqlite',
    pragma(name) {
      return db.pragma(name, { simple: true });
    },
    insert(records) {
      return new Promise<InsertResult>((resolve, reject) => {
        pending.push({ records, resolve, reject });
        // Stryker disable next-line ConditionalExpression: more flushes commit the same rows, only later ones empty
        if (pending.length === 1) setImmediate(flush);
      });
    },
    async latest(n) {
      return (latest.all(n) as Row[]).map(rowToRecord);
    },
    async count() {
      return (count.get() as { n: number }).n;
    },
    async existingKeys(keys) {
      return new Set(keys.filter((k) => hasKey.get(k) !== undefined));
    },
    async ping() {
      db.prepare('SELECT 1').get();
    },
    async sizeBytes() {
      const pages = db.pragma('page_count', { simple: true }) as number;
      const pageSize = db.pragma('page_size', { simple: true }) as number;
      let wal = 0;
      try {
        // Stryker disable next-line ConditionalExpression,StringLiteral: ':memory:-wal' does not exist either
        if (file !== ':memory:') wal = statSync(`${file}-wal`).size;
      } catch {
        // No WAL file yet.
      }
      return pages * pageSize + wal;
    },
    async schemaVersions() {
      return (
        db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as {
          version: number;
        }[]
      ).map((r) => r.version);
    },
    async close() {
      if (pending.length) flush();
      db.close();
    },
  };
}

function migrate(db: Database.Database): void {
  db.exec(MIGRATIONS_TABLE_SQL);
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map(
      (r) => r.version,
    ),
  );
  const record = db.prepare(
    'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
  );
  for (const m of MIGRATIONS) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sqlite);
      record.run(m.version, m.name, new Date().toISOString());
    }).immediate();
  }
}
