// Every limit of the POST /log and POST /predict bodies at its exact boundary, through the real
// app over a SQLite file: the last value admitted is stored (read back), the first one past it is
// refused with the path and message a client sees.
import { beforeAll, describe, expect, it } from 'vitest';
import { expectErrorReply } from '../helpers/errorReply';
import { jsonPointerToPath } from '../../server/schemas';
import { MAX_REQUEST_ATOMS, MAX_REQUEST_EDGES } from '../../src/wire';
import { appsPerFile, type TestApp } from '../helpers/testApp';
import { chain, logRecord, methane } from '../helpers/molecules';

const apps = appsPerFile('qm9-schemas-', [methane(), chain('CC')], [10, 9]);
let t: TestApp;
beforeAll(async () => {
  // Limits high enough that only the schema can refuse; LOG_MAX_RECORDS at 3 for its boundary.
  t = await apps.startApp({
    LOG_RATE_LIMIT: '100000',
    PREDICT_RATE_LIMIT: '100000',
    LOG_MAX_RECORDS: '3',
    LOG_BODY_LIMIT_BYTES: String(8 * 1024 * 1024),
    PREDICT_BODY_LIMIT_BYTES: String(8 * 1024 * 1024),
  });
});

/** A record as a client may send it: any fields, any values. */
type SentRecord = { [field: string]: unknown };
let serial = 0;
/** A valid record (methane) with a fresh key, changed by `patch`. */
const record = (patch: SentRecord = {}): SentRecord => ({
  ...logRecord(`schema-${String(++serial).padStart(5, '0')}`, methane(), 9.5),
  ...patch,
});
const postLog = (records: unknown[]) =>
  t.app.inject({ method: 'POST', url: '/log', payload: { records } });

/** Posts one record and expects it stored, exactly as sent. */
async function expectStored(r: SentRecord) {
  const res = await postLog([r]);
  expect(res.json()).toEqual({ accepted: 1, stored: 1, duplicates: 0 });
  const [back] = await t.store.latest(1);
  expect(back).toMatchObject(r);
}

/** Posts one record and expects 400 with exactly this message, and nothing stored. */
async function expectRefused(r: unknown, message: string) {
  const before = await t.store.count();
  const res = await postLog([r]);
  expectErrorReply(res, 400, 'Bad Request', message, { record: 0 });
  expect(await t.store.count()).toBe(before);
}

/** n atoms (carbons), and m self-loop edges on atom 0: only the sizes matter here. */
/** A string field's length bounds: `min` and `max` characters are stored, one fewer or one more refused. */
async function expectLengthBounds(field: string, min: number, max: number, char = 'k') {
  await expectStored(record({ [field]: char.repeat(min) }));
  await expectStored(record({ [field]: char.repeat(max) }));
  await expectRefused(
    record({ [field]: char.repeat(min - 1) }),
    `records[0].${field}: must NOT have fewer than ${min} characters`,
  );
  await expectRefused(
    record({ [field]: char.repeat(max + 1) }),
    `records[0].${field}: must NOT have more than ${max} characters`,
  );
}

const atoms = (n: number) => Array.from({ length: n }, () => methane().x[0]);
const edges = (m: number): [number[], number[]] => [Array(m).fill(0), Array(m).fill(0)];

