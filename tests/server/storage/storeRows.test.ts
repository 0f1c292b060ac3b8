// What each store writes and reads back beyond the shared contract (store.test.ts): exact row
// limits, the server-side receive time, optional fields left out rather than null, the
// migration bookkeeping, batches still pending at close, and failures reported to the caller.
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { openSqliteStore } from '../../../server/storage/sqlite';
import { openPostgresStore } from '../../../server/storage/postgres';
import { openStore } from '../../../server/storage/index';
import { MIGRATIONS } from '../../../server/storage/migrations';
import type { LogRecord, LogStore } from '../../../server/storage/types';
import { createFreshDatabase } from '../../helpers/freshPostgresDatabase';
import { chain, logRecord, methane } from '../../helpers/molecules';

const DATABASE_URL = process.env.DATABASE_URL;
const dir = mkdtempSync(join(tmpdir(), 'qm9-store-rows-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

function rowContract(name: string, open: () => Promise<LogStore>) {
  describe(name, () => {
    it('returns exactly the n newest records, each as it was sent', async () => {
      const store = await open();
      try {
        expect(await store.latest(5)).toEqual([]);
        expect(await store.count()).toBe(0);
        const sent = [
          logRecord('rows-0001', methane(), 9.5),
          { ...logRecord('rows-0002', chain('CCO'), 8.25), smiles: 'CCO' },
          logRecord('rows-0003', chain('CN'), -1e-3),
        ];
        const before = Date.now();
        expect(await store.insert(sent)).toEqual({ inserted: 3, duplicates: 0 });
        const after = Date.now();
        expect(await store.count()).toBe(3);
        const two = await store.latest(2);
        expect(two.map((r) => r.idempotency_key)).toEqual(['rows-0003', 'rows-0002']);
        const all = await store.latest(10);
        expect(all).toHaveLength(3);
        for (const [i, back] of all.reverse().entries()) {
          const { id, received_at, ...rest } = back;
          expect(rest).toStrictEqual(sent[i]);
          expect(typeof id).toBe('number');
          expect(received_at).toMatch(ISO);
          expect(Date.parse(received_at)).toBeGreaterThanOrEqual(before - 1000);
          expect(Date.parse(received_at)).toBeLessThanOrEqual(after + 1000);
        }
        expect(all[0].id).toBeLessThan(all[1].id);
        expect(all[1].id).toBeLessThan(all[2].id);
        expect(await store.latest(1)).toEqual([all[2]]);
      } finally {
        await store.close();
      }
    });

    it('answers an empty batch and unknown keys without storing anything', async () => {
      const store = await open();
      try {
        expect(await store.insert([])).toEqual({ inserted: 0, duplicates: 0 });
        expect(await store.existingKeys([])).toEqual(new Set());
        expect(await store.existingKeys(['none-0001'])).toEqual(new Set());
        expect(await store.count()).toBe(0);
        await store.ping();
        const size = await store.sizeBytes();
        expect(Number.isInteger(size)).toBe(true);
        expect(size).toBeGreaterThan(0);
      } finally {
        await store.close();
      }
    });

    it('rejects a batch the database refuses, storing none of it', async () => {
      const store = await open();
      try {
        const broken = { ...logRecord('bad-row-01', methane(), 1), model_version: null };
        await expect(
          store.insert([logRecord('ok-row-001', methane(), 1), broken as unknown as LogRecord]),
        ).rejects.toThrow(/null/i);
        expect(await store.count()).toBe(0);
        expect(await store.insert([logRecord('ok-row-001', methane(), 1)])).toEqual({
          inserted: 1,
          duplicates: 0,
        });
      } finally {
        await store.close();
      }
    });
  });
}

let sqliteFiles = 0;
rowContract('SQLite', async () => openSqliteStore(join(dir, `rows-${++sqliteFiles}.sqlite`)));

describe('SQLite specifics', () => {
  it('creates the folder of its file, and records each migration with name and time', async () => {
    const file = join(dir, 'nested', 'deeper', 'log.sqlite');
    const before = new Date().toISOString();
    const store = openSqliteStore(file);
    await store.close();
    const again = openSqliteStore(file);
    expect(await again.schemaVersions()).toEqual(MIGRATIONS.map((m) => m.version));
    await again.close();
    const db = new Database(file, { readonly: true });
    const rows = db.prepare('SELECT * FROM schema_migrations ORDER BY version').all() as {
      version: number;
      name: string;
      applied_at: string;
    }[];
    db.close();
    expect(rows.map(({ version, name }) => ({ version, name }))).toEqual(
      MIGRATIONS.map(({ version, name }) => ({ version, name })),
    );
    for (const r of rows) {
      expect(r.applied_at).toMatch(ISO);
      expect(r.applied_at >= before).toBe(true);
    }
  });

  it('measures its size as pages plus the WAL file', async () => {
    const file = join(dir, 'size.sqlite');
    const store = openSqliteStore(file);
    await store.insert([logRecord('size-0001', chain('CCCCCC'), 1)]);
    const reader = new Database(file, { readonly: true });
    const pages = reader.pragma('page_count', { simple: true }) as number;
    const pageSize = reader.pragma('page_size', { simple: true }) as number;
    reader.close();
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(0);
    expect(await store.sizeBytes()).toBe(pages * pageSize + statSync(`${file}-wal`).size);
    await store.close();
  });

  it('works in memory, with no file at all', async () => {
    const store = openSqliteStore(':memory:');
    await store.insert([logRecord('memory-01', methane(), 1)]);
    expect(await store.count()).toBe(1);
    expect(await store.sizeBytes()).toBeGreaterThan(0);
    expect(existsSync(':memory:')).toBe(false);
    await store.close();
  });

  it('commits batches still waiting for their group when it is closed', async () => {
    const file = join(dir, 'pending.sqlite');
    const store = openSqliteStore(file);
    const first = store.insert([logRecord('pending-01', methane(), 1)]);
    const second = store.insert([logRecord('pending-02', methane(), 1)]);
    await store.close();
    expect(await first).toEqual({ inserted: 1, duplicates: 0 });
    expect(await second).toEqual({ inserted: 1, duplicates: 0 });
    const reopened = openSqliteStore(file);
    expect(await reopened.existingKeys(['pending-01', 'pending-02'])).toEqual(
      new Set(['pending-01', 'pending-02']),
    );
    await reopened.close();
  });

  it('gives every batch of one group commit the same receive time', async () => {
    const store = openSqliteStore(join(dir, 'group.sqlite'));
    await Promise.all([
      store.insert([logRecord('group-0001', methane(), 1)]),
      store.insert([logRecord('group-0002', methane(), 1)]),
    ]);
    const [a, b] = await store.latest(2);
    expect(a.received_at).toBe(b.received_at);
    await store.close();
  });

  it('is what openStore opens without DATABASE_URL, with the synchronous setting given', async () => {
    const store = await openStore({
      sqliteFile: join(dir, 'opened.sqlite'),
      sqliteSynchronous: 'NORMAL',
    });
    expect(store.kind).toBe('sqlite');
    expect((store as ReturnType<typeof openSqliteStore>).pragma('synchronous')).toBe(1);
    await store.close();
  });
});

describe.skipIf(!DATABASE_URL)('PostgreSQL', () => {
  const drops: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const drop of drops) await drop();
  });
  const fresh = async () => {
    const db = await createFreshDatabase(DATABASE_URL!, 'store_rows');
    drops.push(db.drop);
    return db.url;
  };

  rowContract('PostgreSQL', async () => openPostgresStore(await fresh()));

  it('is what openStore opens with DATABASE_URL', async () => {
    const store = await openStore({ databaseUrl: await fresh(), sqliteFile: join(dir, 'unused') });
    expect(store.kind).toBe('postgres');
    expect(existsSync(join(dir, 'unused'))).toBe(false);
    await store.close();
  });

  it('records each migration with name and time, once across reopenings', async () => {
    const url = await fresh();
    await (await openPostgresStore(url)).close();
    const store = await openPostgresStore(url);
    expect(await store.schemaVersions()).toEqual(MIGRATIONS.map((m) => m.version));
    await store.close();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query(
      'SELECT version, name, applied_at FROM schema_migrations ORDER BY version',
    );
    await client.end();
    expect(rows.map(({ version, name }) => ({ version, name }))).toEqual(
      MIGRATIONS.map(({ version, name }) => ({ version, name })),
    );
    for (const r of rows) expect(r.applied_at).toMatch(ISO);
  });

  it('names the migration that failed, and lets go of the database', async () => {
    const url = await fresh();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query('CREATE TABLE log_records (id INTEGER)');
    await expect(openPostgresStore(url)).rejects.toThrow(
      'migration 1 (create log_records) failed: relation "log_records" already exists',
    );
    const versions = await client.query('SELECT version FROM schema_migrations');
    expect(versions.rows).toEqual([]);
    // The pool is ended: its backends leave (asynchronously, so wait a little for them).
    let others = -1;
    for (let i = 0; i < 50 && others !== 0; i++) {
      if (i) await new Promise((r) => setTimeout(r, 50));
      const { rows } = await client.query(
        'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
      );
      others = rows[0].n;
    }
    await client.end();
    expect(others).toBe(0);
  });
});
