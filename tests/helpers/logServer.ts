// The real logging server (Fastify + SQLite in a temp dir) on a local port, for the logging
// client's unit tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../server/app';
import { loadConfig } from '../../server/config';
import { openSqliteStore } from '../../server/storage/sqlite';
import type { LogStore } from '../../server/storage';

export interface LogServer {
  url: string;
  store: LogStore;
  /** /log requests that reached the handler stage so far. */
  requests(): number;
  /** Holds every /log request until the returned release() is called. */
  hold(): () => void;
  close(): Promise<void>;
}

/** `port`: a fixed one brings a server "back up" where a client already points; 0: any free one. */
export async function startLogServer(
  env: Record<string, string> = {},
  port = 0,
): Promise<LogServer> {
  const dir = mkdtempSync(join(tmpdir(), 'qm9-log-server-'));
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    REPORT_TOKEN: 'logging-client-test',
    SQLITE_FILE: join(dir, 'log.sqlite'),
    ...env,
  });
  const store = openSqliteStore(config.sqliteFile);
  const app = await buildApp({
    config,
    store,
    models: () => null,
    driftReference: () => Promise.reject(new Error('no drift reference in this test')),
  });
  let gate: Promise<void> | null = null;
  let seen = 0;
  app.addHook('preHandler', async (request) => {
    if (request.url !== '/log') return;
    seen++;
    if (gate) await gate;
  });
  const url = await app.listen({ port, host: '127.0.0.1' });
  return {
    url,
    store,
    requests: () => seen,
    hold() {
      let release!: () => void;
      gate = new Promise<void>((r) => (release = r));
      return () => {
        gate = null;
        release();
      };
    },
    async close() {
      await app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A port nothing listens on (taken from the OS, then released): a server that is down. */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((r) => probe.close(() => r()));
  return port;
}

/** A /log endpoint on a port nothing listens on. */
export async function deadEndpoint(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}/log`;
}

/** What a sender reports before it has done anything, written out by hand as the oracle. */
export const IDLE_STATUS = {
  queued: 0,
  sent: 0,
  rejected: 0,
  online: true,
  sending: false,
  lastError: null,
  nextRetryAt: null,
  lastSentAt: null,
} as const;
