// Operator endpoints: GET /ready (readiness for a load balancer) and GET /metrics (Prometheus).
// GET /health stays liveness only: it answers while the process can answer at all.
import type { FastifyInstance } from 'fastify';
import type { ServerConfig } from '../config';
import type { LogStore } from '../storage';
import type { Metrics } from '../metrics';
import { hasToken, sendError } from '../http';

export interface ReadinessState {
  modelLoaded: () => boolean;
  shuttingDown: () => boolean;
}

export function opsRoutes(
  app: FastifyInstance,
  config: ServerConfig,
  store: LogStore,
  metrics: Metrics,
  state: ReadinessState,
): void {
  app.get('/ready', async (_request, reply) => {
    const problems: string[] = [];
    if (state.shuttingDown()) problems.push('shutting down');
    if (!state.modelLoaded()) problems.push('model not loaded');
    try {
      await store.ping();
    } catch {
      problems.push('storage unreachable');
    }
    if (problems.length) return reply.code(503).send({ status: 'not ready', problems });
    return { status: 'ready' };
  });

  app.get('/metrics', async (request, reply) => {
    if (config.metricsToken && !hasToken(request, config.metricsToken)) {
      reply.header('WWW-Authenticate', 'Bearer realm="metrics"');
      return sendError(reply, 401, 'Unauthorized', 'a valid metrics token is required');
    }
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}
