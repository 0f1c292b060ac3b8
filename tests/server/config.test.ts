// Every setting of server/README.md's table: its documented default, how it is read from the
// environment, and the exact values refused (limits at their boundary), as an operator meets them.
import { describe, expect, it } from 'vitest';
import { loadConfig, parseTrustProxy } from '../../server/config';

/** The defaults as server/README.md documents them, written out by hand as the oracle. */
const DOCUMENTED_DEFAULTS = {
  host: '127.0.0.1',
  port: 8787,
  databaseUrl: undefined,
  sqliteFile: 'data/logs.sqlite',
  sqliteSynchronous: 'FULL',
  corsOrigins: [],
  reportTokenGenerated: true,
  logBodyLimitBytes: 1048576,
  maxRecordsPerBatch: 500,
  predictBodyLimitBytes: 262144,
  logRateLimit: { max: 120, windowMs: 60000 },
  logPredictions: false,
  predictRateLimit: { max: 600, windowMs: 60000 },
  maxReportRecords: 10000,
  modelsDir: 'public/models',
  modelName: undefined,
  driftReferenceFile: undefined,
  serveApp: false,
  appDir: 'dist',
  trustProxy: false,
  logLevel: 'info',
  timeouts: {
    requestMs: 30000,
    headersMs: 10000,
    idleSocketMs: 15000,
    keepAliveMs: 5000,
    shutdownMs: 10000,
    dbConnectMs: 5000,
    dbStatementMs: 15000,
  },
  maxReportBytes: 16777216,
  reportConcurrency: 1,
  reportQueue: 4,
  reportWorkerMemoryMb: 1024,
  clientQuotaBytesPerDay: 268435456,
  storageMaxBytes: 0,
  driftJobIntervalS: 300,
  driftJobRecords: 1000,
  metricsToken: undefined,
};

/** Each integer setting: its variable, where it lands, and the smallest value it accepts. */
const INTEGERS: [string, (c: ReturnType<typeof loadConfig>) => number, number][] = [
  ['PORT', (c) => c.port, 0],
  ['LOG_BODY_LIMIT_BYTES', (c) => c.logBodyLimitBytes, 1],
  ['LOG_MAX_RECORDS', (c) => c.maxRecordsPerBatch, 1],
  ['PREDICT_BODY_LIMIT_BYTES', (c) => c.predictBodyLimitBytes, 1],
  ['LOG_RATE_LIMIT', (c) => c.logRateLimit.max, 1],
  ['PREDICT_RATE_LIMIT', (c) => c.predictRateLimit.max, 1],
  ['REPORT_MAX_RECORDS', (c) => c.maxReportRecords, 1],
  ['REQUEST_TIMEOUT_MS', (c) => c.timeouts.requestMs, 1],
  ['HEADERS_TIMEOUT_MS', (c) => c.timeouts.headersMs, 1],
  ['IDLE_SOCKET_TIMEOUT_MS', (c) => c.timeouts.idleSocketMs, 1],
  ['KEEP_ALIVE_TIMEOUT_MS', (c) => c.timeouts.keepAliveMs, 1],
  ['SHUTDOWN_TIMEOUT_MS', (c) => c.timeouts.shutdownMs, 1],
  ['DB_CONNECT_TIMEOUT_MS', (c) => c.timeouts.dbConnectMs, 1],
  ['DB_STATEMENT_TIMEOUT_MS', (c) => c.timeouts.dbStatementMs, 1],
  ['REPORT_MAX_BYTES', (c) => c.maxReportBytes, 1],
  ['REPORT_CONCURRENCY', (c) => c.reportConcurrency, 1],
  ['REPORT_QUEUE', (c) => c.reportQueue, 0],
  ['REPORT_WORKER_MEMORY_MB', (c) => c.reportWorkerMemoryMb, 64],
  ['CLIENT_QUOTA_BYTES_PER_DAY', (c) => c.clientQuotaBytesPerDay, 0],
  ['STORAGE_MAX_BYTES', (c) => c.storageMaxBytes, 0],
  ['DRIFT_JOB_INTERVAL_S', (c) => c.driftJobIntervalS, 0],
  ['DRIFT_JOB_RECORDS', (c) => c.driftJobRecords, 1],
];

describe('loadConfig defaults', () => {
  it('are the documented ones when nothing is set', () => {
    const { reportToken, ...rest } = loadConfig({});
    expect(rest).toEqual(DOCUMENTED_DEFAULTS);
    // 18 random bytes in base64url: 24 characters an operator can paste into a header.
    expect(reportToken).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(loadConfig({}).reportToken).not.toBe(reportToken);
  });

  it('treat an empty variable as unset', () => {
    const empty = Object.fromEntries(INTEGERS.map(([name]) => [name, '']));
    const { reportToken: _t, ...rest } = loadConfig({
      ...empty,
      DATABASE_URL: '',
      MODEL_NAME: '',
      DRIFT_REFERENCE_FILE: '',
      METRICS_TOKEN: '  ',
      TRUST_PROXY: '',
      CORS_ORIGINS: '',
    });
    expect(rest).toEqual(DOCUMENTED_DEFAULTS);
  });
});

