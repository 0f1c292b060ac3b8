// Entry point: `node --import tsx server/main.ts [--serve-app]`. Settings: see server/config.ts.
import { loadConfig } from './config';
import { buildApp, type AppDeps } from './app';
import { openStore } from './storage';
import type { ServingModels } from './models';

async function main(): Promise<void> {
  const config = loadConfig(process.env, process.argv.slice(2));
  const store = await openStore({
    databaseUrl: config.databaseUrl,
    sqliteFile: config.sqliteFile,
    sqliteSynchronous: config.sqliteSynchronous,
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

  const app = await buildApp({ config, store, models: () => models, driftReference });

  // The model (and tfjs) loads in the background: /log and /report work at once, and
  // /predict answers 503 "Model not ready" until it has loaded.
  void modelsModule
    .then(({ loadServingModels }) => loadServingModels(config.modelsDir, config.modelName))
    .then(
      (m) => {
        models = m;
        app.log.info(
          `/predict model: ${m.primary.name} ${m.primary.version} (${m.primary.backend})`,
        );
      },
      (error: Error) => {
        models = error;
        app.log.warn(`/predict unavailable: ${error.message}`);
      },
    );

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info(`${signal}: closing`);
    await app.close();
    await store.close();
    process.exit(0);
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
