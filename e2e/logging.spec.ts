// Opt-in logging, end to end: the real logging server (a separate process on a temp SQLite file),
// Debian's Chromium with its real IndexedDB and network stack, and Playwright's offline switch.
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import Database from 'better-sqlite3';
import { build } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chain, type TestGraph } from '../tests/helpers/molecules';
import { startServerProcess, type ServerProcess } from '../tests/helpers/serverProcess';
import type * as LoggingModule from '../src/logging';
import { modelPublished, NO_MODEL_REASON, waitForJob, waitForModel } from './helpers';

declare global {
  interface Window {
    qm9Logging: typeof LoggingModule;
  }
}

const APP_ORIGIN = `http://127.0.0.1:${process.env.E2E_PORT ?? 4173}`;
const REPORT_TOKEN = 'e2e-logging-report-token';

interface LogServer {
  url: string;
  sqliteFile: string;
  process: ServerProcess;
}

let workDir: string;
const servers: ServerProcess[] = [];

test.beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), 'qm9-logging-e2e-'));
});

test.afterEach(async () => {
  await Promise.all(servers.splice(0).map(stopServer));
});

test.afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no port from the OS');
  return address.port;
}

let serverCount = 0;

/** A fresh server with its own SQLite file; port 0 means any free port. */
async function startLogServer(port = 0, args: string[] = []): Promise<LogServer> {
  const sqliteFile = join(workDir, `logs-${++serverCount}.sqlite`);
  const process = await startServerProcess(
    {
      PORT: String(port),
      SQLITE_FILE: sqliteFile,
      // CI exports DATABASE_URL for the server's storage tests; these servers keep their own file.
      DATABASE_URL: '',
      REPORT_TOKEN,
      CORS_ORIGINS: APP_ORIGIN,
      // /predict is not under test: an empty models folder keeps tfjs from loading in the server.
      MODELS_DIR: join(workDir, 'no-models'),
    },
    args,
  );
  servers.push(process);
  return { url: process.url, sqliteFile, process };
}

async function stopServer(server: ServerProcess): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  server.child.kill('SIGTERM');
  // A graceful close can wait on the browser's keep-alive connections; the data is on disk by then.
  const killer = setTimeout(() => server.child.kill('SIGKILL'), 5_000);
  await server.exited;
  clearTimeout(killer);
}

/** A log_records row as the SQLite store keeps it (JSON text columns). */
interface StoredRow {
  node_features: string;
  edge_index: string;
  prediction: string;
  smiles: string | null;
}

