// What the SQLite store promises about durability, read back from its own connection.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../server/config';
import { openStore } from '../../../server/storage/index';
import { openSqliteStore, type SqliteLogStore } from '../../../server/storage/sqlite';

/** The store exactly as the server opens it from its configuration. */
async function storeFromEnv(env: Record<string, string>): Promise<SqliteLogStore> {
  const store = await openStore(loadConfig(env));
  expect(store.kind).toBe('sqlite');
  return store as SqliteLogStore;
}

const dir = mkdtempSync(join(tmpdir(), 'qm9-sqlite-durability-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// SQLite's PRAGMA synchronous values: 1 NORMAL, 2 FULL.
const FULL = 2;
const NORMAL = 1;

describe('SQLite durability settings', () => {
  it('by default every commit is synced (synchronous=FULL, WAL): an acknowledged batch survives a power cut', async () => {
    const store = await storeFromEnv({ SQLITE_FILE: join(dir, 'default.sqlite') });
    expect(store.pragma('synchronous')).toBe(FULL);
    expect(store.pragma('journal_mode')).toBe('wal');
    expect(store.pragma('busy_timeout')).toBe(5000);
    await store.close();
    const bare = openSqliteStore(join(dir, 'bare.sqlite'));
    expect(bare.pragma('synchronous')).toBe(FULL);
    await bare.close();
  });

  it('SQLITE_SYNCHRONOUS=NORMAL is an explicit opt-out', async () => {
    const store = await storeFromEnv({
      SQLITE_SYNCHRONOUS: 'normal',
      SQLITE_FILE: join(dir, 'n.sqlite'),
    });
    expect(store.pragma('synchronous')).toBe(NORMAL);
    await store.close();
  });

  it('refuses any other SQLITE_SYNCHRONOUS value by name', () => {
    expect(() => loadConfig({ SQLITE_SYNCHRONOUS: 'OFF' })).toThrow(
      /SQLITE_SYNCHRONOUS must be FULL or NORMAL, got "OFF"/,
    );
  });
});
