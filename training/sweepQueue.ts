// The sweep's trial queue and per-epoch scores. Embedded SQLite (the runs store's file) by
// default; with DATABASE_URL, PostgreSQL, where workers on other machines claim trials with
// SELECT ... FOR UPDATE SKIP LOCKED, so no trial runs twice and no worker waits on another.
// A claimed trial is leased: its worker renews the lease (heartbeat) while it trains, and a trial
// whose lease ran out (its worker killed, its machine gone) is claimable again by any worker,
// whatever host it ran on. Lease times are the database's clock, so hosts' clocks may differ.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type pg from 'pg';
import { postgresPool } from './sqlDb';

export type TrialStatus = 'queued' | 'running' | 'finished' | 'stopped' | 'failed';

export interface Trial {
  id: number;
  sweepId: string;
  trialNo: number;
  params: Record<string, unknown>;
  status: TrialStatus;
  /** host:pid of the worker that claimed it. */
  worker: string | null;
  /** The worker that held it before this claim, when the claim took over an expired lease. */
  previousWorker?: string | null;
  runId: string | null;
  /** Best validation value of the sweep's metric (lower is better). */
  metric: number | null;
  epochs: number;
  note: string | null;
}

export interface SweepRow {
  id: string;
  config: Record<string, unknown>;
  createdAt: string;
}

export interface SweepQueue {
  readonly kind: 'sqlite' | 'postgres';
  /** Creates the sweep with its trials, or returns the existing one (resume). */
  ensureSweep(id: string, config: unknown, trials: Record<string, unknown>[]): Promise<SweepRow>;
  getSweep(id: string): Promise<SweepRow | null>;
  /**
   * Atomically hands worker one queued trial, or one whose lease is older than leaseSeconds;
   * null when none is left.
   */
  claim(sweepId: string, worker: string, leaseSeconds?: number): Promise<Trial | null>;
  /** Renews worker's lease on the trial; false when the trial is no longer its own. */
  heartbeat(trialId: number, worker: string): Promise<boolean>;
  attachRun(trialId: number, runId: string): Promise<void>;
  reportEpoch(trialId: number, epoch: number, metric: number): Promise<void>;
  /** For each other trial with at least `epoch` epochs: its best metric up to that epoch. */
  othersBestAt(sweepId: string, trialId: number, epoch: number): Promise<number[]>;
  /** Records the outcome if worker still holds the trial; false (nothing written) if not. */
  finish(
    trialId: number,
    worker: string,
    status: TrialStatus,
    metric: number | null,
    note?: string,
  ): Promise<boolean>;
  /** Puts running trials whose worker is gone back in the queue; returns how many. */
  requeue(sweepId: string, isGone: (worker: string) => boolean): Promise<number>;
  trials(sweepId: string): Promise<Trial[]>;
  close(): Promise<void>;
}

const SCHEMA = (serial: string, json: string, now: string) => [
  `CREATE TABLE IF NOT EXISTS sweeps (
    id TEXT PRIMARY KEY,
    config ${json} NOT NULL,
    created_at TEXT NOT NULL DEFAULT (${now})
  )`,
  `CREATE TABLE IF NOT EXISTS sweep_trials (
    id ${serial} PRIMARY KEY,
    sweep_id TEXT NOT NULL REFERENCES sweeps(id),
    trial_no INTEGER NOT NULL,
    params ${json} NOT NULL,
    status TEXT NOT NULL DEFAULT 'queued',
    worker TEXT,
    run_id TEXT,
    metric DOUBLE PRECISION,
    note TEXT,
    claimed_at TEXT,
    UNIQUE (sweep_id, trial_no)
  )`,
  `CREATE TABLE IF NOT EXISTS sweep_epochs (
    trial_id INTEGER NOT NULL REFERENCES sweep_trials(id),
    epoch INTEGER NOT NULL,
    metric DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (trial_id, epoch)
  )`,
];

/** Long enough for a slow epoch between the heartbeats a blocked event loop may miss. */
export const DEFAULT_LEASE_SECONDS = 300;
/** How often a worker renews its lease while a trial trains (and after every epoch). */
export const HEARTBEAT_SECONDS = 20;

