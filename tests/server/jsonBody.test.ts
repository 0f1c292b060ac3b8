// The JSON body parser as clients meet it through the real app: what it says about an empty or
// broken body, which prototype-altering keys it refuses wherever they sit, and which look-alikes
// it lets through to the schema.
import { beforeAll, describe, expect, it } from 'vitest';
import { expectErrorReply } from '../helpers/errorReply';
import { prototypeKeyProblem } from '../../server/jsonBody';
import { appsPerFile, type TestApp } from '../helpers/testApp';
import { postRawJson } from '../helpers/inject';
import { chain, logRecord, methane } from '../helpers/molecules';

const apps = appsPerFile('qm9-json-body-', [methane(), chain('CC')], [10, 9]);
let t: TestApp;
beforeAll(async () => {
  t = await apps.startApp({ LOG_RATE_LIMIT: '100000', PREDICT_RATE_LIMIT: '100000' });
});

const PROTO =
  'body: the key "__proto__" is not allowed in JSON bodies (it could alter object prototypes)';
const CONSTRUCTOR =
  'body: a "constructor" key holding "prototype" is not allowed in JSON bodies (it could alter object prototypes)';

/** JSON.parse's own message for `text`, as this Node version words it. */
function parseError(text: string): string {
  try {
    JSON.parse(text);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`${text} parses`);
}

describe('POST /log bodies', () => {
  it('an empty body says so', async () => {
    const res = await postRawJson(t.app, '/log', '');
    expectErrorReply(res, 400, 'Bad Request', 'body: empty, but content-type is application/json');
  });

  it.each(['{"records": [', '{records: []}', '[1,]'])(
    '%j says where the syntax breaks',
    async (text) => {
      const res = await postRawJson(t.app, '/log', text);
      expectErrorReply(res, 400, 'Bad Request', `body is not valid JSON: ${parseError(text)}`);
    },
  );

  it.each([
    ['at the top', '{"records": [], "__proto__": {}}', PROTO],
    ['inside a record', '{"records": [{"__proto__": 1}]}', PROTO],
    ['in a nested array', '{"records": [[[{"a": {"__proto__": null}}]]]}', PROTO],
    ['escaped', '{"records": [], "\\u005f_proto__": {}}', PROTO],
    ['constructor.prototype', '{"records": [{"constructor": {"prototype": {}}}]}', CONSTRUCTOR],
    ['constructor.prototype of null', '{"x": {"constructor": {"prototype": null}}}', CONSTRUCTOR],
  ])('refuses a prototype key %s, storing nothing', async (_where, text, message) => {
    const before = await t.store.count();
    const res = await postRawJson(t.app, '/log', text);
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toBe(message);
    expect(await t.store.count()).toBe(before);
  });

  it.each([
    [
      'constructor',
      '{"records": [], "constructor": {"name": "x"}}',
      'body: unknown field "constructor"',
    ],
    [
      'constructor of null',
      '{"records": [], "constructor": null}',
      'body: unknown field "constructor"',
    ],
    [
      'constructor of a list',
      '{"records": [], "constructor": ["prototype"]}',
      'body: unknown field "constructor"',
    ],
    ['prototype', '{"records": [], "prototype": {}}', 'body: unknown field "prototype"'],
    ['proto', '{"records": [], "proto": {}}', 'body: unknown field "proto"'],
  ])('leaves a look-alike key (%s) to the schema', async (_name, text, message) => {
    const res = await postRawJson(t.app, '/log', text);
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toBe(message);
  });

  it('a valid body is parsed and stored', async () => {
    const record = logRecord('json-body-1', methane(), 9.25);
    const res = await postRawJson(t.app, '/log', JSON.stringify({ records: [record] }));
    expect(res.json()).toEqual({ accepted: 1, stored: 1, duplicates: 0 });
    expect((await t.store.latest(1))[0]).toMatchObject(record);
  });
});

describe('POST /predict bodies keep FastAPI\'s 422 "json_invalid"', () => {
  it.each([
    ['', 'body: empty, but content-type is application/json'],
    ['{"node_features": ', `body is not valid JSON: ${parseError('{"node_features": ')}`],
    ['{"node_features": [], "__proto__": {}}', PROTO],
  ])('%j', async (text, msg) => {
    const res = await postRawJson(t.app, '/predict', text);
    expect(res.statusCode).toBe(422);
    expect(res.json()).toEqual({ detail: [{ type: 'json_invalid', loc: ['body'], msg }] });
  });

  it('a query string does not hide the route', async () => {
    const res = await postRawJson(t.app, '/predict?debug=1', '{');
    expect(res.statusCode).toBe(422);
    expect(res.json().detail[0].type).toBe('json_invalid');
  });
});

describe('prototypeKeyProblem', () => {
  it('finds keys at any depth, and only real ones', () => {
    expect(prototypeKeyProblem(JSON.parse('[1, "a", null, [{"b": [{"__proto__": 0}]}]]'))).toBe(
      PROTO,
    );
    expect(prototypeKeyProblem({ a: [{ b: { constructor: { prototype: 1 } } }] })).toBe(
      CONSTRUCTOR,
    );
    expect(prototypeKeyProblem({ constructor: { prototypes: 1 }, a: [null, 1, 'x'] })).toBeNull();
    expect(prototypeKeyProblem({ constructor: 'prototype' })).toBeNull();
    expect(prototypeKeyProblem({ model: { prototype: {} } })).toBeNull();
    expect(prototypeKeyProblem(null)).toBeNull();
    expect(prototypeKeyProblem(7)).toBeNull();
  });
});
