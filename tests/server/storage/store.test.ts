import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../../server/storage/sqlite';
import { openPostgresStore } from '../../../server/storage/postgres';
import { createFreshDatabase, testDatabaseUrl } from '../../helpers/freshPostgresDatabase';
import type { LogRecord, LogStore } from '../../../server/storage/types';
import { MIGRATIONS } from '../../../server/storage/migrations';

const DATABASE_URL = testDatabaseUrl('store.test.ts: PostgreSQL tests');

// Methane with explicit hydrogens, featurized as QM9 does (C bonded to 4 H, both directions).
function methane(key: string, gap = 10.5): LogRecord {
  const c = [0, 1, 0, 0, 0, 6, 0, 0, 0, 1, 4];
  const h = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0];
  return {
    idempotency_key: key,
    node_features: [c, h, h, h, h],
    edge_index: [
      [0, 0, 0, 0, 1, 2, 3, 4],
      [1, 2, 3, 4, 0, 0, 0, 0],
    ],
    prediction: [gap],
    model_version: 'test-1',
    timestamp: '2026-11-29T10:00:00.000Z',
  };
}

function storeContract(
  name: string,
  open: () => Promise<{ store: LogStore; reopen: () => Promise<LogStore> }>,
) {
  describe(name, () => {
    let store: LogStore;
    let reopen: () => Promise<LogStore>;
    beforeAll(async () => {
      ({ store, reopen } = await open());
    });
    afterAll(async () => {
      await store?.close();
    });

    it('applies every migration once', async () => {
      expect(await store.schemaVersions()).toEqual(MIGRATIONS.map((m) => m.version));
    });

    it('stores a batch and reads it back unchanged, newest first', async () => {
      const records = [
        methane('a-1', 1.25),
        methane('a-2', 2.5),
        { ...methane('a-3'), smiles: 'C' },
      ];
      expect(await store.insert(records)).toEqual({ inserted: 3, duplicates: 0 });
      const latest = await store.latest(3);
      expect(latest.map((r) => r.idempotency_key)).toEqual(['a-3', 'a-2', 'a-1']);
      const { id: _id, received_at, ...first } = latest[2];
      expect(first).toEqual(records[0]);
      expect(latest[0].smiles).toBe('C');
      expect(Date.parse(received_at)).not.toBeNaN();
    });

    it('never stores an idempotency key twice, across and within batches', async () => {
      const before = await store.count();
      expect(await store.insert([methane('a-1'), methane('b-1'), methane('b-1')])).toEqual({
        inserted: 1,
        duplicates: 2,
      });
      expect(await store.count()).toBe(before + 1);
      expect(await store.existingKeys(['a-1', 'b-1', 'nope'])).toEqual(new Set(['a-1', 'b-1']));
    });

    it('answers concurrent batches each with its own counts', async () => {
      const before = await store.count();
      const results = await Promise.all([
        store.insert([methane('c-1'), methane('c-2')]),
        store.insert([methane('c-2'), methane('c-3')]),
        store.insert([methane('c-4')]),
      ]);
      const inserted = results.map((r) => r.inserted);
      // c-2 is stored by exactly one of the first two batches.
      expect(inserted[0] + inserted[1]).toBe(3);
      expect(inserted[2]).toBe(1);
      expect(results.reduce((n, r) => n + r.duplicates, 0)).toBe(1);
      expect(await store.count()).toBe(before + 4);
    });

    it('treats hostile text as data (parameterized queries)', async () => {
      const key = "x'); DROP TABLE log_records; --";
      await store.insert([{ ...methane(key), model_version: 'v\'1"; --' }]);
      const [latest] = await store.latest(1);
      expect(latest.idempotency_key).toBe(key);
      expect(latest.model_version).toBe('v\'1"; --');
    });

    it('keeps the data and the schema version when reopened', async () => {
      const count = await store.count();
      await store.close();
      store = await reopen();
      expect(await store.count()).toBe(count);
      expect(await store.schemaVersions()).toEqual(MIGRATIONS.map((m) => m.version));
    });
  });
}

const sqliteDir = mkdtempSync(join(tmpdir(), 'qm9-store-'));
afterAll(() => rmSync(sqliteDir, { recursive: true, force: true }));
storeContract('SQLite store', async () => {
  const file = join(sqliteDir, 'log.sqlite');
  return { store: openSqliteStore(file), reopen: async () => openSqliteStore(file) };
});

// Runs where DATABASE_URL names a server (.ci/run starts one with server/test-pg.sh).
describe.skipIf(!DATABASE_URL)('PostgreSQL', () => {
  let drop: (() => Promise<void>) | undefined;
  afterAll(async () => drop?.());
  storeContract('PostgreSQL store', async () => {
    const fresh = await createFreshDatabase(DATABASE_URL!, 'store_test');
    drop = fresh.drop;
    return {
      store: await openPostgresStore(fresh.url),
      reopen: () => openPostgresStore(fresh.url),
    };
  });
});
