// POST /log: batch ingest of logged predictions; all or nothing per batch, idempotent per record.
import type { FastifyInstance } from 'fastify';
import type { ServerConfig } from '../config';
import type { LogRecord, LogStore } from '../storage';
import { logBodySchema } from '../schemas';
import { edgeIndexProblem } from '../graphChecks';
import {
  describeIssue,
  firstIssue,
  hasReportToken,
  rateLimitHook,
  refuseWithoutToken,
  sendError,
} from '../http';

export function logRoutes(app: FastifyInstance, config: ServerConfig, store: LogStore): void {
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
        const problem = edgeIndexProblem(r.node_features.length, r.edge_index);
        if (problem) {
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
      const result = await store.insert(records);
      return { accepted: records.length, stored: result.inserted, duplicates: result.duplicates };
    },
  );

  // How many records are stored, for operators and end-to-end tests; same token as /report.
  app.get('/log/count', async (request, reply) => {
    if (!hasReportToken(request, config.reportToken)) return refuseWithoutToken(reply);
    return { records: await store.count() };
  });
}