/** Seconds since 1970 by the database's clock. */
const NOW = {
  sqlite: "((julianday('now') - 2440587.5) * 86400.0)",
  postgres: 'extract(epoch from clock_timestamp())::double precision',
};
/** Sweeps made before leases existed lack the column; NULL there counts as expired. */
const HEARTBEAT_COLUMN = 'heartbeat_at DOUBLE PRECISION';
const CLAIMABLE = (now: string) => `sweep_id = $1 AND (status = 'queued'
  OR (status = 'running' AND COALESCE(heartbeat_at, 0) < ${now} - $3))`;

interface TrialRow {
  id: number | string;
  sweep_id: string;
  trial_no: number;
  params: string | Record<string, unknown>;
  status: TrialStatus;
  worker: string | null;
  run_id: string | null;
  metric: number | null;
  note: string | null;
  epochs: number | string;
  previous_worker?: string | null;
}

const parse = <T>(v: string | T): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);

function toTrial(r: TrialRow): Trial {
  return {
    id: Number(r.id),
    sweepId: r.sweep_id,
    trialNo: r.trial_no,
    params: parse(r.params),
    status: r.status,
    worker: r.worker,
    ...(r.previous_worker !== undefined && { previousWorker: r.previous_worker }),
    runId: r.run_id,
    metric: r.metric === null ? null : Number(r.metric),
    epochs: Number(r.epochs),
    note: r.note,
  };
}

const TRIALS_SQL = `SELECT t.*, (SELECT COUNT(*) FROM sweep_epochs e WHERE e.trial_id = t.id) AS epochs
  FROM sweep_trials t WHERE t.sweep_id = $1 ORDER BY t.trial_no`;
const OTHERS_SQL = `SELECT MIN(e.metric) AS best FROM sweep_epochs e JOIN sweep_trials t ON t.id = e.trial_id
  WHERE t.sweep_id = $1 AND e.trial_id <> $2 AND e.epoch <= $3
  GROUP BY e.trial_id HAVING MAX(e.epoch) >= $3`;

/**
 * The writes a worker may make only while it holds the trial (its lease, its outcome): one SQL
 * text for both stores, guarded by worker and status, so a worker whose trial was taken over
 * writes nothing and learns it from the false it gets back.
 */
abstract class HeldTrialWrites implements Pick<SweepQueue, 'heartbeat' | 'finish'> {
  /** The store's clock expression (NOW). */
  protected abstract readonly now: string;
  /** Runs an UPDATE; true when it changed a row. */
  protected abstract updateHeld(sql: string, params: unknown[]): Promise<boolean>;
  readonly heartbeat: SweepQueue['heartbeat'] = (trialId, worker) =>
    this.updateHeld(
      `UPDATE sweep_trials SET heartbeat_at = ${this.now} WHERE id = $1 AND worker = $2 AND status = 'running'`,
      [trialId, worker],
    );
  readonly finish: SweepQueue['finish'] = (trialId, worker, status, metric, note) =>
    this.updateHeld(
      `UPDATE sweep_trials SET status = $1, metric = $2, note = $3 WHERE id = $4 AND worker = $5 AND status = 'running'`,
      [status, metric, note ?? null, trialId, worker],
    );
}

