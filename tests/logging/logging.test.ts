// The pure parts of src/logging (the IndexedDB outbox and the sender are tested in a real browser
// against the real server in e2e/logging.spec.ts).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chain } from '../helpers/molecules';
import {
  classifyResponse,
  makeLogRecord,
  newIdempotencyKey,
  normalizeSettings,
  recordAsAllowed,
  resolveEndpoint,
  retryAfterMs,
  retryDelayMs,
} from '../../src/logging';

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });

describe('retryDelayMs', () => {
  const options = { baseMs: 1000, maxMs: 60_000 };

  it('doubles per failure, within [half, full] of the nominal delay, up to the cap', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.double({ min: 0, max: 0.999999, noNaN: true }),
        (n, r) => {
          const nominal = Math.min(60_000, 1000 * 2 ** (n - 1));
          const delay = retryDelayMs(n, options, () => r);
          return delay >= nominal / 2 && delay < nominal + 1e-9;
        },
      ),
    );
    expect(retryDelayMs(1, options, () => 0)).toBe(500);
    expect(retryDelayMs(3, options, () => 0)).toBe(2000);
    expect(retryDelayMs(40, options, () => 0.999999)).toBeLessThanOrEqual(60_000);
    // Second failure: nominal 2 s, half fixed and half spread; a draw of 0.5 lands at 1.5 s.
    expect(retryDelayMs(2, options, () => 0.5)).toBe(1500);
  });

  it('spreads retries: different random draws give different delays', () => {
    expect(retryDelayMs(4, options, () => 0.1)).not.toBe(retryDelayMs(4, options, () => 0.9));
  });

  it('refuses a failure count below 1', () => {
    expect(() => retryDelayMs(0, options)).toThrow(/at least 1/);
  });
});

describe('classifyResponse', () => {
  it('200: stored', async () => {
    expect(await classifyResponse(json(200, { accepted: 3, stored: 3, duplicates: 0 }), 3)).toEqual(
      {
        kind: 'stored',
      },
    );
  });

  it('400 naming a record: that record, with the server message', async () => {
    const body = {
      message: 'records[2].node_features[0]: must NOT have fewer than 11 items',
      record: 2,
    };
    expect(await classifyResponse(json(400, body), 5)).toEqual({
      kind: 'bad-record',
      index: 2,
      reason: body.message,
    });
  });

  it('400 without a usable record index, and 413: the batch is too big to judge', async () => {
    expect((await classifyResponse(json(400, { message: 'records: too many' }), 5)).kind).toBe(
      'too-big',
    );
    expect((await classifyResponse(json(400, { message: 'x', record: 9 }), 5)).kind).toBe(
      'too-big',
    );
    expect(
      (await classifyResponse(json(413, { message: 'Request body is too large' }), 5)).kind,
    ).toBe('too-big');
  });

  it('429 honours Retry-After; 5xx and 404 retry with the status in the reason', async () => {
    expect(
      await classifyResponse(json(429, { message: 'slow down' }, { 'retry-after': '7' }), 1),
    ).toEqual({
      kind: 'retry',
      reason: 'HTTP 429: slow down',
      retryAfterMs: 7000,
    });
    const down = await classifyResponse(
      new Response('<html>bad gateway</html>', { status: 502 }),
      1,
    );
    expect(down).toMatchObject({ kind: 'retry', reason: 'HTTP 502: <html>bad gateway</html>' });
    const wrong = await classifyResponse(new Response('', { status: 404 }), 1);
    expect(wrong).toMatchObject({ kind: 'retry' });
    expect(wrong.kind === 'retry' && wrong.reason).toContain('no logging server');
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-11-29T12:00:00Z');
    expect(retryAfterMs('3', now)).toBe(3000);
    expect(retryAfterMs('Sun, 29 Nov 2026 12:00:10 GMT', now)).toBe(10_000);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs(null, now)).toBeUndefined();
  });
});