describe('integer settings', () => {
  it.each(INTEGERS)('%s is read, and refused below its minimum', (name, read, min) => {
    const at = (raw: string) => read(loadConfig({ [name]: raw }));
    expect(at(String(min))).toBe(min);
    expect(at('123456')).toBe(123456);
    const refused = `${name} must be an integer >= ${min}, got`;
    expect(() => at(String(min - 1))).toThrow(`${refused} "${min - 1}"`);
    expect(() => at('1.5')).toThrow(`${refused} "1.5"`);
    expect(() => at('ten')).toThrow(`${refused} "ten"`);
  });
});

describe('string and flag settings', () => {
  it('reads each one from its variable', () => {
    const c = loadConfig(
      {
        HOST: '0.0.0.0',
        DATABASE_URL: 'postgres://db/qm9',
        REPORT_TOKEN: '  shared-token  ',
        SQLITE_FILE: '/var/lib/qm9.sqlite',
        SQLITE_SYNCHRONOUS: 'normal',
        CORS_ORIGINS: ' https://a.example , ,https://b.example,',
        MODELS_DIR: '/models',
        MODEL_NAME: 'production',
        DRIFT_REFERENCE_FILE: '/ref.json',
        APP_DIR: '/app',
        LOG_LEVEL: 'warn',
        METRICS_TOKEN: ' scrape ',
        TRUST_PROXY: '2',
      },
      ['--other', '--serve-app'],
    );
    expect(c).toMatchObject({
      host: '0.0.0.0',
      databaseUrl: 'postgres://db/qm9',
      reportToken: 'shared-token',
      reportTokenGenerated: false,
      sqliteFile: '/var/lib/qm9.sqlite',
      sqliteSynchronous: 'NORMAL',
      corsOrigins: ['https://a.example', 'https://b.example'],
      modelsDir: '/models',
      modelName: 'production',
      driftReferenceFile: '/ref.json',
      appDir: '/app',
      logLevel: 'warn',
      metricsToken: 'scrape',
      trustProxy: 2,
      serveApp: true,
    });
  });

  it('a blank REPORT_TOKEN is no token: one is generated', () => {
    const c = loadConfig({ REPORT_TOKEN: '   ' });
    expect(c.reportTokenGenerated).toBe(true);
    expect(c.reportToken).toHaveLength(24);
    expect(() => loadConfig({ DATABASE_URL: 'postgres://db/x', REPORT_TOKEN: ' ' })).toThrow(
      'REPORT_TOKEN must be set when DATABASE_URL is (several instances share one database)',
    );
  });

  it.each([
    ['1', true],
    ['true', true],
    ['0', false],
    ['yes', false],
    ['TRUE', false],
  ])('LOG_PREDICTIONS=%s stores predictions: %s', (raw, on) => {
    expect(loadConfig({ LOG_PREDICTIONS: raw }).logPredictions).toBe(on);
  });

  it('SQLITE_SYNCHRONOUS is case-insensitive and names what it refused', () => {
    expect(loadConfig({ SQLITE_SYNCHRONOUS: 'full' }).sqliteSynchronous).toBe('FULL');
    expect(() => loadConfig({ SQLITE_SYNCHRONOUS: 'off' })).toThrow(
      'SQLITE_SYNCHRONOUS must be FULL or NORMAL, got "OFF"',
    );
  });
});

describe('TRUST_PROXY', () => {
  it.each([
    [undefined, false],
    ['', false],
    ['  ', false],
    ['0', false],
    ['false', false],
    [' 3 ', 3],
    ['10', 10],
    ['::1', ['::1']],
    [' 10.0.0.5 ,, fe80::1/64 ', ['10.0.0.5', 'fe80::1/64']],
    ['192.168.0.0/16', ['192.168.0.0/16']],
  ])('%j is %j', (raw, expected) => {
    expect(parseTrustProxy(raw)).toEqual(expected);
  });

  it.each(['x10.0.0.1', '10.0.0.1x', '10.0.0.1/1234', '10.0.0.1/', '10.0.0.1/a'])(
    'refuses %j by name',
    (raw) => {
      expect(() => parseTrustProxy(raw)).toThrow(
        `TRUST_PROXY must be a hop count or comma-separated proxy addresses/CIDRs, got "${raw}"`,
      );
    },
  );

  it('refuses "true" with what to give instead', () => {
    expect(() => parseTrustProxy(' true ')).toThrow(
      'TRUST_PROXY=true would believe every X-Forwarded-For hop; give the number of proxies in front (e.g. 1) or their addresses',
    );
  });
});