describe('POST /log record limits', () => {
  it('idempotency_key: 8 to 128 characters of [A-Za-z0-9._:-]', async () => {
    await expectLengthBounds('idempotency_key', 8, 128);
    await expectStored(record({ idempotency_key: 'Az09._:-' }));
    for (const bad of ['with space', 'semi;colon', 'slash/es', 'ümlauts!']) {
      await expectRefused(
        record({ idempotency_key: bad }),
        'records[0].idempotency_key: must match pattern "^[A-Za-z0-9._:-]+$"',
      );
    }
  });

  it(`node_features: 1 to ${MAX_REQUEST_ATOMS} rows of exactly 11 numbers`, async () => {
    await expectStored(record({ node_features: atoms(1), edge_index: [[], []] }));
    await expectStored(record({ node_features: atoms(MAX_REQUEST_ATOMS), edge_index: [[], []] }));
    await expectRefused(
      record({ node_features: [], edge_index: [[], []] }),
      'records[0].node_features: must NOT have fewer than 1 items',
    );
    await expectRefused(
      record({ node_features: atoms(MAX_REQUEST_ATOMS + 1), edge_index: [[], []] }),
      `records[0].node_features: must NOT have more than ${MAX_REQUEST_ATOMS} items`,
    );
    await expectRefused(
      record({ node_features: [[...atoms(1)[0], 0]] }),
      'records[0].node_features[0]: must NOT have more than 11 items',
    );
    await expectRefused(
      record({ node_features: [atoms(1)[0].slice(1)] }),
      'records[0].node_features[0]: must NOT have fewer than 11 items',
    );
    await expectRefused(
      record({ node_features: [[...atoms(1)[0].slice(1), null]] }),
      'records[0].node_features[0][10]: must be number',
    );
    await expectRefused(
      record({ node_features: 'CH4' }),
      'records[0].node_features: must be array',
    );
  });

  it(`edge_index: two lists of at most ${MAX_REQUEST_EDGES} atom indices`, async () => {
    await expectStored(record({ edge_index: edges(MAX_REQUEST_EDGES) }));
    const tooMany = edges(MAX_REQUEST_EDGES + 1);
    await expectRefused(
      record({ edge_index: tooMany }),
      `records[0].edge_index[0]: must NOT have more than ${MAX_REQUEST_EDGES} items`,
    );
    await expectRefused(
      record({ edge_index: [[0], tooMany[1]] }),
      `records[0].edge_index[1]: must NOT have more than ${MAX_REQUEST_EDGES} items`,
    );
    await expectRefused(
      record({ edge_index: [[0], [-1]] }),
      'records[0].edge_index[1][0]: must be >= 0',
    );
    await expectRefused(
      record({ edge_index: [[0.5], [0]] }),
      'records[0].edge_index[0][0]: must be integer',
    );
    await expectRefused(
      record({ edge_index: [[0, 1], [1]] }),
      'records[0].edge_index: source and target lists differ in length (2 vs 1)',
    );
    await expectRefused(
      record({ edge_index: [[0]] }),
      'records[0].edge_index: must NOT have fewer than 2 items',
    );
    await expectRefused(
      record({ edge_index: [[0], [0], [0]] }),
      'records[0].edge_index: must NOT have more than 2 items',
    );
  });

  it('prediction: 1 to 32 numbers; model_version: 1 to 100 characters', async () => {
    await expectStored(record({ prediction: Array.from({ length: 32 }, (_, i) => i / 4) }));
    await expectRefused(
      record({ prediction: [] }),
      'records[0].prediction: must NOT have fewer than 1 items',
    );
    await expectRefused(
      record({ prediction: Array(33).fill(1) }),
      'records[0].prediction: must NOT have more than 32 items',
    );
    await expectRefused(
      record({ prediction: ['9.5'] }),
      'records[0].prediction[0]: must be number',
    );
    await expectLengthBounds('model_version', 1, 100, 'v');
  });

  it('smiles is optional, 1 to 2000 characters, and stored as sent', async () => {
    await expectLengthBounds('smiles', 1, 2000, 'C');
    await expectRefused(record({ smiles: null }), 'records[0].smiles: must be string');
  });

  it.each([
    'idempotency_key',
    'node_features',
    'edge_index',
    'prediction',
    'model_version',
    'timestamp',
  ])('%s is required', async (field) => {
    const { [field]: _gone, ...rest } = record();
    await expectRefused(rest, `records[0]: must have required property '${field}'`);
  });

  it('timestamp must be an RFC 3339 date-time', async () => {
    await expectStored(record({ timestamp: '2026-12-01T08:30:00+01:00' }));
    await expectRefused(
      record({ timestamp: '2026-12-01' }),
      'records[0].timestamp: must match format "date-time"',
    );
  });
});

