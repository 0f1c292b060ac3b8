// What a store does at its edges: an insert still waiting for its group commit when the store
// closes (SIGTERM) is committed and answered, and a store that cannot reach its database says so
// when pinged (/ready).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../../server/storage/postgres';
import { openSqliteStore } from '../../../server/storage/sqlite';
import { createFreshDatabase, testDatabaseUrl } from '../../helpers/freshPostgresDatabase';
import { chain, logRecord } from '../../helpers/molecules';

const DATABASE_URL = testDatabaseUrl('storeLifecycle.test.ts: PostgreSQL tests');

const dir = mkdtempSync(join(tmpdir(), 'store-lifecycle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('SQLite store', () => {
  it('commits and answers an insert still waiting for its group commit when it closes', async () => {
    const file = join(dir, 'closing.sqlite');
    const store = openSqliteStore(file);
    const pending = store.insert([
      logRecord('a', chain('CO'), 9.5),
      logRecord('b', chain('C'), 11),
    ]);
    await store.close();
    expect(await pending).toEqual({ inserted: 2, duplicates: 0 });
    const reopened = openSqliteStore(file);
    expect(await reopened.count()).toBe(2);
    await reopened.close();
  });

  it('answers a ping while open and refuses one once closed', async () => {
    const store = openSqliteStore(join(dir, 'ping.sqlite'));
    await expect(store.ping()).resolves.toBeUndefined();
    await store.close();
    await expect(store.ping()).rejects.toThrow(/not open/);
  });
});

describe.skipIf(!DATABASE_URL)('PostgreSQL store', () => {
  it('refuses a ping once its database is gone', async () => {
    const fresh = await createFreshDatabase(DATABASE_URL!, 'store_ping');
    const store = await openPostgresStore(fresh.url, { connectTimeoutMs: 2_000 });
    try {
      await expect(store.ping()).resolves.toBeUndefined();
      await fresh.drop();
      await expect(store.ping()).rejects.toThrow();
    } finally {
      await store.close();
      await fresh.drop();
    }
  });
});
