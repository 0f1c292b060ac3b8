// The storage limit at its exact boundary over a real SQLite store, measured at start and on
// its poll, and the per-client byte quota charged by Content-Length or by the body it read.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyRequest } from 'fastify';
import { StorageGuard } from '../../server/storageGuard';
import { openSqliteStore } from '../../server/storage/sqlite';
import { createMetrics } from '../../server/metrics';
import { logRecord, methane } from '../helpers/molecules';

const dir = mkdtempSync(join(tmpdir(), 'qm9-storage-guard-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const newStore = () => openSqliteStore(join(dir, `guard-${++files}.sqlite`));

/** The value of a gauge in the registry's text. */
async function gauge(metrics: ReturnType<typeof createMetrics>, name: string) {
  const line = (await metrics.registry.metrics()).split('\n').find((l) => l.startsWith(`${name} `));
  return Number(line?.split(' ')[1]);
}

describe('storage limit', () => {
  it('is reached when the store is exactly STORAGE_MAX_BYTES, not a byte before', async () => {
    const store = newStore();
    const size = await store.sizeBytes();
    const at = new StorageGuard(store, { clientQuotaBytesPerDay: 0, storageMaxBytes: size });
    const below = new StorageGuard(store, { clientQuotaBytesPerDay: 0, storageMaxBytes: size + 1 });
    const none = new StorageGuard(store, { clientQuotaBytesPerDay: 0, storageMaxBytes: 0 });
    for (const g of [at, below, none]) expect(g.full).toBe(false); // not measured yet
    await Promise.all([at.measure(), below.measure(), none.measure()]);
    expect([at.full, below.full, none.full]).toEqual([true, false, false]);
    await store.close();
  });

  it('is measured at start and then on every poll, and published as metrics', async () => {
    const store = newStore();
    const metrics = createMetrics();
    const start = await store.sizeBytes();
    const guard = new StorageGuard(
      store,
      { clientQuotaBytesPerDay: 0, storageMaxBytes: start + 1, pollMs: 20 },
      metrics,
    );
    expect(await gauge(metrics, 'qm9_storage_limit_bytes')).toBe(start + 1);
    await guard.start();
    expect(guard.full).toBe(false);
    expect(await gauge(metrics, 'qm9_storage_bytes')).toBe(start);
    await store.insert([logRecord('guard-0001', methane(), 1)]);
    const grown = await store.sizeBytes();
    expect(grown).toBeGreaterThan(start);
    await new Promise((r) => setTimeout(r, 200));
    expect(guard.full).toBe(true);
    expect(await gauge(metrics, 'qm9_storage_bytes')).toBe(grown);
    guard.stop();
    guard.stop();
    await store.close();
  });

  it('keeps the last size when the store stops answering', async () => {
    const store = newStore();
    const guard = new StorageGuard(store, { clientQuotaBytesPerDay: 0, storageMaxBytes: 1 });
    await guard.measure();
    expect(guard.full).toBe(true);
    await store.close();
    await guard.measure();
    expect(guard.full).toBe(true);
  });
});

describe('per-client quota', () => {
  const store = newStore();
  afterAll(() => store.close());
  const request = (ip: string, headers: Record<string, string>, body: unknown) =>
    ({ ip, headers, body }) as unknown as FastifyRequest;

  it('is off at 0: everything is allowed', () => {
    const guard = new StorageGuard(store, { clientQuotaBytesPerDay: 0, storageMaxBytes: 0 });
    expect(guard.charge(request('a', { 'content-length': '999999999' }, {}))).toEqual({
      allowed: true,
      retryAfterSeconds: 0,
      remaining: Infinity,
    });
  });

  it('charges Content-Length, or the JSON length of the body without one', () => {
    const guard = new StorageGuard(store, { clientQuotaBytesPerDay: 100, storageMaxBytes: 0 });
    expect(guard.charge(request('a', { 'content-length': '60' }, {}))).toMatchObject({
      allowed: true,
      remaining: 40,
    });
    // {"k":"xxxxxxxxxxxxxxx"} is 23 characters.
    expect(guard.charge(request('a', {}, { k: 'x'.repeat(15) }))).toMatchObject({
      allowed: true,
      remaining: 17,
    });
    expect(guard.charge(request('a', { 'content-length': '18' }, {}))).toMatchObject({
      allowed: false,
    });
    expect(guard.charge(request('b', { 'content-length': '100' }, {}))).toMatchObject({
      allowed: true,
      remaining: 0,
    });
  });

  it('a full quota comes back over a day', () => {
    const guard = new StorageGuard(store, {
      clientQuotaBytesPerDay: 86_400,
      storageMaxBytes: 0,
    });
    guard.charge(request('a', { 'content-length': '86400' }, {}));
    // One byte per second: 10 bytes take 10 s.
    expect(
      guard.charge(request('a', { 'content-length': '10' }, {})).retryAfterSeconds,
    ).toBeGreaterThanOrEqual(9);
    expect(
      guard.charge(request('a', { 'content-length': '10' }, {})).retryAfterSeconds,
    ).toBeLessThanOrEqual(10);
  });
});
