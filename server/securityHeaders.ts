// Security headers on every response, whatever route or error produced it. The API answers
// JSON and nothing may frame or script it; the drift report is a script-free page with inline
// styles; the app (--serve-app) runs its own scripts, wasm and workers from this origin.
import type { FastifyInstance } from 'fastify';

const COMMON = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
} as const;

export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/** The drift report page: inline <style> and style attributes, nothing else. */
export const REPORT_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * The app: tfjs compiles wasm and its threaded backend loads worker code from blob: URLs, the
 * chemistry and model workers come from this origin, styles
 * are partly inline (React style props), images are data:/blob: (structure depictions, exports);
 * the logging endpoint is configurable, so the app may call any https origin.
 */
export const APP_CSP = [
  "default-src 'self'",
  // tfjs (wasm glue and the CPU backend) builds functions from strings: 'unsafe-eval' is needed;
  // inline and foreign scripts stay forbidden.
  "script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval' blob:",
  "worker-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self' https: http://localhost:* http://127.0.0.1:*",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Build outputs named by content hash (Vite: name-[hash].js) never change: cache them for a year. */
const HASHED_ASSET = /-[A-Za-z0-9_-]{8,}\.(?:js|mjs|css|wasm|woff2?|png|svg|json|webmanifest)$/;

export function cacheControlFor(path: string): string {
  if (HASHED_ASSET.test(path)) return 'public, max-age=31536000, immutable';
  // Everything else (index.html, the service worker, unhashed files) must be revalidated so
  // a new deployment is picked up.
  return 'no-cache';
}

export function registerSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.headers(COMMON);
    const type = String(reply.getHeader('content-type') ?? '');
    if (/^text\/html/i.test(type) && !/charset=/i.test(type)) {
      reply.header('content-type', `${type}; charset=utf-8`);
    }
    // Routes that serve HTML set their own policy; everything else gets the strictest one.
    if (!reply.hasHeader('content-security-policy'))
      reply.header('Content-Security-Policy', API_CSP);
    return payload;
  });
}