describe('POST /log batch limits', () => {
  it('records: 1 to LOG_MAX_RECORDS, no other field, an object body', async () => {
    // Its own app, built inside the test: the batch schema is made when the route is
    // registered, and a mutation tool attributes that code only to tests that build an app.
    const { app } = await apps.startApp({ LOG_RATE_LIMIT: '100000', LOG_MAX_RECORDS: '3' });
    const post = (payload: object) => app.inject({ method: 'POST', url: '/log', payload });
    const three = [record(), record(), record()];
    expect((await post({ records: three })).json()).toEqual({
      accepted: 3,
      stored: 3,
      duplicates: 0,
    });
    const four = await post({ records: [record(), record(), record(), record()] });
    expectErrorReply(four, 400, 'Bad Request', 'records: must NOT have more than 3 items');
    const extra = await post({ records: [record()], client: 'x' });
    expect(extra.json().message).toBe('body: unknown field "client"');
    const none = await post({});
    expect(none.json().message).toBe("body: must have required property 'records'");
    const list = await post([record()]);
    expect(list.json().message).toBe('body: must be object');
  });

  it('names the record a later problem is in, and its index', async () => {
    const res = await postLog([record(), record(), record({ idempotency_key: 'short' })]);
    expectErrorReply(
      res,
      400,
      'Bad Request',
      'records[2].idempotency_key: must NOT have fewer than 8 characters',
      { record: 2 },
    );
  });
});

describe('POST /predict body limits (422 as FastAPI)', () => {
  const predict = (payload: object) => t.app.inject({ method: 'POST', url: '/predict', payload });
  /** Expects 422 with exactly this location and message. */
  async function expect422(payload: object, loc: (string | number)[], msg: string) {
    const res = await predict(payload);
    expect(res.statusCode).toBe(422);
    expect(res.json()).toEqual({ detail: [{ type: 'value_error', loc: ['body', ...loc], msg }] });
  }
  const ok = { node_features: atoms(2), edge_index: [[0], [1]] };

  it('admits the largest graph (no model loaded: 503 after validation)', async () => {
    const big = {
      node_features: atoms(MAX_REQUEST_ATOMS),
      edge_index: edges(MAX_REQUEST_EDGES),
      edge_attr: Array.from({ length: MAX_REQUEST_EDGES }, () => [1, 0, 0, 0]),
    };
    const res = await predict(big);
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ detail: 'Model not ready' });
  });

  it('refuses one atom or edge more, and edge_attr rows that are not 4 numbers', async () => {
    await expect422(
      { ...ok, node_features: atoms(MAX_REQUEST_ATOMS + 1) },
      ['node_features'],
      `must NOT have more than ${MAX_REQUEST_ATOMS} items`,
    );
    await expect422(
      { ...ok, edge_index: edges(MAX_REQUEST_EDGES + 1) },
      ['edge_index', 0],
      `must NOT have more than ${MAX_REQUEST_EDGES} items`,
    );
    await expect422(
      { ...ok, edge_attr: Array(MAX_REQUEST_EDGES + 1).fill([1, 0, 0, 0]) },
      ['edge_attr'],
      `must NOT have more than ${MAX_REQUEST_EDGES} items`,
    );
    await expect422(
      { ...ok, edge_attr: [[1, 0, 0]] },
      ['edge_attr', 0],
      'must NOT have fewer than 4 items',
    );
    await expect422(
      { ...ok, edge_attr: [[1, 0, 0, 0, 0]] },
      ['edge_attr', 0],
      'must NOT have more than 4 items',
    );
    await expect422({ ...ok, edge_attr: [[1, 0, 0, '0']] }, ['edge_attr', 0, 3], 'must be number');
    await expect422({ ...ok, edge_index: [[0], [-1]] }, ['edge_index', 1, 0], 'must be >= 0');
    await expect422(
      { edge_index: ok.edge_index },
      [],
      "must have required property 'node_features'",
    );
  });

  it('refuses edge_attr with a row count other than the edges', async () => {
    await expect422({ ...ok, edge_attr: [] }, ['edge_attr'], 'has 0 rows for 1 edges');
    await expect422(
      { ...ok, edge_attr: [Array(4).fill(0), Array(4).fill(0)] },
      ['edge_attr'],
      'has 2 rows for 1 edges',
    );
  });
});

describe('jsonPointerToPath', () => {
  it.each([
    ['', ''],
    ['/records', 'records'],
    ['/records/3/node_features/0', 'records[3].node_features[0]'],
    ['/0/1', '[0][1]'],
    ['/a1/b', 'a1.b'],
    ['/records/12x', 'records.12x'],
    ['/records/12/x', 'records[12].x'],
  ])('%j -> %j', (pointer, path) => {
    expect(jsonPointerToPath(pointer)).toBe(path);
  });
});
