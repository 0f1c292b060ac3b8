// Builds the real app over a fresh SQLite file per call, for tests that drive it with inject();
// closeAll() (from afterEach) closes every app and store it built.
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppDeps } from '../../server/app';
import { loadConfig, type ServerConfig } from '../../server/config';
import { openSqliteStore } from '../../server/storage/sqlite';
import type { LogStore } from '../../server/storage';
import { loadDriftReference } from '../../server/models';

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