/** The server's own answer to how many records it holds. */
async function storedCount(server: LogServer): Promise<number> {
  const response = await fetch(`${server.url}/log/count`, {
    headers: { authorization: `Bearer ${REPORT_TOKEN}` },
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { records: number }).records;
}

/** Every POST /log the page makes, with the number of records in each. */
function recordBatches(page: Page, server: LogServer): number[] {
  const sizes: number[] = [];
  page.on('request', (request) => {
    if (request.method() === 'POST' && request.url() === `${server.url}/log`) {
      sizes.push((request.postDataJSON() as { records: unknown[] }).records.length);
    }
  });
  return sizes;
}

// Small molecules written here: chains of C, N and O (no dataset rows).
const GRAPHS: TestGraph[] = ['C', 'CC', 'CO', 'CN', 'CCO', 'CCN', 'COC', 'CNC', 'CCCO'].map(chain);

// ---------------------------------------------------------------------------------------------
// The outbox module in a real page, before (and independently of) the app and its model.

let bundle: string;

async function loggingBundle(): Promise<string> {
  bundle ??= (
    await build({
      entryPoints: ['src/logging/index.ts'],
      bundle: true,
      format: 'iife',
      globalName: 'qm9Logging',
      target: 'es2022',
      write: false,
    })
  ).outputFiles[0].text;
  return bundle;
}

/**
 * A plain document served over loopback by the app's own server (so Chromium's local-network
 * checks and the logging server's CORS see the app's origin), with src/logging loaded into it
 * and not the app, whose own logging would share the database.
 */
async function outboxPage(page: Page, origin = APP_ORIGIN): Promise<void> {
  await page.goto(`${origin}/manifest.webmanifest`);
  await page.addScriptTag({ content: await loggingBundle() });
}

/** Starts the page's logging controller with these settings (stored in IndexedDB, as the app does). */
async function optIn(page: Page, endpoint: string, includeSmiles = false): Promise<void> {
  await page.evaluate(
    async ({ endpoint, includeSmiles }) => {
      const controller = window.qm9Logging.pageLogging();
      await controller.start();
      await controller.update({ enabled: true, endpoint, includeSmiles });
    },
    { endpoint, includeSmiles },
  );
}

/** What the worker does after each predicted chunk. */
async function queue(page: Page, graphs: TestGraph[], copies = 1): Promise<number> {
  return page.evaluate(
    async ({ graphs, copies }) => {
      let queued = 0;
      for (let i = 0; i < copies; i++) {
        queued += await window.qm9Logging.queuePredictions(
          graphs.map((graph, j) => ({ graph: () => graph, gapEv: 5 + ((i + j) % 40) / 10 })),
          'e2e-model 1.0.0',
        );
      }
      return queued;
    },
    { graphs, copies },
  );
}

function pageStatus(page: Page) {
  return page.evaluate(() => {
    const { status, rejected, settings } = window.qm9Logging.pageLogging().getSnapshot();
    return { ...status, settings, rejectedList: rejected };
  });
}

/** Waits until the server holds `total` records and the page counts them as sent. */
async function waitUntilSent(page: Page, server: LogServer, total: number): Promise<void> {
  await expect.poll(() => storedCount(server), { timeout: 60_000 }).toBe(total);
  await expect
    .poll(
      async () => {
        const { sent, queued } = await pageStatus(page);
        return { sent, queued };
      },
      { timeout: 60_000 }, // a lost acknowledgement is resent after the backoff
    )
    .toEqual({ sent: total, queued: 0 });
}

async function goOffline(context: BrowserContext, page: Page): Promise<void> {
  await context.setOffline(true);
  expect(await page.evaluate(() => navigator.onLine)).toBe(false);
}

test.describe('outbox module (real IndexedDB, real server)', () => {
  // These tests inject the logging bundle as an inline script; the server's app CSP forbids that.
  test.use({ bypassCSP: true });
  test('off by default: nothing is queued or sent', async ({ page }) => {
    const server = await startLogServer();
    const posts = recordBatches(page, server);
    await outboxPage(page);
    const settings = await page.evaluate(async () => {
      const controller = window.qm9Logging.pageLogging();
      await controller.start();
      return controller.getSnapshot().settings;
    });
    expect(settings).toEqual({ enabled: false, endpoint: '/log', includeSmiles: false });
    expect(await queue(page, GRAPHS)).toBe(0);
    expect((await pageStatus(page)).queued).toBe(0);
    expect(posts).toEqual([]);
    expect(await storedCount(server)).toBe(0);
  });

  test('the default endpoint "/log" reaches the server that serves the app (npm start)', async ({
    page,
  }) => {
    const server = await startLogServer(0, ['--serve-app']);
    await outboxPage(page, server.url);
    await optIn(page, '/log');
    expect(await queue(page, GRAPHS)).toBe(GRAPHS.length);
    await waitUntilSent(page, server, GRAPHS.length);
  });

  test('records made offline wait, then go out once in batches of at most 500', async ({
    page,
    context,
  }) => {
    const server = await startLogServer();
    const posts = recordBatches(page, server);
    await outboxPage(page);
    await optIn(page, `${server.url}/log`);
    await goOffline(context, page);

    const total = GRAPHS.length * 134; // 1206: three batches
    expect(await queue(page, GRAPHS, 134)).toBe(total);
    await expect.poll(async () => (await pageStatus(page)).queued).toBe(total);
    expect((await pageStatus(page)).lastError).toContain('offline');
    expect(posts).toEqual([]);
    expect(await storedCount(server)).toBe(0);

    // Nothing lives only in memory: a fresh page (back online, before anything sends) finds the
    // records in IndexedDB; its logging starts, sees the connection, and sends them.
    await context.setOffline(false);
    await page.reload();
    await page.addScriptTag({ content: await loggingBundle() });
    expect(await page.evaluate(() => new window.qm9Logging.Outbox().counts())).toEqual({
      queued: total,
      sent: 0,
      rejected: 0,
    });
    await page.evaluate(() => window.qm9Logging.pageLogging().start());
    await waitUntilSent(page, server, total);
    expect((await pageStatus(page)).lastError).toBeNull();
    expect(posts.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...posts)).toBeLessThanOrEqual(500);
    expect(posts.reduce((a, b) => a + b, 0)).toBe(total);
  });

  test('two tabs share one outbox and never send the same record twice', async ({
    page,
    context,
  }) => {
    const server = await startLogServer();
    const second = await context.newPage();
    const posts = [page, second].map((tab) => recordBatches(tab, server));
    await outboxPage(page);
    await outboxPage(second);
    await goOffline(context, page);
    await optIn(page, `${server.url}/log`);
    await second.evaluate(() => window.qm9Logging.pageLogging().start());
    expect(await queue(page, GRAPHS, 70)).toBe(630);

    await context.setOffline(false); // both tabs get the 'online' event at once
    await waitUntilSent(page, server, 630);
    const posted = posts.flat().reduce((a, b) => a + b, 0);
    expect(posted).toBe(630);
  });

  test('server down: retries with backoff until it is up; a lost 200 is resent and stored once', async ({
    page,
  }) => {
    const port = await freePort();
    const endpoint = `http://127.0.0.1:${port}/log`;
    await outboxPage(page);
    await optIn(page, endpoint);
    expect(await queue(page, GRAPHS, 3)).toBe(27);

    await expect
      .poll(async () => (await pageStatus(page)).lastError ?? '')
      .toContain('network error');
    const down = await pageStatus(page);
    expect(down.queued).toBe(27);
    expect(down.nextRetryAt).not.toBeNull();

    // The first answer that reaches the server is cut off before the page sees it.
    let cutOff = 0;
    const answers: unknown[] = [];
    await page.route(endpoint, async (route) => {
      const response = await route.fetch().catch(() => null);
      if (!response) return route.abort('connectionrefused'); // a retry before the server is up
      answers.push(await response.json());
      if (cutOff++ === 0) return route.abort('connectionreset');
      return route.fulfill({ response });
    });

    const server = await startLogServer(port);
    await waitUntilSent(page, server, 27);
    expect(answers[0]).toEqual({ accepted: 27, stored: 27, duplicates: 0 });
    expect(answers[1]).toEqual({ accepted: 27, stored: 0, duplicates: 27 });
    expect((await pageStatus(page)).lastError).toBeNull();
  });

  test('a record the server refuses is kept aside with the reason; the rest are stored', async ({
    page,
  }) => {
    const server = await startLogServer();
    await outboxPage(page);
    await optIn(page, `${server.url}/log`);
    const broken: TestGraph = { ...chain('CO'), x: chain('CO').x.map((row) => row.slice(0, 10)) };
    const graphs = [...GRAPHS, broken, ...GRAPHS];
    expect(await queue(page, graphs)).toBe(19);

    await waitUntilSent(page, server, 18);
    expect((await pageStatus(page)).rejected).toBe(1);
    await expect.poll(async () => (await pageStatus(page)).rejectedList.length).toBe(1);
    const [kept] = (await pageStatus(page)).rejectedList;
    expect(kept.reason).toContain('node_features[0]');
    expect(kept.record.node_features).toEqual(broken.x);
  });

  test('SMILES go out only with their own consent, also for records queued before it was withdrawn', async ({
    page,
    context,
  }) => {
    const server = await startLogServer();
    await outboxPage(page);
    await goOffline(context, page);
    await optIn(page, `${server.url}/log`, true);
    const ethanol = { ...chain('CCO'), smiles: 'CCO' };
    expect(await queue(page, [ethanol, ethanol])).toBe(2);
    await page.evaluate(() => window.qm9Logging.pageLogging().update({ includeSmiles: false }));
    expect(await queue(page, [ethanol])).toBe(1);

    await context.setOffline(false);
    await expect.poll(() => storedCount(server), { timeout: 30_000 }).toBe(3);
    await page.evaluate(() => window.qm9Logging.pageLogging().update({ includeSmiles: true }));
    expect(await queue(page, [ethanol])).toBe(1);
    await expect.poll(() => storedCount(server), { timeout: 30_000 }).toBe(4);

    const db = new Database(server.sqliteFile, { readonly: true });
    try {
      const rows = db
        .prepare('SELECT smiles, model_version FROM log_records ORDER BY id')
        .all() as {
        smiles: string | null;
        model_version: string;
      }[];
      expect(rows.map((row) => row.smiles)).toEqual([null, null, null, 'CCO']);
      expect(new Set(rows.map((row) => row.model_version))).toEqual(new Set(['e2e-model 1.0.0']));
    } finally {
      db.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The app: settings panel, prediction worker, outbox and server together.

/** Chains of C, N and O starting with carbon, shortest first: C, CC, CN, CO, CCC, ... */
function smallMolecules(count: number): string[] {
  const found: string[] = [];
  const grow = (prefix: string, length: number) => {
    if (found.length >= count) return;
    if (prefix.length === length) {
      found.push(prefix);
      return;
    }
    for (const atom of ['C', 'N', 'O']) grow(prefix + atom, length);
  };
  for (let length = 1; found.length < count; length++) grow('C', length);
  return found;
}

async function pointAppAt(page: Page, server: LogServer): Promise<void> {
  const panel = page.getByTestId('logging-settings');
  await panel.locator('summary').click();
  await expect(page.getByTestId('log-enabled')).not.toBeChecked(); // off by default
  await expect(panel).toContainText('node_features');
  await page.getByTestId('log-endpoint').fill(`${server.url}/log`);
  await panel.getByRole('button', { name: 'Save endpoint' }).click();
  await expect(page.getByTestId('log-target')).toHaveText(`${server.url}/log`);
}

async function predictPasted(page: Page, smiles: string[]): Promise<void> {
  await page.getByLabel('SMILES, one per line').fill(smiles.join('\n'));
  await page.getByRole('button', { name: 'Predict', exact: true }).click();
  await waitForJob(page);
  await expect(page.getByTestId('batch-counts')).toContainText(`${smiles.length} rows`);
  await expect(page.getByTestId('batch-counts')).toContainText('0 error');
  await expect(page.getByTestId('batch-counts')).not.toContainText('not predicted');
}

test('settings panel: off by default, says what is sent and where, keeps a good endpoint, refuses a bad one', async ({
  page,
}) => {
  await page.goto('/');
  const panel = page.getByTestId('logging-settings');
  await panel.locator('summary').click();
  await expect(page.getByTestId('log-enabled')).not.toBeChecked();
  await expect(page.getByTestId('log-smiles')).not.toBeChecked();
  for (const field of ['node_features', 'edge_index', 'prediction', 'SMILES']) {
    await expect(panel).toContainText(field);
  }
  await expect(page.getByTestId('log-target')).toHaveText(`${APP_ORIGIN}/log`);

  const endpoint = page.getByTestId('log-endpoint');
  const save = panel.getByRole('button', { name: 'Save endpoint' });
  await endpoint.fill('ftp://127.0.0.1/log');
  await save.click();
  await expect(panel.getByRole('alert')).toContainText('ftp:');
  await expect(page.getByTestId('log-target')).toHaveText(`${APP_ORIGIN}/log`);

  await endpoint.fill('http://127.0.0.1:9/log');
  await save.click();
  await expect(page.getByTestId('log-target')).toHaveText('http://127.0.0.1:9/log');
  await page.reload();
  await page.getByTestId('logging-settings').locator('summary').click();
  await expect(page.getByTestId('log-target')).toHaveText('http://127.0.0.1:9/log');
  await expect(page.getByTestId('log-enabled')).not.toBeChecked();
});

test.describe('the app predicting', () => {
  // Skipped only on a checkout without a trained model in public/models; never under CI.
  test.skip(!modelPublished && !process.env.CI, NO_MODEL_REASON);

  test('50 molecules predicted offline reach the server exactly once when back online', async ({
    page,
    context,
  }) => {
    const server = await startLogServer();
    await page.goto('/');
    await waitForModel(page);
    await pointAppAt(page, server);
    await page.getByTestId('log-enabled').check();

    await goOffline(context, page);
    await predictPasted(page, smallMolecules(50));
    const status = page.getByTestId('log-status');
    await expect(status).toHaveAttribute('data-queued', '50');
    await expect(status).toHaveAttribute('data-online', 'false');
    expect(await storedCount(server)).toBe(0);

    await context.setOffline(false);
    await expect.poll(() => storedCount(server), { timeout: 60_000 }).toBe(50);
    await expect(status).toHaveAttribute('data-queued', '0');
    await expect(status).toHaveAttribute('data-sent', '50');
    await expect(status).toHaveAttribute('data-rejected', '0');

    // What arrived is what the panel promised: graph, gap and metadata, no SMILES without consent.
    const db = new Database(server.sqliteFile, { readonly: true });
    try {
      const rows = db
        .prepare('SELECT node_features, edge_index, prediction, smiles FROM log_records')
        .all() as StoredRow[];
      expect(rows).toHaveLength(50);
      for (const row of rows) {
        expect(row.smiles).toBeNull();
        expect((JSON.parse(row.node_features) as number[][]).every((f) => f.length === 11)).toBe(
          true,
        );
        expect(JSON.parse(row.edge_index)).toHaveLength(2);
        const [gap] = JSON.parse(row.prediction) as number[];
        expect(Number.isFinite(gap)).toBe(true);
      }
    } finally {
      db.close();
    }
  });

  test('with logging off, predicting sends nothing', async ({ page }) => {
    const server = await startLogServer();
    const posts = recordBatches(page, server);
    await page.goto('/');
    await waitForModel(page);
    await pointAppAt(page, server);

    await predictPasted(page, smallMolecules(10));
    // The worker queues a chunk's records before it hands the chunk's rows to the page.
    await expect(page.getByTestId('log-status')).toHaveAttribute('data-queued', '0');
    await expect(page.getByTestId('log-status')).toHaveAttribute('data-sent', '0');
    expect(posts).toEqual([]);
    expect(await storedCount(server)).toBe(0);
  });
});