describe('log records', () => {
  const ethanol = { ...chain('CCO'), smiles: 'CCO' };
  const at = new Date('2026-11-29T10:00:00.000Z');

  it("is the original service's record plus version, time and key; SMILES only with consent", () => {
    const record = makeLogRecord(ethanol, 7.25, 'qm9-gnn 1.0.0', { includeSmiles: false }, at);
    expect(Object.keys(record).sort()).toEqual([
      'edge_index',
      'idempotency_key',
      'model_version',
      'node_features',
      'prediction',
      'timestamp',
    ]);
    expect(record.prediction).toEqual([7.25]);
    expect(record.node_features).toBe(ethanol.x);
    expect(record.timestamp).toBe('2026-11-29T10:00:00.000Z');
    expect(makeLogRecord(ethanol, 7.25, 'v', { includeSmiles: true }, at).smiles).toBe('CCO');
  });

  it('drops SMILES at sending time when the consent was withdrawn after queueing', () => {
    const record = makeLogRecord(ethanol, 7.25, 'v', { includeSmiles: true }, at);
    const settings = { enabled: true, endpoint: '/log', includeSmiles: false };
    expect(recordAsAllowed(record, settings)).not.toHaveProperty('smiles');
    expect(recordAsAllowed(record, { ...settings, includeSmiles: true }).smiles).toBe('CCO');
  });

  it('refuses a non-finite prediction', () => {
    expect(() => makeLogRecord(ethanol, Number.NaN, 'v', { includeSmiles: false })).toThrow(
      /non-finite/,
    );
  });

  it('idempotency keys are unique and match the server pattern', () => {
    const keys = Array.from({ length: 2000 }, () => newIdempotencyKey());
    expect(new Set(keys).size).toBe(keys.length);
    for (const key of keys) expect(key).toMatch(/^[A-Za-z0-9._:-]{8,128}$/);
    // Every random byte is two hex digits, leading zero included.
    for (const key of keys) expect(key).toMatch(/^[0-9a-z]+-[0-9a-f]{32}$/);
    expect(newIdempotencyKey(Date.parse('2026-11-29T10:00:00Z'))).toMatch(/^mx1o4740-/);
  });
});

describe('settings', () => {
  const app = 'http://127.0.0.1:4173/index.html';

  it('a path means the app origin; absolute http(s) URLs are kept', () => {
    expect(resolveEndpoint('/log', app).toString()).toBe('http://127.0.0.1:4173/log');
    expect(resolveEndpoint(' https://logs.example.org/log ', app).toString()).toBe(
      'https://logs.example.org/log',
    );
  });

  it('refuses endpoints that cannot be a logging server, saying why', () => {
    expect(() => resolveEndpoint('', app)).toThrow(/empty/);
    expect(() => resolveEndpoint('   ', app)).toThrow(/empty/);
    expect(() => resolveEndpoint('https://user@host/log', app)).toThrow(/user name/);
    expect(() => resolveEndpoint('ftp://host/log', app)).toThrow(/ftp:/);
    expect(() => resolveEndpoint('javascript:alert(1)', app)).toThrow(/javascript:/);
    expect(() => resolveEndpoint('https://user:pw@host/log', app)).toThrow(/password/);
    expect(() => resolveEndpoint('http://[bad', app)).toThrow(/not a URL/);
  });

  it('stored settings are read defensively: off unless explicitly on', () => {
    expect(normalizeSettings(null)).toEqual({
      enabled: false,
      endpoint: '/log',
      includeSmiles: false,
    });
    expect(normalizeSettings({ enabled: 'yes', endpoint: 3, includeSmiles: 1 })).toEqual({
      enabled: false,
      endpoint: '/log',
      includeSmiles: false,
    });
    expect(
      normalizeSettings({ enabled: true, endpoint: ' http://h/log ', includeSmiles: true }),
    ).toEqual({ enabled: true, endpoint: 'http://h/log', includeSmiles: true });
    expect(normalizeSettings({ enabled: true, endpoint: '   ' }).endpoint).toBe('/log');
  });
});
