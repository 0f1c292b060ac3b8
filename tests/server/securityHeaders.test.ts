// The headers every response carries, whatever produced it, and which build files may be cached
// for good: exact values, read from the real app.
import { beforeAll, describe, expect, it } from 'vitest';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { API_CSP, cacheControlFor } from '../../server/securityHeaders';
import { appsPerFile, type TestApp } from '../helpers/testApp';
import { chain, methane } from '../helpers/molecules';

const apps = appsPerFile('qm9-security-headers-', [methane(), chain('CC')], [10, 9]);
let t: TestApp;
beforeAll(async () => {
  t = await apps.startApp({ LOG_RATE_LIMIT: '1' });
  // Routes of our own, to see what the hook does with content types no real route sends yet.
  const typed = (type: string, csp?: string) => async (_q: FastifyRequest, reply: FastifyReply) => {
    if (csp) reply.header('Content-Security-Policy', csp);
    return reply.header('content-type', type).send('<p>x</p>');
  };
  t.app.get('/t/upper-html', typed('TEXT/HTML'));
  t.app.get('/t/html-with-charset', typed('text/html; CHARSET=iso-8859-1'));
  t.app.get('/t/not-quite-html', typed('text/plain; profile="text/html"'));
  t.app.get('/t/plain', typed('text/plain'));
  t.app.get('/t/own-policy', typed('text/html', "default-src 'self'"));
});

const COMMON = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

describe('every response', () => {
  it.each([
    ['a JSON answer', 'GET', '/health', 200],
    ['a 404', 'GET', '/nothing-here', 404],
    ['a 401', 'GET', '/log/count', 401],
    ['a validation error', 'POST', '/log', 400],
    ['a rate-limited request', 'POST', '/log', 429],
  ] as const)('%s carries the common headers and the API policy', async (_n, method, url, code) => {
    const res = await t.app.inject({ method, url, payload: method === 'POST' ? {} : undefined });
    expect(res.statusCode).toBe(code);
    expect(res.headers).toMatchObject({ ...COMMON, 'content-security-policy': API_CSP });
  });

  it('the API policy forbids everything, framing and base URLs included', () => {
    expect(API_CSP).toBe("default-src 'none'; frame-ancestors 'none'; base-uri 'none'");
  });
});

describe('HTML content types', () => {
  it.each([
    ['/t/upper-html', 'TEXT/HTML; charset=utf-8'],
    ['/t/html-with-charset', 'text/html; CHARSET=iso-8859-1'],
    ['/t/not-quite-html', 'text/plain; profile="text/html"'],
    ['/t/plain', 'text/plain'],
  ])('%s is sent as %j', async (url, type) => {
    const res = await t.app.inject({ method: 'GET', url });
    expect(res.headers['content-type']).toBe(type);
    expect(res.headers['content-security-policy']).toBe(API_CSP);
  });

  it("keeps a route's own policy", async () => {
    const res = await t.app.inject({ method: 'GET', url: '/t/own-policy' });
    expect(res.headers['content-security-policy']).toBe("default-src 'self'");
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers).toMatchObject(COMMON);
    expect(res.body).toBe('<p>x</p>');
  });
});

describe('cacheControlFor', () => {
  const IMMUTABLE = 'public, max-age=31536000, immutable';
  it.each([
    'assets/index-B3xk9QzA.js',
    'assets/worker-abc_DEF-.mjs',
    'a-12345678.css',
    'a-12345678.wasm',
    'a-12345678.woff',
    'a-12345678.woff2',
    'a-12345678.png',
    'a-12345678.svg',
    'a-12345678.json',
    'a-12345678.webmanifest',
    'a-0123456789abcdefXYZ.js',
  ])('%s is immutable', (path) => {
    expect(cacheControlFor(path)).toBe(IMMUTABLE);
  });

  it.each([
    'index.html',
    'sw.js',
    'assets/index-B3xk9Qz.js',
    'assets/indexB3xk9QzA.js',
    'a-12345678.js.map',
    'a-12345678.jsx',
    'a-12345678.woff3',
    'a-1234567!.js',
    'a-12345678.gif',
    'a-12345678js',
  ])('%s must be revalidated', (path) => {
    expect(cacheControlFor(path)).toBe('no-cache');
  });
});
