// Server settings from the environment (and the --serve-app flag). Every limit the API
// promises is defined here, with its documented default.
import { randomBytes } from 'node:crypto';

export interface RateLimit {
  /** Requests allowed per client within windowMs (token bucket, refilled continuously). */
  max: number;
  windowMs: number;
}

export interface ServerConfig {
  host: string;
  port: number;
  /** PostgreSQL connection string; when absent the embedded SQLite file is used. */
  databaseUrl?: string;
  sqliteFile: string;
  sqliteSynchronous: 'FULL' | 'NORMAL';
  /** Origins allowed to call the API from a browser; empty means no CORS headers at all. */
  corsOrigins: string[];
  /** Bearer token for GET /report. */
  reportToken: string;
  reportTokenGenerated: boolean;
  /** POST /log bodies above this many bytes get 413. */
  logBodyLimitBytes: number;
  /** Records per POST /log batch; more gets 400. */
  maxRecordsPerBatch: number;
  /** POST /predict bodies above this many bytes get 413. */
  predictBodyLimitBytes: number;
  logRateLimit: RateLimit;
  /** Also store every /predict input and answer as a log record, as the original service did. */
  logPredictions: boolean;
  predictRateLimit: RateLimit;
  /** Largest n accepted by GET /report. */
  maxReportRecords: number;
  /** Directory holding the model directories (public/models). */
  modelsDir: string;
  /** Model directory name under modelsDir; default: the first one with a product model. */
  modelName?: string;
  /** Drift reference JSON file, overriding the model's drift-reference.json. */
  driftReferenceFile?: string;
  /** Serve the built app (dist/) on the same origin. */
  serveApp: boolean;
  appDir: string;
  /**
   * Which X-Forwarded-For hops to believe: false (none), a hop count, or proxy addresses /
   * CIDRs. Never "all": a client could then pick its own address and dodge the rate limits.
   */
  trustProxy: false | number | string[];
  logLevel: string;
  timeouts: ServerTimeouts;
  /** GET /report reads at most this many bytes of stored graphs (JSON text), newest first. */
  maxReportBytes: number;
  /** Reports computed at once; further requests wait in a queue of reportQueue, then get 503. */
  reportConcurrency: number;
  reportQueue: number;
  /** Heap limit of one report worker; a report that needs more answers 503. */
  reportWorkerMemoryMb: number;
  /** Bytes of records one client may store per rolling day (0: no quota). */
  clientQuotaBytesPerDay: number;
  /** Bytes the store may grow to; POST /log answers 507 beyond (0: no limit). */
  storageMaxBytes: number;
  /** Seconds between the background drift job's runs (0: no drift job), and its sample size. */
  driftJobIntervalS: number;
  driftJobRecords: number;
  /** Bearer token for GET /metrics; unset: /metrics is open (scrape it from a private network). */
  metricsToken?: string;
}

/** Every timeout that bounds how long a client or the database can hold the server. */
export interface ServerTimeouts {
  /** Whole request, headers and body, from the first byte. */
  requestMs: number;
  /** Request headers complete. */
  headersMs: number;
  /** A socket with no bytes moving either way. */
  idleSocketMs: number;
  /** Idle keep-alive connection between requests. */
  keepAliveMs: number;
  /** SIGTERM: in-flight requests get this long to finish before connections are cut. */
  shutdownMs: number;
  /** PostgreSQL: opening a connection, and one statement. */
  dbConnectMs: number;
  dbStatementMs: number;
}

/** An integer setting: unset or empty is the default; anything else must be an integer >= min. */
export function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`${name} must be an integer >= ${min}, got "${raw}"`);
  }
  return value;
}

/** TRUST_PROXY: a hop count ("1": one reverse proxy in front) or comma-separated addresses. */
export function parseTrustProxy(raw: string | undefined): false | number | string[] {
  const value = raw?.trim() ?? '';
  if (value === '' || value === '0' || value === 'false') return false;
  if (/^\d+$/.test(value)) return Number(value);
  if (value === 'true') {
    throw new Error(
      'TRUST_PROXY=true would believe every X-Forwarded-For hop; give the number of proxies in front (e.g. 1) or their addresses',
    );
  }
  const list = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = list.find((a) => !/^[0-9a-fA-F.:]+(\/\d{1,3})?$/.test(a));
  if (bad !== undefined) {
    throw new Error(
      `TRUST_PROXY must be a hop count or comma-separated proxy addresses/CIDRs, got "${bad}"`,
    );
  }
  return list;
}

