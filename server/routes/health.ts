// GET / and GET /health, as the original service answered them; with --serve-app the
// built app is served from the same origin and a browser asking for HTML at / gets it.
import type { FastifyInstance } from 'fastify';
import fastifyStatic, { type FastifyStaticOptions } from '@fastify/static';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ServerConfig } from '../config';
import { ISOLATION_HEADERS, wantsHtml } from '../http';
import { APP_CSP, cacheControlFor } from '../securityHeaders';
import { MODELS_PATH } from '../../src/model';

export async function healthAndAppRoutes(
  app: FastifyInstance,
  config: ServerConfig,
  /** The model /predict serves (it changes when the registry's alias moves); null while none is. */
  servedModel: () => { name: string; version: string } | null = () => null,
): Promise<void> {
  const healthy = { status: 'healthy' } as const;
  const appRoot = resolve(config.appDir);
  const serveApp = config.serveApp && existsSync(resolve(appRoot, 'index.html'));
  if (config.serveApp && !serveApp) {
    app.log.warn(`--serve-app: ${appRoot}/index.html not found; run "vite build" first`);
  }
  if (serveApp) {
    const appFile: Omit<FastifyStaticOptions, 'root'> = {
      index: false,
      wildcard: true,
      // Our own Cache-Control below: hashed build outputs are immutable, the rest revalidates.
      cacheControl: false,
      setHeaders(reply, path) {
        reply.header('Cache-Control', cacheControlFor(path));
        reply.header('Content-Security-Policy', APP_CSP);
        reply.headers(ISOLATION_HEADERS);
      },
    };
    await app.register(fastifyStatic, { ...appFile, root: appRoot });
    // registry.json and the model files come from the live models directory, the one the server
    // reloads its own model from, so a promotion reaches the page without a rebuild; the build's
    // copy answers only for files the live directory lacks (the service worker precaches those).
    await app.register(fastifyStatic, {
      ...appFile,
      root: [...new Set([resolve(config.modelsDir), resolve(appRoot, MODELS_PATH)])],
      prefix: `/${MODELS_PATH}/`,
      decorateReply: false,
    });
  }
  app.get('/', async (request, reply) => {
    if (serveApp && wantsHtml(request)) {
      return reply
        .headers({ ...ISOLATION_HEADERS, 'Content-Security-Policy': APP_CSP })
        .sendFile('index.html');
    }
    return healthy;
  });
  app.get('/health', async () => {
    const model = servedModel();
    return model ? { ...healthy, model } : healthy;
  });
}
