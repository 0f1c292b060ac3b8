// The app-wide error answers and client addresses, as clients and operators meet them: exact
// bodies for 413, 415 and 500 (no internals), which X-Forwarded-For hop is the client with 1 or
// 2 trusted proxies, and the token redaction of logged URLs.
import { describe, expect, it } from 'vitest';
import { expectErrorReply } from '../helpers/errorReply';
import { redactToken } from '../../server/app';
import { appsPerFile } from '../helpers/testApp';
import { chain, logRecord, methane } from '../helpers/molecules';

const apps = appsPerFile('qm9-app-errors-', [methane(), chain('CC')], [10, 9]);

const body = { records: [logRecord('errors-0001', methane(), 9)] };
const size = Buffer.byteLength(JSON.stringify(body));

describe('error answers', () => {
  it('413 just above LOG_BODY_LIMIT_BYTES, 200 at it', async () => {
    const { app, store } = await apps.startApp({ LOG_BODY_LIMIT_BYTES: String(size) });
    const at = await app.inject({ method: 'POST', url: '/log', payload: body });
    expect(at.statusCode).toBe(200);
    const over = await app.inject({
      method: 'POST',
      url: '/log',
      payload: { records: [logRecord('errors-00002', methane(), 9)] },
    });
    expectErrorReply(over, 413, 'Payload Too Large', 'Request body is too large');
    expect(await store.count()).toBe(1);
  });

  it('413 on /predict too, not 422', async () => {
    const { app } = await apps.startApp({ PREDICT_BODY_LIMIT_BYTES: '10' });
    const res = await app.inject({
      method: 'POST',
      url: '/predict',
      payload: { node_features: methane().x },
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().error).toBe('Payload Too Large');
  });

  it('415 for a body that is not JSON', async () => {
    const { app } = await apps.startApp();
    const res = await app.inject({
      method: 'POST',
      url: '/log',
      headers: { 'content-type': 'application/xml' },
      payload: '<records/>',
    });
    expect(res.statusCode).toBe(415);
    expect(res.json()).toMatchObject({ statusCode: 415, error: 'Unsupported Media Type' });
  });

  it('500 says only "internal error"', async () => {
    const { app, store } = await apps.startApp();
    await store.close();
    const res = await app.inject({ method: 'POST', url: '/log', payload: body });
    expectErrorReply(res, 500, 'Internal Server Error', 'internal error');
  });
});

describe('the client address behind proxies', () => {
  /** The address the rate limiter names in its 429 (LOG_RATE_LIMIT=1: the second request). */
  async function clientSeen(trust: string, forwardedFor: string) {
    const { app } = await apps.startApp({ TRUST_PROXY: trust, LOG_RATE_LIMIT: '1' });
    const post = () =>
      app.inject({
        method: 'POST',
        url: '/log',
        remoteAddress: '10.0.0.9',
        headers: { 'x-forwarded-for': forwardedFor },
        payload: {},
      });
    await post();
    return (await post()).json().message.match(/for (\S+);/)[1];
  }

  it.each([
    ['0', '203.0.113.1, 198.51.100.2', '10.0.0.9'],
    ['1', '203.0.113.1, 198.51.100.2', '198.51.100.2'],
    ['2', '203.0.113.1, 198.51.100.2', '203.0.113.1'],
    ['10.0.0.9', '203.0.113.1, 198.51.100.2', '198.51.100.2'],
  ])('TRUST_PROXY=%s with X-Forwarded-For "%s": %s', async (trust, xff, client) => {
    expect(await clientSeen(trust, xff)).toBe(client);
  });
});

describe('redactToken', () => {
  it.each([
    ['/report', '/report'],
    ['/report?n=5', '/report?n=5'],
    ['/report?token=abc', '/report?token=[redacted]'],
    ['/report?token', '/report?token=[redacted]'],
    ['/report?TOKEN=abc&n=1', '/report?TOKEN=[redacted]&n=1'],
    ['/report?+token+=abc', '/report?+token+=[redacted]'],
    ['/report?tokens=abc', '/report?tokens=abc'],
    ['/report?n=1&token=a=b', '/report?n=1&token=[redacted]'],
  ])('%s -> %s', (url, logged) => {
    expect(redactToken(url)).toBe(logged);
  });
});
