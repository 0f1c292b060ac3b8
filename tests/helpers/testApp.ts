// Builds the real app over a fresh SQLite file per call, for tests that drive it with inject();
// closeAll() (from afterEach) closes every app and store it built.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppDeps } from '../../server/app';
import { loadConfig, type ServerConfig } from '../../server/config';
import { openSqliteStore } from '../../server/storage/sqlite';
import type { LogStore } from '../../server/storage';
import { loadDriftReference } from '../../server/models';
import { writeDriftReference } from './driftReferenceFile';

export interface TestApp {
  app: FastifyInstance;
  store: LogStore;
  config: ServerConfig;
}

export function testApps(dir: string, referenceFile: string) {
  let n = 0;
  const open: TestApp[] = [];
  return {
    async startApp(
      env: Record<string, string> = {},
      deps: Partial<AppDeps> = {},
      argv: string[] = [],
    ): Promise<TestApp> {
      const config = loadConfig(
        {
          LOG_LEVEL: 'silent',
          REPORT_TOKEN: 'secret-token',
          SQLITE_FILE: join(dir, `app-${++n}.sqlite`),
          DRIFT_REFERENCE_FILE: referenceFile,
          ...env,
        },
        argv,
      );
      const store = openSqliteStore(config.sqliteFile);
      const app = await buildApp({
        config,
        store,
        models: () => null,
        driftReference: () => loadDriftReference(config),
        ...deps,
      });
      const started = { app, store, config };
      open.push(started);
      return started;
    },
    async closeAll(): Promise<void> {
      for (const { app, store } of open.splice(0)) {
        await app.close();
        await store.close().catch(() => undefined);
      }
    },
  };
}

/**
 * For a test file whose tests each start their own apps: testApps() in a temp directory that goes
 * after the file, over a drift reference of `graphs` and `gaps`, closing the apps after each test.
 */
export function appsPerTest(
  prefix: string,
  graphs: Parameters<typeof writeDriftReference>[1],
  gaps: readonly number[],
) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const apps = testApps(dir, writeDriftReference(join(dir, 'reference.json'), graphs, gaps));
  afterEach(() => apps.closeAll());
  return { dir, startApp: apps.startApp };
}

/**
 * For a test file whose apps live for the whole file (built in beforeAll): testApps() in a temp
 * directory over a drift reference of `graphs` and `gaps`; apps and directory go after the file.
 */
export function appsPerFile(
  prefix: string,
  graphs: Parameters<typeof writeDriftReference>[1],
  gaps: readonly number[],
) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const apps = testApps(dir, writeDriftReference(join(dir, 'reference.json'), graphs, gaps));
  afterAll(async () => {
    await apps.closeAll();
    rmSync(dir, { recursive: true, force: true });
  });
  return { dir, ...apps };
}
