// Small HTTP helpers shared by the routes.
import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';
import { RateLimiter } from './rateLimit';
import type { RateLimit } from './config';
import { jsonPointerToPath } from './schemas';

/** The parts of an Ajv error the routes report. */
export interface ValidationIssue {
  instancePath: string;
  message?: string;
  params?: Record<string, unknown>;
}

export function firstIssue(request: FastifyRequest): ValidationIssue | null {
  return (request.validationError?.validation[0] as ValidationIssue | undefined) ?? null;
}

/** "records[3].node_features[0]" and a readable message for one Ajv error. */
export function describeIssue(issue: ValidationIssue): { path: string; message: string } {
  let message = issue.message ?? 'is invalid';
  if (issue.params && 'additionalProperty' in issue.params) {
    message = `unknown field "${String(issue.params.additionalProperty)}"`;
  }
  return { path: jsonPointerToPath(issue.instancePath) || 'body', message };
}

export function wantsHtml(request: FastifyRequest): boolean {
  return /text\/html/.test(request.headers.accept ?? '');
}

export function sendError(
  reply: FastifyReply,
  statusCode: number,
  error: string,
  message: string,
  extra = {},
) {
  return reply.code(statusCode).send({ statusCode, error, message, ...extra });
}

/** onRequest hook: runs before the body is read, so a limited client costs almost nothing. */
export function rateLimitHook(limit: RateLimit): onRequestHookHandler {
  const limiter = new RateLimiter(limit);
  return (request, reply, done) => {
    const decision = limiter.take(request.ip);
    if (decision.allowed) return done();
    reply.header('Retry-After', String(decision.retryAfterSeconds));
    sendError(
      reply,
      429,
      'Too Many Requests',
      `rate limit exceeded for ${request.ip}; retry in ${decision.retryAfterSeconds} s`,
    );
  };
}

/** Cross-origin isolation lets the tfjs wasm backend use threads (as in vite.config.ts). */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
} as const;

/**
 * The bearer token from `Authorization: <scheme> <token>` (scheme in any case, RFC 7235) or
 * `?token=` (for links to the HTML page). A repeated `token` key is no token at all.
 */
export function presentedToken(request: FastifyRequest): string {
  const header = request.headers.authorization ?? '';
  const bearer = /^bearer[ \t]+(.+)$/i.exec(header);
  if (bearer) return bearer[1].trim();
  const query = (request.query as { token?: unknown } | undefined)?.token;
  return typeof query === 'string' ? query : '';
}

/** Whether the request carries `expected`; the comparison time says nothing about the token. */
export function hasToken(request: FastifyRequest, expected: string): boolean {
  const given = presentedToken(request);
  if (!given) return false;
  // Hashing first gives equal lengths, so timingSafeEqual never throws and leaks no length.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export function refuseWithoutToken(reply: FastifyReply) {
  reply.header('WWW-Authenticate', 'Bearer realm="drift report"');
  return sendError(reply, 401, 'Unauthorized', 'a valid report token is required');
}
