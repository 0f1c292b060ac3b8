// /predict has its own per-client limit (PREDICT_RATE_LIMIT, 600 a minute by default): the
// limiter runs before the body is read or the model is asked, so it answers even while the
// model loads. The clock is frozen so a slow machine cannot refill a token mid-test.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/app';
import { loadConfig } from '../../server/config';
import { openSqliteStore } from '../../server/storage/sqlite';
import type { LogStore } from '../../server/storage';
import { chain } from '../helpers/molecules';

let app: FastifyInstance;
let store: LogStore;

async function start(env: Record<string, string>) {
  const config = loadConfig({ LOG_LEVEL: 'silent', REPORT_TOKEN: 'rate-test', ...env });
  store = openSqliteStore(':memory:');
  app = await buildApp({
    config,
    store,
    models: () => null, // still loading: an allowed request gets 503, a limited one 429
    driftReference: () => Promise.reject(new Error('no reference in this test')),
  });
}

const ethanol = chain('CCO');
const predict = (ip: string) =>
  app.inject({
    method: 'POST',
    url: '/predict',
    remoteAddress: ip,
    payload: { node_features: ethanol.x, edge_index: ethanol.edgeIndex },
  });

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-12-01T00:00:00Z') });
});
afterEach(async () => {
  vi.useRealTimers();
  await app?.close();
  await store?.close();
});

describe('POST /predict rate limit', () => {
  it('PREDICT_RATE_LIMIT requests per minute per client, then 429 with Retry-After', async () => {
    await start({ PREDICT_RATE_LIMIT: '3' });
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) codes.push((await predict('10.0.0.1')).statusCode);
    expect(codes).toEqual([503, 503, 503, 429, 429]);
    const limited = await predict('10.0.0.1');
    expect(limited.json().message).toMatch(/rate limit exceeded for 10\.0\.0\.1/);
    // One token every 20 s at 3 a minute.
    expect(limited.headers['retry-after']).toBe('20');
    expect((await predict('10.0.0.2')).statusCode).toBe(503);
    vi.advanceTimersByTime(20_000);
    expect((await predict('10.0.0.1')).statusCode).toBe(503);
    expect((await predict('10.0.0.1')).statusCode).toBe(429);
  });

  it('is on by default: 600 a minute, the 601st is refused', async () => {
    await start({});
    let allowed = 0;
    let refused = 0;
    for (let i = 0; i < 610; i++) {
      const { statusCode } = await predict('10.0.0.3');
      if (statusCode === 429) refused++;
      else allowed++;
    }
    expect({ allowed, refused }).toEqual({ allowed: 600, refused: 10 });
  });

  it('does not share its budget with /log', async () => {
    await start({ PREDICT_RATE_LIMIT: '1', LOG_RATE_LIMIT: '1' });
    expect((await predict('10.0.0.4')).statusCode).toBe(503);
    expect((await predict('10.0.0.4')).statusCode).toBe(429);
    const log = await app.inject({
      method: 'POST',
      url: '/log',
      remoteAddress: '10.0.0.4',
      payload: { records: [] },
    });
    expect(log.statusCode).not.toBe(429);
  });
});
