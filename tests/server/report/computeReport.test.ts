// The drift report's reading side, in this process (the server runs it in a worker thread): the
// stored graphs come newest first, at most n of them, page by page on PostgreSQL, and the byte
// bound stops the read after the last whole record that fits.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeDriftReference } from '../../../src/stats';
import { computeReport } from '../../../server/report/reportWorker';
import { openGraphReader, type StorageLocation } from '../../../server/storage/graphReader';
import { openSqliteStore } from '../../../server/storage/sqlite';
import { openPostgresStore } from '../../../server/storage/postgres';
import type { LogStore } from '../../../server/storage/types';
import { createFreshDatabase, testDatabaseUrl } from '../../helpers/freshPostgresDatabase';
import { alkanes, chain, logRecord } from '../../helpers/molecules';

const DATABASE_URL = testDatabaseUrl('computeReport.test.ts: PostgreSQL tests');

const TIMEOUTS = { statementTimeoutMs: 5_000, connectTimeoutMs: 5_000 };
const reference = computeDriftReference(
  alkanes(40),
  alkanes(40).map((_, i) => 8 + (i % 5)),
);

/** Record i is ethane logged with gap i: its prediction tells the order it was stored in. */
const records = (count: number) =>
  Array.from({ length: count }, (_, i) => logRecord(`k${i}`, chain('CC'), i));

/** The stored size of one of those records, as the byte bound counts it. */
function storedBytes(gap: number): number {
  const r = logRecord('x', chain('CC'), gap);
  return (
    JSON.stringify(r.node_features).length +
    JSON.stringify(r.edge_index).length +
    JSON.stringify(r.prediction).length
  );
}

async function gapsRead(location: StorageLocation, n: number): Promise<number[]> {
  const reader = await openGraphReader(location);
  const gaps: number[] = [];
  try {
    for await (const row of reader.newest(n))
      gaps.push((JSON.parse(row.prediction) as number[])[0]);
  } finally {
    await reader.close();
  }
  return gaps;
}

const descending = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => from - i);

describe('SQLite', () => {
  let dir: string;
  let location: StorageLocation;
  let store: LogStore;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'report-read-'));
    location = { sqliteFile: join(dir, 'log.sqlite'), ...TIMEOUTS };
    store = openSqliteStore(location.sqliteFile);
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports an empty log as empty, and refuses an in-memory database by name', async () => {
    expect(await computeReport({ location, reference, n: 10, maxBytes: 1e6 })).toEqual({
      kind: 'empty',
    });
    await expect(openGraphReader({ ...location, sqliteFile: ':memory:' })).rejects.toThrow(
      'the drift report needs a SQLite file or PostgreSQL, not an in-memory database',
    );
  });

  it('reads at most n graphs, newest first', async () => {
    await store.insert(records(12));
    expect(await gapsRead(location, 5)).toEqual(descending(11, 5));
    expect(await gapsRead(location, 50)).toEqual(descending(11, 12));
    const outcome = await computeReport({ location, reference, n: 5, maxBytes: 1e6 });
    expect(outcome.kind).toBe('report');
    if (outcome.kind !== 'report') return;
    expect(outcome.report.requested).toBe(5);
    expect(outcome.report.molecules).toBe(5);
    expect(outcome.report.truncated).toBeUndefined();
    expect(outcome.bytesRead).toBe([11, 10, 9, 8, 7].reduce((s, g) => s + storedBytes(g), 0));
  });

  it('stops at the byte bound after the last whole record that fits, and says so', async () => {
    const three = storedBytes(11) + storedBytes(10) + storedBytes(9);
    for (const maxBytes of [three, three + storedBytes(8) - 1]) {
      const outcome = await computeReport({ location, reference, n: 10, maxBytes });
      if (outcome.kind !== 'report') throw new Error(`got ${outcome.kind}`);
      expect(outcome.report.molecules).toBe(3);
      expect(outcome.bytesRead).toBe(three);
      expect(outcome.report.truncated).toEqual({ reason: 'bytes', maxBytes });
    }
    // The first record is read whatever its size, so a report always has a molecule.
    const tiny = await computeReport({ location, reference, n: 10, maxBytes: 1 });
    if (tiny.kind !== 'report') throw new Error(`got ${tiny.kind}`);
    expect(tiny.report.molecules).toBe(1);
    expect(tiny.report.truncated).toEqual({ reason: 'bytes', maxBytes: 1 });
  });
});

describe.skipIf(!DATABASE_URL)('PostgreSQL', () => {
  let fresh: Awaited<ReturnType<typeof createFreshDatabase>>;
  let location: StorageLocation;
  let store: LogStore;
  beforeAll(async () => {
    fresh = await createFreshDatabase(DATABASE_URL!, 'report_read');
    location = { databaseUrl: fresh.url, sqliteFile: ':memory:', ...TIMEOUTS };
    store = await openPostgresStore(fresh.url);
    await store.insert(records(250));
  });
  afterAll(async () => {
    await store.close();
    await fresh.drop();
  });

  it('pages through more rows than one round trip holds, newest first, exactly n', async () => {
    expect(await gapsRead(location, 230)).toEqual(descending(249, 230));
    expect(await gapsRead(location, 200)).toEqual(descending(249, 200));
    expect(await gapsRead(location, 7)).toEqual(descending(249, 7));
    expect(await gapsRead(location, 400)).toEqual(descending(249, 250));
  });

  it('builds the same report as SQLite would from the newest graphs', async () => {
    const outcome = await computeReport({ location, reference, n: 120, maxBytes: 1e7 });
    if (outcome.kind !== 'report') throw new Error(`got ${outcome.kind}`);
    expect(outcome.report.molecules).toBe(120);
    expect(outcome.bytesRead).toBe(descending(249, 120).reduce((s, g) => s + storedBytes(g), 0));
  });
});
