// The HTTP API: POST /log, POST /predict, GET /report, GET / and /health (server/README.md).
import Fastify, { type FastifyInstance } from 'fastify';
import cors from '@fastify/cors';
import type { ServerConfig } from './config';
import type { LogStore } from './storage';
import type { ServingModels } from './models';
import type { DriftReference } from './drift/reference';
import { healthAndAppRoutes } from './routes/health';
import { logRoutes } from './routes/log';
import { predictRoutes } from './routes/predict';
import { reportRoutes } from './routes/report';

export interface AppDeps {
  config: ServerConfig;
  store: LogStore;
  /** The loaded models; null while loading; an Error when loading failed. */
  models: () => ServingModels | Error | null;
  driftReference: () => Promise<{ reference: DriftReference; from: string }>;
}

export function redactToken(url: string): string {
  return url.replace(/([?&]token=)[^&]*/g, '$1[redacted]');
}

const STATUS_NAMES: Record<number, string> = {
  400: 'Bad Request',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
};

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, store } = deps;
  const app = Fastify({
    logger:
      config.logLevel === 'silent'
        ? false
        : {
            level: config.logLevel,
            serializers: {
              // The report token may travel in the query string; it must not land in logs.
              req: (req: { method: string; url: string; ip?: string }) => ({
                method: req.method,
                url: redactToken(req.url),
                remoteAddress: req.ip,
              }),
            },
          },
    trustProxy: config.trustProxy,
    // Unknown fields must be refused, not silently dropped; types are never coerced.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
  });

  if (config.corsOrigins.length) {
    await app.register(cors, {
      origin: config.corsOrigins,
      methods: ['GET', 'POST'],
      allowedHeaders: ['Content-Type', 'Authorization'],
      maxAge: 600,
    });
  }

  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) request.log.error(error);
    // FastAPI answers any unreadable /predict body with 422; old clients rely on that.
    if (request.url.split('?')[0] === '/predict' && status === 400) {
      return reply
        .code(422)
        .send({ detail: [{ type: 'json_invalid', loc: ['body'], msg: error.message }] });
    }
    return reply.code(status).send({
      statusCode: status,
      error: status >= 500 ? 'Internal Server Error' : (STATUS_NAMES[status] ?? 'Error'),
      message: status >= 500 ? 'internal error' : error.message,
    });
  });

  await healthAndAppRoutes(app, config);
  logRoutes(app, config, store);
  predictRoutes(app, config, deps.models, store);
  reportRoutes(app, config, store, deps.driftReference);
  return app;
}
