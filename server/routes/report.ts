// GET /report?n=100: drift of the last n logged molecules against the training reference,
// as JSON or as an HTML page; needs the report token.
import type { FastifyInstance } from 'fastify';
import type { ServerConfig } from '../config';
import type { LogStore } from '../storage';
import type { DriftReference } from '../drift/reference';
import { buildDriftReport } from '../drift/report';
import { renderDriftReportHtml } from '../drift/html';
import { hasReportToken, refuseWithoutToken, sendError, wantsHtml } from '../http';

export function reportRoutes(
  app: FastifyInstance,
  config: ServerConfig,
  store: LogStore,
  driftReference: () => Promise<{ reference: DriftReference }>,
): void {
  app.get<{ Querystring: { n?: string; format?: string; token?: string } }>(
    '/report',
    async (request, reply) => {
      if (!hasReportToken(request, config.reportToken)) return refuseWithoutToken(reply);
      const rawN = request.query.n ?? '100';
      const n = Number(rawN);
      if (!Number.isInteger(n) || n < 1 || n > config.maxReportRecords) {
        return sendError(
          reply,
          400,
          'Bad Request',
          `n must be an integer from 1 to ${config.maxReportRecords}, got "${rawN}"`,
        );
      }
      const format = request.query.format ?? (wantsHtml(request) ? 'html' : 'json');
      if (format !== 'html' && format !== 'json') {
        return sendError(reply, 400, 'Bad Request', 'format must be json or html');
      }
      let reference: DriftReference;
      try {
        ({ reference } = await driftReference());
      } catch (error) {
        return sendError(
          reply,
          503,
          'Service Unavailable',
          `no drift reference: ${(error as Error).message}`,
        );
      }
      const records = await store.latest(n);
      if (records.length === 0) {
        const message = 'no logged molecules yet';
        return format === 'html'
          ? reply
              .type('text/html')
              .send(`<!doctype html><title>Data drift report</title><p>${message}</p>`)
          : { molecules: 0, requested: n, datasetDrift: null, message };
      }
      const rows = records.map((r) => ({
        x: r.node_features,
        edgeIndex: r.edge_index,
        prediction: r.prediction[0],
      }));
      const report = buildDriftReport(reference, rows, n);
      return format === 'html'
        ? reply.type('text/html; charset=utf-8').send(renderDriftReportHtml(report))
        : report;
    },
  );
}
