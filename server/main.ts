// Entry point: `node --import tsx server/main.ts [--serve-app]`. Settings: see server/config.ts.
import { performance } from 'node:perf_hooks';
import { loadConfig } from './config';
import { buildApp, type AppDeps } from './app';
import { openStore } from './storage';
import type { ServingModels } from './models';
import { createMetrics, setServedModel } from './metrics';
import { gracefulShutdown, installCrashPolicy } from './lifecycle';

async function main(): Promise<void> {
  const config = loadConfig(process.env, process.argv.slice(2));
  const store = await openStore({
    databaseUrl: config.databaseUrl,
    sqliteFile: config.sqliteFile,
    sqliteSynchronous: config.sqliteSynchronous,
    connectTimeoutMs: config.timeouts.dbConnectMs,
    statementTimeoutMs: config.timeouts.dbStatementMs,
  });

  let models: ServingModels | Error | null = null;
  const modelsModule = import('./models');
  let cachedReference: ReturnType<AppDeps['driftReference']> | null = null;
  const driftReference = () => {
    // Cache only a successful load, so a model card added later is picked up.
    cachedReference ??= modelsModule
      .then(({ loadDriftReference }) => loadDriftReference(config))
      .catch((error) => {
        cachedReference = null;
        throw error;
      });
    return cachedReference;
  };

  const metrics = createMetrics();
  let closing = false;
  const app = await buildApp({
    config,
    store,
    models: () => models,
    driftReference,
    metrics,
    shuttingDown: () => closing,
  });
  installCrashPolicy(app.log, store);

  // The model (and tfjs) loads in the background: /log and /report work at once, /predict
  // answers 503 "Model not ready" and /ready 503 until it has loaded.
  const loadStart = performance.now();
  setServedModel(metrics, null);
  void modelsModule
    .then(({ loadServingModels }) => loadServingModels(config.modelsDir, config.modelName))
    .then(
      (m) => {
        models = m;
        setServedModel(metrics, m.primary);
        metrics.modelLoadSeconds.set((performance.now() - loadStart) / 1000);
        app.log.info(
          `/predict model: ${m.primary.name} ${m.primary.version} (${m.primary.backend})`,
        );
        void modelsModule.then(({ disposeServingModels, loadServingModels }) =>
          import('./modelReload').then(({ followRegistry, modelReloadMs }) => {
            const intervalMs = modelReloadMs(process.env);
            if (intervalMs === 0) return;
            followRegistry({
              modelsDir: config.modelsDir,
              modelName: config.modelName,
              intervalMs,
              servedId: () =>
                models && !(models instanceof Error)
                  ? `${models.primary.name}@${models.primary.version}`
                  : null,
              load: () => loadServingModels(config.modelsDir, config.modelName),
              swap: (next) => {
                const old = models;
                models = next;
                cachedReference = null;
                // Requests already holding the old model finish with it.
                if (old && !(old instanceof Error))
                  setTimeout(() => disposeServingModels(old), 30_000).unref();
              },
              log: app.log,
              metrics,
            });
          }),
        );
      },
      (error: Error) => {
        models = error;
        app.log.warn(`/predict unavailable: ${error.message}`);
      },
    );

  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info(
      `${signal}: finishing in-flight requests (at most ${config.timeouts.shutdownMs} ms)`,
    );
    const code = await gracefulShutdown(app, store, config.timeouts.shutdownMs);
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  const address = await app.listen({ host: config.host, port: config.port });
  // One machine-readable line for scripts that start the server on port 0.
  console.log(JSON.stringify({ listening: address, storage: store.kind }));
  if (config.reportTokenGenerated) {
    console.log(`REPORT_TOKEN not set; this run's report token: ${config.reportToken}`);
  }
}

main().catch((error) => {
  console.error(`server failed to start: ${(error as Error).message}`);
  process.exit(1);
});
