// The operator endpoints' exact answers: /ready's problems in order and its 200, /health naming
// the served model, /metrics' token challenge and content type, --serve-app without a build.
import { describe, expect, it } from 'vitest';
import { expectErrorReply } from '../../helpers/errorReply';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServingModels } from '../../../server/models';
import { APP_CSP } from '../../../server/securityHeaders';
import { appsPerFile } from '../../helpers/testApp';
import { getWithBearer } from '../../helpers/inject';
import { chain, methane } from '../../helpers/molecules';

const { dir, ...apps } = appsPerFile('qm9-ops-routes-', [methane(), chain('CC')], [10, 9]);

/** Only what /ready and /health read of the served models. */
const loaded = () =>
  ({ primary: { name: 'gap-model', version: '2.1.0' } }) as unknown as ServingModels;
const get = (app: Awaited<ReturnType<typeof apps.startApp>>['app'], url: string) =>
  app.inject({ method: 'GET', url });

describe('GET /ready and /health', () => {
  it('ready: 200 once the model is loaded, the store answers and no shutdown has begun', async () => {
    const { app } = await apps.startApp({}, { models: loaded });
    const ready = await get(app, '/ready');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready' });
    const health = await get(app, '/health');
    expect(health.json()).toEqual({
      status: 'healthy',
      model: { name: 'gap-model', version: '2.1.0' },
    });
  });

  it('not ready: every problem at once, in a fixed order; /health stays up', async () => {
    const { app, store } = await apps.startApp(
      {},
      { models: () => new Error('no model'), shuttingDown: () => true },
    );
    await store.close();
    const res = await get(app, '/ready');
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({
      status: 'not ready',
      problems: ['shutting down', 'model not loaded', 'storage unreachable'],
    });
    const health = await get(app, '/health');
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ status: 'healthy' });
  });
});

describe('GET /metrics', () => {
  it('with METRICS_TOKEN set: a challenge without it, Prometheus text with it', async () => {
    const { app } = await apps.startApp({ METRICS_TOKEN: 'scrape-token' });
    for (const res of [
      await get(app, '/metrics'),
      await getWithBearer(app, '/metrics', 'secret-token'),
    ]) {
      expect(res.headers['www-authenticate']).toBe('Bearer realm="metrics"');
      expectErrorReply(res, 401, 'Unauthorized', 'a valid metrics token is required');
    }
    const ok = await getWithBearer(app, '/metrics', 'scrape-token');
    expect(ok.statusCode).toBe(200);
    expect(ok.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(ok.body).toContain('# TYPE qm9_model_loaded gauge');
  });

  it('without METRICS_TOKEN: open', async () => {
    const { app } = await apps.startApp();
    const res = await get(app, '/metrics');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('qm9_log_records_ingested_total 0');
  });
});

describe('--serve-app without a build', () => {
  it('keeps answering / as the health check, even to a browser', async () => {
    const { app } = await apps.startApp({ APP_DIR: join(dir, 'no-dist') }, {}, ['--serve-app']);
    const res = await app.inject({ method: 'GET', url: '/', headers: { accept: 'text/html' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'healthy' });
    expect((await get(app, '/assets/x-12345678.js')).statusCode).toBe(404);
  });
});

describe('--serve-app with a build', () => {
  it('serves the page and its files cross-origin isolated, under the app policy', async () => {
    const appDir = join(dir, 'dist');
    mkdirSync(join(appDir, 'assets'), { recursive: true });
    writeFileSync(join(appDir, 'index.html'), '<!doctype html><title>QM9</title>');
    writeFileSync(join(appDir, 'assets', 'main-Ab12Cd34.js'), 'export {}');
    const { app } = await apps.startApp({ APP_DIR: appDir }, {}, ['--serve-app']);
    const isolated = {
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-embedder-policy': 'require-corp',
      'content-security-policy': APP_CSP,
    };
    // A browser's Accept names text/html and */* both: the page wins.
    const page = await app.inject({
      method: 'GET',
      url: '/',
      headers: { accept: 'text/html,*/*' },
    });
    expect(page.statusCode).toBe(200);
    expect(page.body).toBe('<!doctype html><title>QM9</title>');
    expect(page.headers).toMatchObject(isolated);
    const asset = await get(app, '/assets/main-Ab12Cd34.js');
    expect(asset.statusCode).toBe(200);
    expect(asset.headers).toMatchObject(isolated);
    // API clients at / (no Accept, or curl's */*) still get the health answer.
    for (const headers of [{}, { accept: '*/*' }])
      expect((await app.inject({ method: 'GET', url: '/', headers })).json()).toEqual({
        status: 'healthy',
      });
  });
});
