// Kill -9 and SIGTERM during ingestion: every batch the server acknowledged must be there
// after restart, and SIGTERM answers every request it had already accepted.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServerProcess } from '../helpers/serverProcess';
import { chain, logRecord } from '../helpers/molecules';
import { openSqliteStore } from '../../server/storage/sqlite';
import { openPostgresStore } from '../../server/storage/postgres';
import { createFreshDatabase, testDatabaseUrl } from '../helpers/freshPostgresDatabase';
import type { LogStore } from '../../server/storage';

const DATABASE_URL = testDatabaseUrl('reliability.test.ts: PostgreSQL case');

const dir = mkdtempSync(join(tmpdir(), 'qm9-kill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BATCH = 25;
const CONCURRENCY = 4;
const graphs = ['CCO', 'CCCN', 'CC', 'COC', 'CCCCF'].map(chain);

/**
 * Sends batches from several concurrent clients until the server dies; returns the keys of
 * every batch that got a 200, how many failed, and how many requests were under way when the
 * signal was sent and still got a 200 afterwards.
 */
async function ingestUntilKilled(url: string, killAfterAcks: number, kill: () => void) {
  const acknowledged: string[] = [];
  let batchNo = 0;
  let failed = 0;
  let killed = false;
  let answeredAfterSignal = 0;
  async function client(): Promise<void> {
    while (true) {
      const b = batchNo++;
      const records = Array.from({ length: BATCH }, (_, i) =>
        logRecord(`kill-${b}-${i}`, graphs[(b + i) % graphs.length], 8 + (i % 10) / 10),
      );
      const sentBeforeSignal = !killed;
      try {
        const res = await fetch(`${url}/log`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ records }),
        });
        if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
        await res.json();
        if (killed && sentBeforeSignal) answeredAfterSignal++;
        acknowledged.push(...records.map((r) => r.idempotency_key));
        if (!killed && acknowledged.length >= killAfterAcks) {
          killed = true;
          kill();
        }
      } catch (error) {
        if (!killed) throw error;
        failed++;
        return;
      }
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, client));
  return { acknowledged, failed, sent: batchNo, answeredAfterSignal };
}

async function killDuringIngestion(
  env: Record<string, string>,
  openStore: () => Promise<LogStore>,
  signal: 'SIGKILL' | 'SIGTERM' = 'SIGKILL',
) {
  const first = await startServerProcess(env);
  const run = await ingestUntilKilled(first.url, 40 * BATCH, () => first.child.kill(signal));
  const exit = await first.exited;
  if (signal === 'SIGKILL') {
    expect(exit.signal).toBe('SIGKILL');
    expect(run.failed).toBeGreaterThan(0); // some batches really were cut off mid-flight
  } else {
    // A graceful exit: every accepted request was answered, none had to be cut.
    expect(exit).toEqual({ code: 0, signal: null });
    // Requests that were under way when SIGTERM came were answered, not dropped.
    expect(run.answeredAfterSignal).toBeGreaterThan(0);
    expect(first.output()).not.toMatch(/shutdown deadline/);
  }

  const second = await startServerProcess(env);
  const store = await openStore();
  try {
    const present = await store.existingKeys(run.acknowledged);
    const missing = run.acknowledged.filter((k) => !present.has(k));
    expect(missing).toEqual([]);
    // Records of unacknowledged batches may or may not be there, but never partially.
    const total = await store.count();
    expect(total % BATCH).toBe(0);
    expect(total).toBeGreaterThanOrEqual(run.acknowledged.length);
    // The restarted server accepts the same client's retry without storing anything twice.
    const retry = Array.from({ length: BATCH }, (_, i) =>
      logRecord(`kill-0-${i}`, graphs[i % graphs.length], 8),
    );
    const res = await fetch(`${second.url}/log`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ records: retry }),
    });
    expect(await res.json()).toEqual({ accepted: BATCH, stored: 0, duplicates: BATCH });
  } finally {
    await store.close();
    second.child.kill('SIGTERM');
    await second.exited;
  }
}

const serverEnv = {
  LOG_RATE_LIMIT: '1000000',
  MODELS_DIR: join(dir, 'no-models'),
  REPORT_TOKEN: 'reliability',
};

describe('SIGKILL during ingestion loses no acknowledged record', () => {
  it('SQLite (WAL)', async () => {
    const file = join(dir, 'kill.sqlite');
    await killDuringIngestion({ ...serverEnv, DATABASE_URL: '', SQLITE_FILE: file }, async () =>
      openSqliteStore(file),
    );
  });

  // Runs where DATABASE_URL names a server (.ci/run starts one with server/test-pg.sh).
  it.skipIf(!DATABASE_URL)('PostgreSQL', async () => {
    const fresh = await createFreshDatabase(DATABASE_URL!, 'kill_test');
    try {
      await killDuringIngestion({ ...serverEnv, DATABASE_URL: fresh.url }, () =>
        openPostgresStore(fresh.url),
      );
    } finally {
      await fresh.drop();
    }
  });
});

describe('SIGTERM during ingestion answers what it accepted and loses nothing', () => {
  it('SQLite (WAL)', async () => {
    const file = join(dir, 'term.sqlite');
    await killDuringIngestion(
      { ...serverEnv, DATABASE_URL: '', SQLITE_FILE: file },
      async () => openSqliteStore(file),
      'SIGTERM',
    );
  });

  it.skipIf(!DATABASE_URL)('PostgreSQL', async () => {
    const fresh = await createFreshDatabase(DATABASE_URL!, 'term_test');
    try {
      await killDuringIngestion(
        { ...serverEnv, DATABASE_URL: fresh.url },
        () => openPostgresStore(fresh.url),
        'SIGTERM',
      );
    } finally {
      await fresh.drop();
    }
  });
});