export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  argv: string[] = [],
): ServerConfig {
  const token = env.REPORT_TOKEN?.trim();
  if (env.DATABASE_URL && !token) {
    // Behind a load balancer every instance must accept the same token; a random one per
    // process would make /report answer 401 on every other request.
    throw new Error(
      'REPORT_TOKEN must be set when DATABASE_URL is (several instances share one database)',
    );
  }
  const sync = (env.SQLITE_SYNCHRONOUS ?? 'FULL').toUpperCase();
  if (sync !== 'FULL' && sync !== 'NORMAL')
    throw new Error(`SQLITE_SYNCHRONOUS must be FULL or NORMAL, got "${sync}"`);
  return {
    host: env.HOST ?? '127.0.0.1',
    port: integer(env, 'PORT', 8787),
    databaseUrl: env.DATABASE_URL || undefined,
    sqliteFile: env.SQLITE_FILE ?? 'data/logs.sqlite',
    sqliteSynchronous: sync,
    corsOrigins: (env.CORS_ORIGINS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    reportToken: token || randomBytes(18).toString('base64url'),
    reportTokenGenerated: !token,
    logBodyLimitBytes: integer(env, 'LOG_BODY_LIMIT_BYTES', 1024 * 1024, 1),
    maxRecordsPerBatch: integer(env, 'LOG_MAX_RECORDS', 500, 1),
    predictBodyLimitBytes: integer(env, 'PREDICT_BODY_LIMIT_BYTES', 256 * 1024, 1),
    logRateLimit: { max: integer(env, 'LOG_RATE_LIMIT', 120, 1), windowMs: 60_000 },
    logPredictions: env.LOG_PREDICTIONS === '1' || env.LOG_PREDICTIONS === 'true',
    predictRateLimit: { max: integer(env, 'PREDICT_RATE_LIMIT', 600, 1), windowMs: 60_000 },
    maxReportRecords: integer(env, 'REPORT_MAX_RECORDS', 10_000, 1),
    modelsDir: env.MODELS_DIR ?? 'public/models',
    modelName: env.MODEL_NAME || undefined,
    driftReferenceFile: env.DRIFT_REFERENCE_FILE || undefined,
    serveApp: argv.includes('--serve-app'),
    appDir: env.APP_DIR ?? 'dist',
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    logLevel: env.LOG_LEVEL ?? 'info',
    timeouts: {
      requestMs: integer(env, 'REQUEST_TIMEOUT_MS', 30_000, 1),
      headersMs: integer(env, 'HEADERS_TIMEOUT_MS', 10_000, 1),
      idleSocketMs: integer(env, 'IDLE_SOCKET_TIMEOUT_MS', 15_000, 1),
      keepAliveMs: integer(env, 'KEEP_ALIVE_TIMEOUT_MS', 5_000, 1),
      shutdownMs: integer(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, 1),
      dbConnectMs: integer(env, 'DB_CONNECT_TIMEOUT_MS', 5_000, 1),
      dbStatementMs: integer(env, 'DB_STATEMENT_TIMEOUT_MS', 15_000, 1),
    },
    // 16 MiB holds 10,000 QM9-sized records (about 0.7 KB each) but only ~400 of the largest.
    maxReportBytes: integer(env, 'REPORT_MAX_BYTES', 16 * 1024 * 1024, 1),
    reportConcurrency: integer(env, 'REPORT_CONCURRENCY', 1, 1),
    reportQueue: integer(env, 'REPORT_QUEUE', 4, 0),
    reportWorkerMemoryMb: integer(env, 'REPORT_WORKER_MEMORY_MB', 1024, 64),
    clientQuotaBytesPerDay: integer(env, 'CLIENT_QUOTA_BYTES_PER_DAY', 256 * 1024 * 1024),
    storageMaxBytes: integer(env, 'STORAGE_MAX_BYTES', 0),
    driftJobIntervalS: integer(env, 'DRIFT_JOB_INTERVAL_S', 300),
    driftJobRecords: integer(env, 'DRIFT_JOB_RECORDS', 1000, 1),
    metricsToken: env.METRICS_TOKEN?.trim() || undefined,
  };
}
