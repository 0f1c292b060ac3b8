// POST /log: batch ingest of logged predictions; all or nothing per batch, idempotent per record.
import type { FastifyInstance } from 'fastify';
import type { ServerConfig } from '../config';
import type { LogRecord, LogStore } from '../storage';
import type { Metrics } from '../metrics';
import type { StorageGuard } from '../storageGuard';
import { logBodySchema } from '../schemas';
import { edgeIndexProblem } from '../graphChecks';
import { NOT_FLOAT32, nonFloat32Path } from '../featureChecks';
import {
  describeIssue,
  firstIssue,
  hasToken,
  rateLimitHook,
  refuseWithoutToken,
  sendError,
} from '../http';

/** Why record r cannot be stored, beyond the schema (path relative to the record), or null. */
function recordProblem(r: LogRecord): { path: string; message: string } | null {
  const problem = edgeIndexProblem(r.node_features.length, r.edge_index);
  if (problem) return problem;
  const bad =
    nonFloat32Path('node_features', r.node_features) ?? nonFloat32Path('prediction', r.prediction);
  return bad ? { path: bad, message: NOT_FLOAT32 } : null;
}

export function logRoutes(
  app: FastifyInstance,
  config: ServerConfig,
  store: LogStore,
  metrics: Metrics,
  guard: StorageGuard,
): void {
  app.post(
    '/log',
    {
      bodyLimit: config.logBodyLimitBytes,
      schema: { body: logBodySchema(config.maxRecordsPerBatch) },
      attachValidation: true,
      onRequest: rateLimitHook(config.logRateLimit),
    },
    async (request, reply) => {
      const issue = firstIssue(request);
      if (issue) {
        const { path, message } = describeIssue(issue);
        const record = /^records\[(\d+)\]/.exec(path);
        const count = (request.body as { records?: unknown[] } | null)?.records?.length;
        metrics.recordsRejected.inc({ reason: 'invalid' }, typeof count === 'number' ? count : 1);
        return sendError(
          reply,
          400,
          'Bad Request',
          `${path}: ${message}`,
          record ? { record: Number(record[1]) } : {},
        );
      }
      const { records } = request.body as { records: LogRecord[] };
      for (const [i, r] of records.entries()) {
        const problem = recordProblem(r);
        if (problem) {
          metrics.recordsRejected.inc({ reason: 'invalid' }, records.length);
          return sendError(
            reply,
            400,
            'Bad Request',
            `records[${i}].${problem.path}: ${problem.message}`,
            {
              record: i,
            },
          );
        }
      }
      if (guard.full) {
        metrics.recordsRejected.inc({ reason: 'storage_full' }, records.length);
        return sendError(
          reply,
          507,
          'Insufficient Storage',
          'the log store has reached its size limit; nothing was stored',
        );
      }
      const quota = guard.charge(request);
      if (!quota.allowed) {
        metrics.recordsRejected.inc({ reason: 'quota' }, records.length);
        reply.header('Retry-After', String(quota.retryAfterSeconds));
        return sendError(
          reply,
          429,
          'Too Many Requests',
          `storage quota of ${config.clientQuotaBytesPerDay} bytes per day exceeded for ${request.ip}; retry in ${quota.retryAfterSeconds} s`,
        );
      }
      const result = await store.insert(records);
      metrics.recordsIngested.inc(result.inserted);
      metrics.recordsDuplicate.inc(result.duplicates);
      if (result.inserted > 0) metrics.lastIngest.setToCurrentTime();
      return { accepted: records.length, stored: result.inserted, duplicates: result.duplicates };
    },
  );

  // How many records are stored, for operators and end-to-end tests; same token as /report.
  app.get('/log/count', async (request, reply) => {
    if (!hasToken(request, config.reportToken)) return refuseWithoutToken(reply);
    return { records: await store.count() };
  });
}