class SqliteSweepQueue extends HeldTrialWrites implements SweepQueue {
  readonly kind = 'sqlite';
  protected readonly now = NOW.sqlite;
  private readonly db: Database.Database;
  constructor(file: string) {
    super();
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 10000');
    for (const sql of SCHEMA('INTEGER', 'TEXT', "strftime('%Y-%m-%dT%H:%M:%fZ','now')"))
      this.db.exec(sql);
    const columns = this.db.prepare('PRAGMA table_info(sweep_trials)').all() as { name: string }[];
    if (!columns.some((c) => c.name === 'heartbeat_at'))
      this.db.exec(`ALTER TABLE sweep_trials ADD COLUMN ${HEARTBEAT_COLUMN}`);
  }
  /** The PostgreSQL text ($1, $2 ...) as a SQLite statement bound by position. */
  private q(sql: string) {
    const stmt = this.db.prepare(sql.replace(/\$(\d+)/g, '$$p$1'));
    const named = (args: unknown[]) => Object.fromEntries(args.map((a, i) => [`p${i + 1}`, a]));
    return {
      get: (...args: unknown[]) => stmt.get(named(args)),
      all: (...args: unknown[]) => stmt.all(named(args)),
      run: (...args: unknown[]) => stmt.run(named(args)),
    };
  }
  async ensureSweep(id: string, config: unknown, trials: Record<string, unknown>[]) {
    this.db
      .transaction(() => {
        if (this.q('SELECT id FROM sweeps WHERE id = $1').get(id)) return;
        this.q('INSERT INTO sweeps (id, config) VALUES ($1, $2)').run(id, JSON.stringify(config));
        const add = this.q(
          'INSERT INTO sweep_trials (sweep_id, trial_no, params) VALUES ($1, $2, $3)',
        );
        trials.forEach((p, i) => add.run(id, i + 1, JSON.stringify(p)));
      })
      .immediate();
    return (await this.getSweep(id))!;
  }
  async getSweep(id: string) {
    const r = this.q('SELECT * FROM sweeps WHERE id = $1').get(id) as
      { id: string; config: string; created_at: string } | undefined;
    return r ? { id: r.id, config: JSON.parse(r.config), createdAt: r.created_at } : null;
  }
  async claim(
    sweepId: string,
    worker: string,
    leaseSeconds = DEFAULT_LEASE_SECONDS,
  ): Promise<Trial | null> {
    // BEGIN IMMEDIATE takes the write lock first: two processes cannot pick the same row.
    return this.db
      .transaction(() => {
        const row = this.q(
          `SELECT id, worker FROM sweep_trials WHERE ${CLAIMABLE(NOW.sqlite)} ORDER BY trial_no LIMIT 1`,
        ).get(sweepId, null, leaseSeconds) as { id: number; worker: string | null } | undefined;
        if (!row) return null;
        this.q(
          `UPDATE sweep_trials SET status = 'running', worker = $1, claimed_at = $2, heartbeat_at = ${NOW.sqlite} WHERE id = $3`,
        ).run(worker, new Date().toISOString(), row.id);
        return toTrial({
          ...(this.q(TRIALS_SQL.replace('t.sweep_id = $1', 't.id = $1')).get(row.id) as TrialRow),
          previous_worker: row.worker,
        });
      })
      .immediate();
  }
  protected async updateHeld(sql: string, params: unknown[]) {
    return this.q(sql).run(...params).changes > 0;
  }
  async attachRun(trialId: number, runId: string) {
    this.q('UPDATE sweep_trials SET run_id = $1 WHERE id = $2').run(runId, trialId);
  }
  async reportEpoch(trialId: number, epoch: number, metric: number) {
    this.q('INSERT OR REPLACE INTO sweep_epochs (trial_id, epoch, metric) VALUES ($1, $2, $3)').run(
      trialId,
      epoch,
      metric,
    );
  }
  async othersBestAt(sweepId: string, trialId: number, epoch: number) {
    return (this.q(OTHERS_SQL).all(sweepId, trialId, epoch) as { best: number }[]).map(
      (r) => r.best,
    );
  }
  async requeue(sweepId: string, isGone: (worker: string) => boolean) {
    const running = (await this.trials(sweepId)).filter((t) => t.status === 'running');
    let n = 0;
    for (const t of running.filter((t) => t.worker && isGone(t.worker))) {
      this.q(
        "UPDATE sweep_trials SET status = 'queued', worker = NULL WHERE id = $1 AND status = 'running'",
      ).run(t.id);
      n++;
    }
    return n;
  }
  async trials(sweepId: string) {
    return (this.q(TRIALS_SQL).all(sweepId) as TrialRow[]).map(toTrial);
  }
  async close() {
    this.db.close();
  }
}

