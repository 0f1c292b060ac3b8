// The defects found when the server was probed as an attacker and an operator would
// (issue 12), each as the client or operator meets it, through the real app and SQLite files.
import { describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { redactToken } from '../../server/app';
import { loadConfig, parseTrustProxy } from '../../server/config';
import { appsPerTest } from '../helpers/testApp';
import { postRawJson } from '../helpers/inject';
import { chain, logRecord, methane } from '../helpers/molecules';
import { RateLimiter } from '../../server/rateLimit';

const referenceGraphs = Array.from({ length: 120 }, (_, i) => chain('C'.repeat(1 + (i % 6))));
const { dir, startApp } = appsPerTest(
  'qm9-hardening-',
  referenceGraphs,
  referenceGraphs.map((_, i) => 9 + (i % 30) / 10),
);

const auth = { authorization: 'Bearer secret-token' };

describe('report token', () => {
  it.each(['/report', '/log/count'])(
    'a repeated token key on %s is 401, not a crash',
    async (path) => {
      const { app } = await startApp();
      const res = await app.inject({ method: 'GET', url: `${path}?token=a&token=b` });
      expect(res.statusCode).toBe(401);
      const twice = await app.inject({
        method: 'GET',
        url: `${path}?token=secret-token&token=secret-token`,
      });
      expect(twice.statusCode).toBe(401);
    },
  );

  it.each(['Bearer', 'bearer', 'BEARER', 'BeArEr'])(
    'accepts the auth scheme written %s',
    async (scheme) => {
      const { app } = await startApp();
      const res = await app.inject({
        method: 'GET',
        url: '/log/count',
        headers: { authorization: `${scheme} secret-token` },
      });
      expect(res.statusCode).toBe(200);
    },
  );

  it('redacts the token however its key is escaped', () => {
    expect(redactToken('/report?%74oken=abc&n=5')).toBe('/report?%74oken=[redacted]&n=5');
    expect(redactToken('/report?n=5&%54%4F%4B%45%4E=abc')).toBe(
      '/report?n=5&%54%4F%4B%45%4E=[redacted]',
    );
    expect(redactToken('/report?tok%zz=1&token=x')).toBe('/report?tok%zz=1&token=[redacted]');
  });

  it('needs REPORT_TOKEN when several instances share a PostgreSQL database', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgres://db/x' })).toThrow(
      /REPORT_TOKEN must be set when DATABASE_URL is/,
    );
    expect(loadConfig({ DATABASE_URL: 'postgres://db/x', REPORT_TOKEN: 't' }).reportToken).toBe(
      't',
    );
  });
});

describe('TRUST_PROXY', () => {
  it('parses hop counts and proxy addresses, and refuses "trust everything"', () => {
    expect(parseTrustProxy(undefined)).toBe(false);
    expect(parseTrustProxy('1')).toBe(1);
    expect(parseTrustProxy('10.0.0.1, 10.0.1.0/24')).toEqual(['10.0.0.1', '10.0.1.0/24']);
    expect(() => parseTrustProxy('true')).toThrow(/every X-Forwarded-For hop/);
    expect(() => parseTrustProxy('proxy.example')).toThrow(/got "proxy.example"/);
  });

  it.each([
    ['one hop', '1'],
    ['the proxy address', '10.9.9.9'],
  ])(
    'trusting %s, a client rotating X-Forwarded-For still hits its rate limit',
    async (_name, trust) => {
      const { app } = await startApp({ TRUST_PROXY: trust, LOG_RATE_LIMIT: '5' });
      const codes: number[] = [];
      for (let i = 0; i < 12; i++) {
        const res = await app.inject({
          method: 'POST',
          url: '/log',
          remoteAddress: '10.9.9.9',
          // The proxy appends the address it saw (203.0.113.7); the client forges the rest.
          headers: { 'x-forwarded-for': `198.51.100.${i}, 203.0.113.7` },
          payload: { records: [logRecord(`xff-${String(i).padStart(4, '0')}`, methane(), 9)] },
        });
        codes.push(res.statusCode);
      }
      expect(codes.filter((c) => c === 200)).toHaveLength(5);
      expect(codes.filter((c) => c === 429)).toHaveLength(7);
    },
  );

  it('with no proxy trusted, the socket address is the client', async () => {
    const { app } = await startApp({ LOG_RATE_LIMIT: '1' });
    const post = (i: number, ip: string) =>
      app.inject({
        method: 'POST',
        url: '/log',
        remoteAddress: '10.1.1.1',
        headers: { 'x-forwarded-for': ip },
        payload: { records: [logRecord(`noproxy-${i}-x`, methane(), 9)] },
      });
    expect((await post(1, '1.1.1.1')).statusCode).toBe(200);
    expect((await post(2, '2.2.2.2')).statusCode).toBe(429);
  });
});

