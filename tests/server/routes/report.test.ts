// GET /report as an operator meets it: n at its exact bounds, the format choice, an empty log in
// both formats, and the 503s that must not show file paths; real app, SQLite and report worker.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectErrorReply } from '../../helpers/errorReply';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPORT_CSP } from '../../../server/securityHeaders';
import { testApps, type TestApp } from '../../helpers/testApp';
import { writeDriftReference } from '../../helpers/driftReferenceFile';
import { getWithBearer } from '../../helpers/inject';
import { chain, logRecord, methane } from '../../helpers/molecules';

const dir = mkdtempSync(join(tmpdir(), 'qm9-report-route-'));
const graphs = Array.from({ length: 40 }, (_, i) => chain('C'.repeat(1 + (i % 4))));
const apps = testApps(
  dir,
  writeDriftReference(
    join(dir, 'reference.json'),
    graphs,
    graphs.map((_, i) => 9 + i / 40),
  ),
);
afterAll(async () => {
  await apps.closeAll();
  rmSync(dir, { recursive: true, force: true });
});

const get = (t: TestApp, url: string, headers: Record<string, string> = {}) =>
  t.app.inject({
    method: 'GET',
    url,
    headers: { authorization: 'Bearer secret-token', ...headers },
  });

describe('an empty log', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await apps.startApp({ REPORT_MAX_RECORDS: '20' });
  });

  it('is a JSON answer naming how many were asked for', async () => {
    const res = await get(t, '/report?n=7');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      molecules: 0,
      requested: 7,
      datasetDrift: null,
      message: 'no logged molecules yet',
    });
  });

  it('asks for 100 by default, or for REPORT_MAX_RECORDS when that is fewer', async () => {
    expect((await get(t, '/report')).json().requested).toBe(20);
    const roomy = await apps.startApp({ REPORT_MAX_RECORDS: '101' });
    expect((await get(roomy, '/report')).json().requested).toBe(100);
  });

  it('is a short page when HTML is asked for, by format or by Accept', async () => {
    for (const [url, headers] of [
      ['/report?n=3&format=html', {}],
      ['/report?n=3', { accept: 'application/xhtml+xml, text/html;q=0.9' }],
    ] as const) {
      const res = await get(t, url, headers);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['content-security-policy']).toBe(REPORT_CSP);
      expect(res.body).toBe(
        '<!doctype html><title>Data drift report</title><p>no logged molecules yet</p>',
      );
    }
  });

  it('format=json wins over an Accept asking for HTML', async () => {
    const res = await get(t, '/report?n=2&format=json', { accept: 'text/html' });
    expect(res.json()).toMatchObject({ molecules: 0, requested: 2 });
  });

  it.each([
    ['0', 'n must be an integer from 1 to 20, got "0"'],
    ['21', 'n must be an integer from 1 to 20, got "21"'],
    ['-1', 'n must be an integer from 1 to 20, got "-1"'],
    ['2.5', 'n must be an integer from 1 to 20, got "2.5"'],
    ['ten', 'n must be an integer from 1 to 20, got "ten"'],
  ])('n=%s is refused by name', async (n, message) => {
    const res = await get(t, `/report?n=${n}`);
    expectErrorReply(res, 400, 'Bad Request', message);
  });

  it('accepts n at both ends', async () => {
    expect((await get(t, '/report?n=1')).json().requested).toBe(1);
    expect((await get(t, '/report?n=20')).json().requested).toBe(20);
  });

  it('refuses a repeated n and any other format', async () => {
    const twice = await get(t, '/report?n=1&n=2');
    expectErrorReply(twice, 400, 'Bad Request', 'n must be an integer from 1 to 20, got "1,2"');
    for (const format of ['csv', 'HTML', '']) {
      const res = await get(t, `/report?n=1&format=${format}`);
      expectErrorReply(res, 400, 'Bad Request', 'format must be json or html');
    }
  });
});

describe('a log with molecules', () => {
  it('reports the n newest, and says how many it was asked for', async () => {
    const t = await apps.startApp();
    const records = Array.from({ length: 6 }, (_, i) =>
      logRecord(`report-${String(i).padStart(4, '0')}`, i % 2 ? chain('CC') : methane(), 9 + i),
    );
    await t.store.insert(records);
    const res = await getWithBearer(t.app, '/report?n=4', 'secret-token');
    expect(res.statusCode).toBe(200);
    const report = res.json();
    expect(report).toMatchObject({ requested: 4, molecules: 4 });
    expect(report.tables.molecules.rows).toEqual({ reference: 40, current: 4 });
    expect(report.tables.atoms.rows.current).toBe(5 + 8 + 5 + 8);
    expect(report.truncated).toBeUndefined();
    const page = await get(t, '/report?n=4&format=html');
    expect(page.headers['content-security-policy']).toBe(REPORT_CSP);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('<p>Last 4 logged molecules (asked for 4)');
  });
});

describe('503 answers', () => {
  it('no drift reference: says so without the reason (which names files)', async () => {
    const t = await apps.startApp(
      {},
      { driftReference: () => Promise.reject(new Error(`no file ${dir}/secret.json`)) },
    );
    const res = await get(t, '/report?n=1');
    expectErrorReply(
      res,
      503,
      'Service Unavailable',
      'no drift reference is installed (see the server log)',
    );
  });
});
