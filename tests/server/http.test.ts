// The shared HTTP behaviour of the routes as a client meets it: where a token may come from and
// in which forms, what a refused or rate-limited client is told (status, headers, message).
import { beforeAll, describe, expect, it } from 'vitest';
import { expectErrorReply } from '../helpers/errorReply';
import { describeIssue } from '../../server/http';
import { appsPerFile, type TestApp } from '../helpers/testApp';
import { chain, logRecord, methane } from '../helpers/molecules';

const apps = appsPerFile('qm9-http-', [methane(), chain('CC')], [10, 9]);
let t: TestApp;
beforeAll(async () => {
  t = await apps.startApp({ LOG_RATE_LIMIT: '2', PREDICT_RATE_LIMIT: '1' });
});

const count = (headers: Record<string, string> = {}, query = '') =>
  t.app.inject({ method: 'GET', url: `/log/count${query}`, headers });

describe('the report token', () => {
  it.each([
    ['Bearer secret-token'],
    ['bearer   secret-token  '],
    ['Bearer\tsecret-token'],
    ['BEARER \t secret-token'],
  ])('is read from "Authorization: %s"', async (authorization) => {
    const res = await count({ authorization });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ records: 0 });
  });

  it('is read from ?token= when no bearer header is sent', async () => {
    expect((await count({}, '?token=secret-token')).statusCode).toBe(200);
    expect((await count({ authorization: 'Basic eDp5' }, '?token=secret-token')).statusCode).toBe(
      200,
    );
  });

  it('in the header wins over the query', async () => {
    const res = await count({ authorization: 'Bearer wrong-token' }, '?token=secret-token');
    expect(res.statusCode).toBe(401);
  });

  it.each([
    ['no token', {}, ''],
    ['an empty query token', {}, '?token='],
    ['a wrong token', { authorization: 'Bearer secret-tokenX' }, ''],
    ['a prefix of the token', { authorization: 'Bearer secret' }, ''],
    ['a scheme glued to it', { authorization: 'Bearersecret-token' }, ''],
    ['another scheme', { authorization: 'Token secret-token' }, ''],
    ['text before the scheme', { authorization: 'x Bearer secret-token' }, ''],
    ['the scheme alone', { authorization: 'Bearer ' }, ''],
  ])('%s is refused with 401 and a challenge', async (_name, headers, query) => {
    const res = await count(headers, query);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="drift report"');
    expectErrorReply(res, 401, 'Unauthorized', 'a valid report token is required');
  });
});

describe('rate limits', () => {
  it('POST /log: the request past LOG_RATE_LIMIT gets 429, Retry-After and who is limited', async () => {
    const post = (key: string) =>
      t.app.inject({
        method: 'POST',
        url: '/log',
        remoteAddress: '192.0.2.5',
        payload: { records: [logRecord(key, methane(), 9)] },
      });
    expect((await post('limit-0001')).statusCode).toBe(200);
    expect((await post('limit-0002')).statusCode).toBe(200);
    const refused = await post('limit-0003');
    // 2 a minute: one request back every 30 s.
    expect(refused.headers['retry-after']).toBe('30');
    expectErrorReply(
      refused,
      429,
      'Too Many Requests',
      'rate limit exceeded for 192.0.2.5; retry in 30 s',
    );
    expect(await t.store.existingKeys(['limit-0001', 'limit-0002', 'limit-0003'])).toEqual(
      new Set(['limit-0001', 'limit-0002']),
    );
  });

  it('POST /predict: its own limit, before the body is even looked at', async () => {
    const post = () =>
      t.app.inject({ method: 'POST', url: '/predict', remoteAddress: '192.0.2.6', payload: {} });
    expect((await post()).statusCode).toBe(422);
    const refused = await post();
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBe('60');
    expect(refused.json().message).toBe('rate limit exceeded for 192.0.2.6; retry in 60 s');
  });
});

describe('describeIssue', () => {
  it('names the place and the problem', () => {
    expect(describeIssue({ instancePath: '/records/2/smiles', message: 'must be string' })).toEqual(
      { path: 'records[2].smiles', message: 'must be string' },
    );
    expect(describeIssue({ instancePath: '' })).toEqual({ path: 'body', message: 'is invalid' });
    expect(
      describeIssue({
        instancePath: '/records/0',
        message: 'must NOT have additional properties',
        params: { additionalProperty: 'file' },
      }),
    ).toEqual({ path: 'records[0]', message: 'unknown field "file"' });
    expect(
      describeIssue({ instancePath: '/x', message: 'must be >= 0', params: { limit: 0 } }),
    ).toEqual({ path: 'x', message: 'must be >= 0' });
  });
});
