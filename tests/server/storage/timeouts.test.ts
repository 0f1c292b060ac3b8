// A database that accepts connections but never answers must not hang the server: opening
// the store fails within DB_CONNECT_TIMEOUT_MS with an error that says so. A statement that
// cannot finish is cancelled by PostgreSQL after DB_STATEMENT_TIMEOUT_MS.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server, type Socket } from 'node:net';
import pg from 'pg';
import { openPostgresStore } from '../../../server/storage/postgres';
import type { LogStore } from '../../../server/storage/types';
import { createFreshDatabase, testDatabaseUrl } from '../../helpers/freshPostgresDatabase';

const DATABASE_URL = testDatabaseUrl('timeouts.test.ts: PostgreSQL statement timeout test');

describe('PostgreSQL connect timeout', () => {
  let silent: Server;
  const sockets: Socket[] = [];
  let port = 0;
  beforeAll(async () => {
    // Accepts TCP connections and never says a word, like a firewalled or hung database.
    silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    port = (silent.address() as { port: number }).port;
  });
  afterAll(async () => {
    sockets.forEach((s) => s.destroy());
    await new Promise((resolve) => silent.close(resolve));
  });

  it('gives up after connectTimeoutMs instead of waiting forever', async () => {
    const started = Date.now();
    await expect(
      openPostgresStore(`postgres://nobody@127.0.0.1:${port}/none`, { connectTimeoutMs: 500 }),
    ).rejects.toThrow(/timeout/i);
    // Far below any default TCP timeout (minutes): the configured limit did it.
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});

// Runs where DATABASE_URL names a server (.ci/run starts one with server/test-pg.sh).
describe.skipIf(!DATABASE_URL)('PostgreSQL statement timeout', () => {
  let fresh: Awaited<ReturnType<typeof createFreshDatabase>>;
  let store: LogStore;
  let locker: pg.Client;
  beforeAll(async () => {
    fresh = await createFreshDatabase(DATABASE_URL!, 'timeouts_test');
    store = await openPostgresStore(fresh.url, { statementTimeoutMs: 500 });
    locker = new pg.Client({ connectionString: fresh.url });
    await locker.connect();
  });
  afterAll(async () => {
    await locker?.end();
    await store?.close();
    await fresh?.drop();
  });

  it('cancels a statement that runs longer than statementTimeoutMs (SQLSTATE 57014)', async () => {
    // Another session holds the table, as a long migration or a stuck transaction would: the
    // store's count() waits on the lock for as long as it is held, here until the test ends.
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE log_records IN ACCESS EXCLUSIVE MODE');
    const started = Date.now();
    const error = await store.count().then(
      () => null,
      (e: Error & { code?: string }) => e,
    );
    const elapsed = Date.now() - started;
    await locker.query('ROLLBACK');
    // 57014 is query_canceled: PostgreSQL's own statement_timeout ended it, not the client's
    // query_timeout (1 s later, an error without a SQLSTATE).
    expect(error?.code).toBe('57014');
    expect(error?.message).toMatch(/statement timeout/);
    expect(elapsed).toBeGreaterThanOrEqual(450);
    expect(elapsed).toBeLessThan(5_000);
    // The pool's connection survives the cancel: the same store answers once the lock is gone.
    expect(await store.count()).toBe(0);
  });
});