class PostgresSweepQueue extends HeldTrialWrites implements SweepQueue {
  readonly kind = 'postgres';
  protected readonly now = NOW.postgres;
  private ready: Promise<void>;
  constructor(private readonly pool: pg.Pool) {
    super();
    this.ready = (async () => {
      const client = await pool.connect();
      try {
        // Two workers starting at once must not both create the tables.
        await client.query('SELECT pg_advisory_lock(727301)');
        for (const sql of SCHEMA(
          'SERIAL',
          'JSONB',
          'to_char(now() AT TIME ZONE \'utc\', \'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"\')',
        ))
          await client.query(sql);
        await client.query(`ALTER TABLE sweep_trials ADD COLUMN IF NOT EXISTS ${HEARTBEAT_COLUMN}`);
      } finally {
        await client.query('SELECT pg_advisory_unlock(727301)').catch(() => undefined);
        client.release();
      }
    })();
  }
  private async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    await this.ready;
    return (await this.pool.query(sql, params)).rows as T[];
  }
  async ensureSweep(id: string, config: unknown, trials: Record<string, unknown>[]) {
    await this.ready;
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const inserted = await client.query(
        'INSERT INTO sweeps (id, config) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING RETURNING id',
        [id, JSON.stringify(config)],
      );
      if (inserted.rowCount) {
        for (const [i, p] of trials.entries())
          await client.query(
            'INSERT INTO sweep_trials (sweep_id, trial_no, params) VALUES ($1, $2, $3)',
            [id, i + 1, JSON.stringify(p)],
          );
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
    return (await this.getSweep(id))!;
  }
  async getSweep(id: string) {
    const [r] = await this.query<{
      id: string;
      config: Record<string, unknown>;
      created_at: string;
    }>('SELECT * FROM sweeps WHERE id = $1', [id]);
    return r ? { id: r.id, config: r.config, createdAt: r.created_at } : null;
  }
  async claim(sweepId: string, worker: string, leaseSeconds = DEFAULT_LEASE_SECONDS) {
    const [row] = await this.query<TrialRow>(
      `WITH picked AS (
         SELECT id, worker AS previous_worker FROM sweep_trials WHERE ${CLAIMABLE(NOW.postgres)}
         ORDER BY trial_no FOR UPDATE SKIP LOCKED LIMIT 1)
       UPDATE sweep_trials t SET status = 'running', worker = $2, claimed_at = now()::text,
         heartbeat_at = ${NOW.postgres}
       FROM picked WHERE t.id = picked.id
       RETURNING t.*, picked.previous_worker,
         (SELECT COUNT(*) FROM sweep_epochs e WHERE e.trial_id = t.id) AS epochs`,
      [sweepId, worker, leaseSeconds],
    );
    return row ? toTrial(row) : null;
  }
  protected async updateHeld(sql: string, params: unknown[]) {
    await this.ready;
    return ((await this.pool.query(sql, params)).rowCount ?? 0) > 0;
  }
  async attachRun(trialId: number, runId: string) {
    await this.query('UPDATE sweep_trials SET run_id = $1 WHERE id = $2', [runId, trialId]);
  }
  async reportEpoch(trialId: number, epoch: number, metric: number) {
    await this.query(
      `INSERT INTO sweep_epochs (trial_id, epoch, metric) VALUES ($1, $2, $3)
       ON CONFLICT (trial_id, epoch) DO UPDATE SET metric = EXCLUDED.metric`,
      [trialId, epoch, metric],
    );
  }
  async othersBestAt(sweepId: string, trialId: number, epoch: number) {
    return (await this.query<{ best: number }>(OTHERS_SQL, [sweepId, trialId, epoch])).map((r) =>
      Number(r.best),
    );
  }
  async requeue(sweepId: string, isGone: (worker: string) => boolean) {
    let n = 0;
    for (const t of (await this.trials(sweepId)).filter((t) => t.status === 'running')) {
      if (!t.worker || !isGone(t.worker)) continue;
      await this.query(
        "UPDATE sweep_trials SET status = 'queued', worker = NULL WHERE id = $1 AND status = 'running'",
        [t.id],
      );
      n++;
    }
    return n;
  }
  async trials(sweepId: string) {
    return (await this.query<TrialRow>(TRIALS_SQL, [sweepId])).map(toTrial);
  }
  async close() {
    await this.ready.catch(() => undefined);
    await this.pool.end();
  }
}

/** PostgreSQL when databaseUrl is set, else the SQLite file. */
export function openSweepQueue(options: { databaseUrl?: string; sqliteFile: string }): SweepQueue {
  if (options.databaseUrl) return new PostgresSweepQueue(postgresPool(options.databaseUrl));
  return new SqliteSweepQueue(options.sqliteFile);
}
