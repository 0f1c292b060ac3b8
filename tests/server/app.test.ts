import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testApps } from '../helpers/testApp';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { redactToken, type AppDeps } from '../../server/app';
import type { LogStore } from '../../server/storage';
import { writeDriftReference } from '../helpers/driftReferenceFile';
import { chain, logRecord, methane } from '../helpers/molecules';
import { getWithBearer, postRawJson } from '../helpers/inject';

const dir = mkdtempSync(join(tmpdir(), 'qm9-app-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Training-like reference: alkanes and a few alcohols, gaps around 9-12 eV.
const referenceGraphs = Array.from({ length: 300 }, (_, i) =>
  chain('C'.repeat(1 + (i % 8)) + (i % 5 === 0 ? 'O' : '')),
);
const referenceGaps = referenceGraphs.map((_, i) => 9 + ((i * 37) % 300) / 100);
const referenceFile = writeDriftReference(
  join(dir, 'reference.json'),
  referenceGraphs,
  referenceGaps,
);

const apps = testApps(dir, referenceFile);
const startApp = (
  env: Record<string, string> = {},
  models: AppDeps['models'] = () => null,
  argv: string[] = [],
) => apps.startApp(env, { models }, argv);

describe('server API', () => {
  let app: FastifyInstance;
  let store: LogStore;
  beforeAll(async () => {
    ({ app, store } = await startApp({ CORS_ORIGINS: 'https://app.example' }));
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  it.each(['/', '/health'])('GET %s answers healthy', async (url) => {
    const res = await app.inject({ method: 'GET', url });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'healthy' });
  });

  describe('POST /log', () => {
    it('stores a batch once, whatever the retries', async () => {
      const records = [
        logRecord('mol-0001', methane(), 10.1),
        logRecord('mol-0002', chain('CCO'), 8.9),
      ];
      const first = await app.inject({ method: 'POST', url: '/log', payload: { records } });
      expect(first.statusCode).toBe(200);
      expect(first.json()).toEqual({ accepted: 2, stored: 2, duplicates: 0 });
      const retry = await app.inject({ method: 'POST', url: '/log', payload: { records } });
      expect(retry.json()).toEqual({ accepted: 2, stored: 0, duplicates: 2 });
      expect(await store.count()).toBe(2);
    });

    it('counts stored records for token holders only (GET /log/count)', async () => {
      expect((await app.inject({ method: 'GET', url: '/log/count' })).statusCode).toBe(401);
      const res = await getWithBearer(app, '/log/count', 'secret-token');
      expect(res.json()).toEqual({ records: await store.count() });
    });

    it.each([
      [
        'a row with 10 features',
        (r: ReturnType<typeof logRecord>) => ({
          ...r,
          node_features: [r.node_features[0].slice(1)],
        }),
        /records\[1\]\.node_features\[0\]: must NOT have fewer than 11 items/,
      ],
      [
        'no prediction',
        ({ prediction: _p, ...r }: ReturnType<typeof logRecord>) => r,
        /records\[1\]: must have required property 'prediction'/,
      ],
      [
        'an unknown field',
        (r: ReturnType<typeof logRecord>) => ({ ...r, file_name: 'x.sdf' }),
        /records\[1\]: unknown field "file_name"/,
      ],
      [
        'a bad timestamp',
        (r: ReturnType<typeof logRecord>) => ({ ...r, timestamp: 'yesterday' }),
        /records\[1\]\.timestamp: must match format "date-time"/,
      ],
      [
        'an edge to a missing atom',
        (r: ReturnType<typeof logRecord>) => ({ ...r, edge_index: [[0], [7]] }),
        /records\[1\]\.edge_index\[1\]\[0\]: atom 7 does not exist \(the molecule has 5 atoms\)/,
      ],
      [
        'a string feature',
        (r: ReturnType<typeof logRecord>) => ({ ...r, node_features: [Array(11).fill('1')] }),
        /records\[1\]\.node_features\[0\]\[0\]: must be number/,
      ],
    ])('answers 400 naming the record for %s, storing nothing', async (_name, mutate, reason) => {
      const before = await store.count();
      const records = [
        logRecord('good-0001', methane(), 10),
        mutate(logRecord('bad-00001', methane(), 10)),
      ];
      const res = await app.inject({ method: 'POST', url: '/log', payload: { records } });
      expect(res.statusCode).toBe(400);
      expect(res.json().message).toMatch(reason);
      expect(await store.count()).toBe(before);
    });

    it('answers 400 for an empty batch and for invalid JSON', async () => {
      const empty = await app.inject({ method: 'POST', url: '/log', payload: { records: [] } });
      expect(empty.statusCode).toBe(400);
      expect(empty.json().message).toMatch(/records: must NOT have fewer than 1 items/);
      const broken = await postRawJson(app, '/log', '{"records": [');
      expect(broken.statusCode).toBe(400);
    });
  });

  describe('POST /predict validation (the original FastAPI contract: 422, never 500)', () => {
    it.each([
      [
        '10-feature rows',
        { node_features: [Array(10).fill(1)], edge_index: [[0], [0]] },
        ['body', 'node_features', 0],
      ],
      [
        'empty node_features',
        { node_features: [], edge_index: [[0], [0]] },
        ['body', 'node_features'],
      ],
      [
        'inconsistent rows',
        { node_features: [Array(11).fill(1), Array(10).fill(1)], edge_index: [[0], [1]] },
        ['body', 'node_features', 1],
      ],
      ['missing edge_index', { node_features: [Array(11).fill(0)] }, ['body']],
      [
        'edge to a missing atom',
        { node_features: [Array(11).fill(0)], edge_index: [[0], [3]] },
        ['body', 'edge_index[1][0]'],
      ],
      [
        'three index rows',
        { node_features: [Array(11).fill(0)], edge_index: [[0], [0], [0]] },
        ['body', 'edge_index'],
      ],
    ])('%s -> 422', async (_name, payload, loc) => {
      const res = await app.inject({ method: 'POST', url: '/predict', payload });
      expect(res.statusCode).toBe(422);
      expect(res.json().detail[0].loc).toEqual(loc);
    });

    it('answers 422 for a body that is not JSON', async () => {
      const res = await postRawJson(app, '/predict', 'not json');
      expect(res.statusCode).toBe(422);
    });

    it('answers 503 "Model not ready" for a valid request before the model has loaded', async () => {
      const res = await app.inject({
        method: 'POST',
        url: '/predict',
        payload: { node_features: methane().x, edge_index: methane().edgeIndex },
      });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({ detail: 'Model not ready' });
    });
  });

  describe('GET /report', () => {
    it('needs the token', async () => {
      expect((await app.inject({ method: 'GET', url: '/report' })).statusCode).toBe(401);
      const wrong = await getWithBearer(app, '/report', 'nope');
      expect(wrong.statusCode).toBe(401);
    });

    it('reports drift of the logged molecules as JSON', async () => {
      // Amines and fluorides with low gaps: far from the alkane reference.
      const drifted = Array.from({ length: 60 }, (_, i) =>
        logRecord(
          `drift-${String(i).padStart(4, '0')}`,
          chain('N'.repeat(1 + (i % 3)) + 'F'),
          4 + (i % 7) / 10,
        ),
      );
      await app.inject({ method: 'POST', url: '/log', payload: { records: drifted } });
      const res = await getWithBearer(app, '/report?n=50', 'secret-token');
      expect(res.statusCode).toBe(200);
      const report = res.json();
      expect(report.molecules).toBe(50);
      expect(report.datasetDrift).toBe(true);
      expect(report.tables.molecules.rows).toEqual({ reference: 300, current: 50 });
      const gap = report.tables.molecules.columns.prediction;
      expect(gap.method).toBe('ks');
      expect(gap.drift).toBe(true);
      expect(gap.pValue).toBeLessThan(1e-6);
      // Atom table: > 1000 reference atoms, so distances; is_F is binary -> Jensen-Shannon.
      expect(report.tables.atoms.columns.feature_4.method).toBe('jensenshannon');
      expect(report.tables.atoms.columns.feature_4.drift).toBe(true);
    });

    it('serves the same report as an HTML page with one histogram per column', async () => {
      const res = await app.inject({
        method: 'GET',
        url: '/report?n=50&token=secret-token',
        headers: { accept: 'text/html' },
      });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.body).toMatch(/Data drift: drift detected/);
      expect(res.body.match(/<svg /g)?.length).toBe(14 + 11);
      expect(res.body).toContain('mean is_C');
    });

    it('rejects a bad n', async () => {
      const res = await getWithBearer(app, '/report?n=0', 'secret-token');
      expect(res.statusCode).toBe(400);
      expect(res.json().message).toMatch(/n must be an integer from 1 to/);
    });
  });

  describe('CORS', () => {
    it('allows a configured origin', async () => {
      const res = await app.inject({
        method: 'OPTIONS',
        url: '/log',
        headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
      });
      expect(res.headers['access-control-allow-origin']).toBe('https://app.example');
    });
    it('gives no CORS headers to any other origin', async () => {
      const res = await app.inject({
        method: 'GET',
        url: '/health',
        headers: { origin: 'https://evil.example' },
      });
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    });
  });
});

describe('limits', () => {
  let app: FastifyInstance;
  let store: LogStore;
  afterEach(async () => {
    await app.close();
    await store.close();
  });

  it('answers 413 above LOG_BODY_LIMIT_BYTES', async () => {
    ({ app, store } = await startApp({ LOG_BODY_LIMIT_BYTES: '4096' }));
    const records = Array.from({ length: 10 }, (_, i) =>
      logRecord(`big-${String(i).padStart(5, '0')}`, chain('CCCCCC'), 9),
    );
    const res = await app.inject({ method: 'POST', url: '/log', payload: { records } });
    expect(res.statusCode).toBe(413);
    expect(await store.count()).toBe(0);
  });

  it('answers 400 above LOG_MAX_RECORDS records', async () => {
    ({ app, store } = await startApp({ LOG_MAX_RECORDS: '2' }));
    const records = Array.from({ length: 3 }, (_, i) =>
      logRecord(`many-${String(i).padStart(4, '0')}`, methane(), 9),
    );
    const res = await app.inject({ method: 'POST', url: '/log', payload: { records } });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/records: must NOT have more than 2 items/);
  });

  it('answers 429 with Retry-After above LOG_RATE_LIMIT per client, and only for that client', async () => {
    ({ app, store } = await startApp({ LOG_RATE_LIMIT: '3' }));
    const post = (i: number, ip: string) =>
      app.inject({
        method: 'POST',
        url: '/log',
        remoteAddress: ip,
        payload: { records: [logRecord(`rate-${ip}-${i}`, methane(), 9)] },
      });
    const codes = [];
    for (let i = 0; i < 5; i++) codes.push((await post(i, '10.0.0.1')).statusCode);
    expect(codes).toEqual([200, 200, 200, 429, 429]);
    const limited = await post(9, '10.0.0.1');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await post(0, '10.0.0.2')).statusCode).toBe(200);
    expect(await store.count()).toBe(4);
  });

  it('answers 503 for /report when there is no drift reference', async () => {
    ({ app, store } = await startApp({
      DRIFT_REFERENCE_FILE: '',
      MODELS_DIR: join(dir, 'no-models'),
    }));
    const res = await getWithBearer(app, '/report', 'secret-token');
    expect(res.statusCode).toBe(503);
    expect(res.json().message).toBe('no drift reference is installed (see the server log)');
    // The reason names directories on the server: never in the answer.
    expect(res.body).not.toContain(dir);
  });
});

it('keeps report tokens out of request logs', () => {
  expect(redactToken('/report?n=5&token=abc&format=html')).toBe(
    '/report?n=5&token=[redacted]&format=html',
  );
  expect(redactToken('/report?token=abc')).toBe('/report?token=[redacted]');
});