describe('values that are no float32', () => {
  const ethanol = chain('CCO');
  const huge = () => {
    const x = ethanol.x.map((row) => [...row]);
    x[1][5] = 1e39;
    return x;
  };

  it.each([
    ['with edge_attr', true],
    ['without edge_attr', false],
  ])('/predict %s answers 422 naming the value', async (_name, withBonds) => {
    const { app } = await startApp();
    const res = await app.inject({
      method: 'POST',
      url: '/predict',
      payload: {
        node_features: huge(),
        edge_index: ethanol.edgeIndex,
        ...(withBonds ? { edge_attr: ethanol.edgeAttr } : {}),
      },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().detail[0].loc).toEqual(['body', 'node_features[1][5]']);
    expect(res.json().detail[0].msg).toMatch(/not a finite 32-bit float/);
  });

  it('/predict refuses a huge bond value too', async () => {
    const { app } = await startApp();
    const edgeAttr = ethanol.edgeAttr.map((r) => [...r]);
    edgeAttr[0][0] = -4e38;
    const res = await app.inject({
      method: 'POST',
      url: '/predict',
      payload: { node_features: ethanol.x, edge_index: ethanol.edgeIndex, edge_attr: edgeAttr },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().detail[0].loc).toEqual(['body', 'edge_attr[0][0]']);
  });

  it('/log refuses a huge feature or prediction, storing nothing of the batch', async () => {
    const { app, store } = await startApp();
    for (const [record, path] of [
      [{ ...logRecord('f32-00001', ethanol, 9), node_features: huge() }, 'node_features[1][5]'],
      [logRecord('f32-00002', ethanol, 1e300), 'prediction[0]'],
    ] as const) {
      const res = await app.inject({
        method: 'POST',
        url: '/log',
        payload: { records: [logRecord('f32-good-1', methane(), 9), record] },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().message).toBe(
        `records[1].${path}: is not a finite 32-bit float (largest magnitude 3.402823e+38)`,
      );
      expect(res.json().record).toBe(1);
    }
    expect(await store.count()).toBe(0);
  });

  it('a null prediction stored by an older server is left out of the drift report, not read as 0', async () => {
    const { app, store } = await startApp();
    const records = Array.from({ length: 30 }, (_, i) =>
      logRecord(`null-${String(i).padStart(4, '0')}`, chain('CC'), 10),
    );
    await store.insert(records);
    // An older server stored JSON null for a non-finite prediction.
    const older = logRecord('null-older', chain('CC'), 10);
    await store.insert([{ ...older, prediction: [null as unknown as number] }]);
    const res = await app.inject({ method: 'GET', url: '/report?n=31', headers: auth });
    expect(res.statusCode).toBe(200);
    const gap = res.json().tables.molecules.columns.prediction;
    expect(gap.currentRows).toBe(30);
    expect(res.json().tables.molecules.columns.num_nodes.currentRows).toBe(31);
    expect(res.json().tables.molecules.columns.prediction.histogram.edges).not.toContain(0);
  });
});

describe('GET /report cost', () => {
  it('reads no more than REPORT_MAX_BYTES of stored graphs, newest first, and says so', async () => {
    const { app, store } = await startApp({ REPORT_MAX_BYTES: '20000' });
    const big = chain('CCCCCCCC');
    const records = Array.from({ length: 40 }, (_, i) =>
      logRecord(`bytes-${String(i).padStart(4, '0')}`, big, 9),
    );
    await store.insert(records);
    const rowBytes =
      JSON.stringify(big.x).length + JSON.stringify(big.edgeIndex).length + '[9]'.length;
    const res = await app.inject({ method: 'GET', url: '/report?n=40', headers: auth });
    expect(res.statusCode).toBe(200);
    const report = res.json();
    expect(report.molecules).toBe(Math.floor(20000 / rowBytes));
    expect(report.requested).toBe(40);
    expect(report.truncated).toEqual({ reason: 'bytes', maxBytes: 20000 });
  });

  it('keeps answering /health while a large report is computed', async () => {
    const { app, store } = await startApp();
    // 2,000 molecules of 26 atoms: enough work that a report on the event loop would hold
    // every other request until it finished.
    const graph = chain('CCCCCCCC');
    for (let b = 0; b < 4; b++) {
      await store.insert(
        Array.from({ length: 500 }, (_, i) => logRecord(`load-${b}-${i}-xx`, graph, 9 + i / 500)),
      );
    }
    const order: string[] = [];
    const report = app
      .inject({ method: 'GET', url: '/report?n=2000', headers: auth })
      .then((res) => {
        order.push('report');
        return res;
      });
    // Let the report start before asking for /health.
    await new Promise((r) => setTimeout(r, 50));
    const health = await app.inject({ method: 'GET', url: '/health' });
    order.push('health');
    expect(health.statusCode).toBe(200);
    expect((await report).statusCode).toBe(200);
    expect(order).toEqual(['health', 'report']);
  });

  it('queues reports beyond the concurrency limit and refuses beyond the queue', async () => {
    const { app, store } = await startApp({ REPORT_CONCURRENCY: '1', REPORT_QUEUE: '1' });
    await store.insert(
      Array.from({ length: 300 }, (_, i) => logRecord(`queue-${i}-xxxx`, chain('CCCC'), 9)),
    );
    const results = await Promise.all(
      [1, 2, 3].map(() => app.inject({ method: 'GET', url: '/report?n=300', headers: auth })),
    );
    const codes = results.map((r) => r.statusCode).sort();
    expect(codes).toEqual([200, 200, 503]);
    const refused = results.find((r) => r.statusCode === 503)!;
    expect(refused.headers['retry-after']).toBe('5');
    expect(refused.json().message).toMatch(/drift reports are already waiting/);
  });
});

describe('security headers', () => {
  it.each([
    ['GET', '/health'],
    ['GET', '/nope'],
    ['GET', '/report'],
    ['POST', '/predict'],
  ] as const)('%s %s carries them', async (method, url) => {
    const { app } = await startApp();
    const res = await app.inject({ method, url, payload: method === 'POST' ? {} : undefined });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['content-security-policy']).toMatch(/default-src 'none'/);
    expect(res.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
  });

  it('gives the HTML report a charset and a policy that allows only its inline styles', async () => {
    const { app, store } = await startApp();
    await store.insert([logRecord('html-00001', chain('CCO'), 9)]);
    const res = await app.inject({
      method: 'GET',
      url: '/report?n=1&format=html',
      headers: auth,
    });
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toBe(
      "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    );
  });

  it('serves hashed build assets as immutable and the page as revalidated, both framed by nobody', async () => {
    const appDir = join(dir, 'dist-cache');
    mkdirSync(join(appDir, 'assets'), { recursive: true });
    writeFileSync(join(appDir, 'index.html'), '<!doctype html><title>QM9</title>');
    writeFileSync(join(appDir, 'assets', 'index-B3xk9QzA.js'), 'console.log(1)');
    writeFileSync(join(appDir, 'sw.js'), '// service worker');
    const { app } = await startApp({ APP_DIR: appDir }, {}, ['--serve-app']);
    const asset = await app.inject({ method: 'GET', url: '/assets/index-B3xk9QzA.js' });
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const sw = await app.inject({ method: 'GET', url: '/sw.js' });
    expect(sw.headers['cache-control']).toBe('no-cache');
    const page = await app.inject({ method: 'GET', url: '/', headers: { accept: 'text/html' } });
    expect(page.headers['content-type']).toMatch(/^text\/html; charset=utf-8$/i);
    expect(page.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(page.headers['content-security-policy']).toMatch(/'wasm-unsafe-eval'/);
  });
});

describe('prototype-pollution keys', () => {
  it.each([
    ['/log', 400, '{"records": [], "__proto__": {"admin": true}}'],
    ['/predict', 422, '{"node_features": [], "__proto__": {"x": 1}}'],
  ])('%s names the refused key', async (url, status, payload) => {
    const { app } = await startApp();
    const res = await postRawJson(app, url, payload);
    expect(res.statusCode).toBe(status);
    expect(res.body).toMatch(/the key \\"__proto__\\" is not allowed in JSON bodies/);
  });

  it('names a constructor.prototype key', async () => {
    const { app } = await startApp();
    const res = await postRawJson(
      app,
      '/log',
      '{"records": [], "constructor": {"prototype": {"x": 1}}}',
    );
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/"constructor" key holding "prototype" is not allowed/);
  });
});

describe('503 answers show no file-system paths', () => {
  it('/predict after a failed model load says only that the model is unavailable', async () => {
    const { app } = await startApp({}, { models: () => new Error(`no model under ${dir}/models`) });
    const ethanol = chain('CCO');
    const res = await app.inject({
      method: 'POST',
      url: '/predict',
      payload: { node_features: ethanol.x, edge_index: ethanol.edgeIndex },
    });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ detail: 'Model not available' });
  });
});

describe('per-client storage quota and storage limit', () => {
  it('a client over its daily byte quota gets 429 while another client still stores', async () => {
    const { app, store } = await startApp({ CLIENT_QUOTA_BYTES_PER_DAY: '3000' });
    const post = (key: string, ip: string) =>
      app.inject({
        method: 'POST',
        url: '/log',
        remoteAddress: ip,
        payload: { records: [logRecord(key, chain('CCCC'), 9)] },
      });
    const codes: number[] = [];
    for (let i = 0; i < 6; i++) codes.push((await post(`quota-a-${i}-xx`, '10.0.0.1')).statusCode);
    expect(codes.slice(0, 2)).toEqual([200, 200]);
    expect(codes.at(-1)).toBe(429);
    const refused = await post('quota-a-last', '10.0.0.1');
    expect(refused.json().message).toMatch(/storage quota of 3000 bytes per day exceeded/);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((await post('quota-b-0-xxx', '10.0.0.2')).statusCode).toBe(200);
    expect(await store.count()).toBe(codes.filter((c) => c === 200).length + 1);
  });

  it('answers 507 once the store has reached STORAGE_MAX_BYTES', async () => {
    const { app, store } = await startApp({ STORAGE_MAX_BYTES: '4096' });
    const res = await app.inject({
      method: 'POST',
      url: '/log',
      payload: { records: [logRecord('full-00001', chain('CC'), 9)] },
    });
    expect(res.statusCode).toBe(507);
    expect(res.json().message).toMatch(/reached its size limit; nothing was stored/);
    expect(await store.count()).toBe(0);
  });

  it('charges bytes per client in the token bucket', () => {
    let now = 0;
    const bucket = new RateLimiter({ max: 1000, windowMs: 1000 }, () => now);
    expect(bucket.take('a', 600).allowed).toBe(true);
    expect(bucket.take('a', 600).allowed).toBe(false);
    now += 200; // 200 bytes refilled
    expect(bucket.take('a', 600).allowed).toBe(true);
    expect(bucket.take('a', 5000)).toMatchObject({ allowed: false, retryAfterSeconds: 1 });
  });
});
