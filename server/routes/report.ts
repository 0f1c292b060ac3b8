// GET /report?n=100: drift of the last n logged molecules against the training reference,
// as JSON or as an HTML page; needs the report token. The work runs in a worker thread and
// is bounded by n and by REPORT_MAX_BYTES of stored graphs (server/report/).
import type { FastifyInstance } from 'fastify';
import type { ServerConfig } from '../config';
import type { DriftReference } from '../../src/stats';
import { renderDriftReportHtml } from '../drift/html';
import { hasToken, refuseWithoutToken, sendError, wantsHtml } from '../http';
import { ReportQueueFullError, type ReportRunner } from '../report/reportRunner';
import type { StorageLocation } from '../storage/graphReader';
import { REPORT_CSP } from '../securityHeaders';

export function reportRoutes(
  app: FastifyInstance,
  config: ServerConfig,
  runner: ReportRunner,
  location: StorageLocation,
  driftReference: () => Promise<{ reference: DriftReference }>,
): void {
  app.get<{ Querystring: { n?: unknown; format?: unknown; token?: unknown } }>(
    '/report',
    async (request, reply) => {
      if (!hasToken(request, config.reportToken)) return refuseWithoutToken(reply);
      // 100 by default, or all that REPORT_MAX_RECORDS allows when that is fewer.
      const rawN = request.query.n ?? String(Math.min(100, config.maxReportRecords));
      const n = typeof rawN === 'string' ? Number(rawN) : NaN;
      if (!Number.isInteger(n) || n < 1 || n > config.maxReportRecords) {
        return sendError(
          reply,
          400,
          'Bad Request',
          `n must be an integer from 1 to ${config.maxReportRecords}, got "${String(rawN)}"`,
        );
      }
      const format = request.query.format ?? (wantsHtml(request) ? 'html' : 'json');
      if (format !== 'html' && format !== 'json') {
        return sendError(reply, 400, 'Bad Request', 'format must be json or html');
      }
      // The socket is silent while the reference loads and the worker computes, so
      // IDLE_SOCKET_TIMEOUT_MS is lifted for this request; once the response is sent, Node puts
      // the keep-alive timeout on the socket. (Injected test requests have no real socket.)
      const socket = request.raw.socket as { setTimeout?: (ms: number) => unknown };
      socket.setTimeout?.(0);
      let reference: DriftReference;
      try {
        ({ reference } = await driftReference());
      } catch (error) {
        // The reason names files on this machine: it goes to the log, not to the client.
        request.log.warn(`no drift reference: ${(error as Error).message}`);
        return sendError(
          reply,
          503,
          'Service Unavailable',
          'no drift reference is installed (see the server log)',
        );
      }
      let outcome;
      try {
        outcome = await runner.run({ location, reference, n, maxBytes: config.maxReportBytes });
      } catch (error) {
        if (!(error instanceof ReportQueueFullError)) throw error;
        reply.header('Retry-After', '5');
        return sendError(reply, 503, 'Service Unavailable', error.message);
      }
      if (outcome.kind === 'error') {
        request.log.error(`drift report failed: ${outcome.message}`);
        const message = outcome.outOfMemory
          ? outcome.message
          : 'the drift report failed (see the server log)';
        return sendError(reply, 503, 'Service Unavailable', message);
      }
      if (outcome.kind === 'empty') {
        const message = 'no logged molecules yet';
        return format === 'html'
          ? reply
              .header('Content-Security-Policy', REPORT_CSP)
              .type('text/html; charset=utf-8')
              .send(`<!doctype html><title>Data drift report</title><p>${message}</p>`)
          : { molecules: 0, requested: n, datasetDrift: null, message };
      }
      return format === 'html'
        ? reply
            .header('Content-Security-Policy', REPORT_CSP)
            .type('text/html; charset=utf-8')
            .send(renderDriftReportHtml(outcome.report))
        : outcome.report;
    },
  );
}
