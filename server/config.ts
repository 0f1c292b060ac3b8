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
  /** Drift reference JSON file, overriding the model card's driftReference. */
  driftReferenceFile?: string;
  /** Serve the built app (dist/) on the same origin. */
  serveApp: boolean;
  appDir: string;
  /** Honour X-Forwarded-For when behind a reverse proxy (per-client rate limits). */
  trustProxy: boolean;
  logLevel: string;
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`${name} must be an integer >= ${min}, got "${raw}"`);
  }
  return value;
}

export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  argv: string[] = [],
): ServerConfig {
  const token = env.REPORT_TOKEN?.trim();
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
    trustProxy: env.TRUST_PROXY === '1' || env.TRUST_PROXY === 'true',
    logLevel: env.LOG_LEVEL ?? 'info',
  };
}
