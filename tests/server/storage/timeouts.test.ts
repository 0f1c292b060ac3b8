// A database that accepts connections but never answers must not hang the server: opening
// the store fails within DB_CONNECT_TIMEOUT_MS with an error that says so.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server, type Socket } from 'node:net';
import { openPostgresStore } from '../../../server/storage/postgres';

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
