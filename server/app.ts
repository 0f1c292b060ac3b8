// The HTTP API: POST /log, POST /predict, GET /report, GET / and /health, GET /ready and
// GET /metrics (server/README.md).
import Fastify, { type FastifyInstance } from 'fastify';
import cors from '@fastify/cors';
import type { ServerConfig } from './config';
import type { LogStore } from './storage';
import type { ServingModels } from './models';
import type { DriftReference } from '../src/stats';
import { healthAndAppRoutes } from './routes/health';
import { logRoutes } from './routes/log';
import { predictRoutes } from './routes/predict';
import { reportRoutes } from './routes/report';
import { opsRoutes } from './routes/ops';
import { createMetrics, registerHttpMetrics, type Metrics } from './metrics';
import { registerSecurityHeaders } from './securityHeaders';
import { registerJsonBodyParser } from './jsonBody';
import { StorageGuard } from './storageGuard';
import { ReportRunner } from './report/reportRunner';
import type { StorageLocation } from './storage/graphReader';
import { startDriftJob } from './driftJob';

export interface AppDeps {
  config: ServerConfig;
  store: LogStore;
  /** The loaded models; null while loading; an Error when loading failed. */
  models: () => ServingModels | Error | null;
  driftReference: () => Promise<{ reference: DriftReference; from: string }>;
  /** Created by the caller when it records metrics of its own (model load time). */
  metrics?: Metrics;
  /** True once a graceful shutdown has begun: /ready answers 503 so the balancer moves on. */
  shuttingDown?: () => boolean;
}

/**
 * The URL with the value of every `token` query parameter replaced, judged by the key as the
 * query parser decodes it (`?%74oken=` is the token too).
 */
export function redactToken(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const parts = url
    .slice(q + 1)
    .split('&')
    .map((part) => {
      const eq = part.indexOf('=');
      const rawKey = eq < 0 ? part : part.slice(0, eq);
      let key = rawKey;
      try {
        key = decodeURIComponent(rawKey.replace(/\+/g, ' '));
      } catch {
        // A malformed escape: compare the raw key.
      }
      return key.trim().toLowerCase() === 'token' ? `${rawKey}=[redacted]` : part;
    });
  return `${url.slice(0, q)}?${parts.join('&')}`;
}

const STATUS_NAMES: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
};

/** proxy-addr's hop count: the socket peer is hop 0, the X-Forwarded-For entries follow it. */
function trustHops(hops: number) {
  return (_address: string, hop: number) => hop < hops;
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, store } = deps;
  const metrics = deps.metrics ?? createMetrics();
  const { timeouts } = config;
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
    trustProxy:
      typeof config.trustProxy === 'number' ? trustHops(config.trustProxy) : config.trustProxy,
    // A slow or silent client cannot hold a socket: whole request, headers, idle socket and
    // keep-alive are all bounded; Node checks the request deadlines every second.
    requestTimeout: timeouts.requestMs,
    connectionTimeout: timeouts.idleSocketMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    http: {
      headersTimeout: Math.min(timeouts.headersMs, timeouts.requestMs),
      connectionsCheckingInterval: 1000,
    },
    // close() ends idle keep-alive connections at once and lets in-flight requests finish.
    forceCloseConnections: 'idle',
    // Unknown fields must be refused, not silently dropped; types are never coerced.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
  });

  registerSecurityHeaders(app);
  registerJsonBodyParser(app);
  registerHttpMetrics(app, metrics);

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
    const message = error.message;
    // FastAPI answers any unreadable /predict body with 422; old clients rely on that.
    if (request.url.split('?')[0] === '/predict' && status === 400) {
      return reply
        .code(422)
        .send({ detail: [{ type: 'json_invalid', loc: ['body'], msg: message }] });
    }
    return reply.code(status).send({
      statusCode: status,
      error: status >= 500 ? 'Internal Server Error' : (STATUS_NAMES[status] ?? 'Error'),
      message: status >= 500 ? 'internal error' : message,
    });
  });

  const guard = new StorageGuard(store, config, metrics);
  await guard.start();
  const runner = new ReportRunner({
    concurrency: config.reportConcurrency,
    queue: config.reportQueue,
    workerMemoryMb: config.reportWorkerMemoryMb,
  });
  const location: StorageLocation = {
    databaseUrl: config.databaseUrl,
    sqliteFile: config.sqliteFile,
    statementTimeoutMs: config.timeouts.dbStatementMs,
    connectTimeoutMs: config.timeouts.dbConnectMs,
  };
  const stopDriftJob = startDriftJob(
    runner,
    deps.driftReference,
    metrics,
    {
      intervalS: config.driftJobIntervalS,
      records: config.driftJobRecords,
      maxBytes: config.maxReportBytes,
      location,
    },
    app.log,
  );
  app.addHook('onClose', async () => {
    stopDriftJob();
    guard.stop();
  });

  await healthAndAppRoutes(app, config, () => {
    const loaded = deps.models();
    return loaded && !(loaded instanceof Error)
      ? { name: loaded.primary.name, version: loaded.primary.version }
      : null;
  });
  opsRoutes(app, config, store, metrics, {
    modelLoaded: () => {
      const m = deps.models();
      return m !== null && !(m instanceof Error);
    },
    shuttingDown: deps.shuttingDown ?? (() => false),
  });
  logRoutes(app, config, store, metrics, guard);
  predictRoutes(app, config, deps.models, store, metrics);
  reportRoutes(app, config, runner, location, deps.driftReference);
  return app;
}
