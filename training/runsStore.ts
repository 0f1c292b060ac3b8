// The runs store: every train, evaluate, export and sweep trial leaves a run here (config, git
// commit, data checksum, machine, per-epoch metrics, wall time, test metrics, output directory).
// Embedded SQLite in training/runs/ (git-ignored), set up the way the server's log store is
// (WAL, busy timeout, numbered migrations), so several processes of a sweep can share it; or
// PostgreSQL (DATABASE_URL), so workers on several machines can.
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { DEFAULT_RUNS_DB } from '../cli/defaults';
import type { TargetMetrics } from '../src/model';
import { openSqlDb, type Dialect, type SqlDb } from './sqlDb';

export type RunKind = 'train' | 'evaluate' | 'export' | 'trial' | 'card';
export type RunStatus = 'running' | 'finished' | 'failed' | 'stopped';

export interface Machine {
  host: string;
  cpus: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
}

export interface EpochMetrics {
  epoch: number;
  trainLoss: number;
  valScore: number;
  /** Validation MAE per target. */
  valMae: Record<string, number>;
  seconds: number;
}

export interface RunRecord {
  id: string;
  kind: RunKind;
  name: string;
  status: RunStatus;
  startedAt: string;
  finishedAt: string | null;
  config: Record<string, unknown> | null;
  gitCommit: string | null;
  dataSha256: string | null;
  machine: Machine | null;
  wallSeconds: number | null;
  test: TargetMetrics[] | null;
  outputDir: string | null;
  sweepId: string | null;
  note: string | null;
  epochs: EpochMetrics[];
}

/** The schema, in SQL both engines take; REAL is single precision in PostgreSQL. */
const migrations = (dialect: Dialect): string[] => {
  const real = dialect === 'postgres' ? 'DOUBLE PRECISION' : 'REAL';
  return [
    `CREATE TABLE runs (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    config TEXT,
    git_commit TEXT,
    data_sha256 TEXT,
    machine TEXT,
    wall_seconds ${real},
    test_metrics TEXT,
    output_dir TEXT,
    sweep_id TEXT,
    note TEXT
  )`,
    `CREATE TABLE run_epochs (
    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    epoch INTEGER NOT NULL,
    train_loss ${real} NOT NULL,
    val_score ${real} NOT NULL,
    val_mae TEXT NOT NULL,
    seconds ${real} NOT NULL,
    PRIMARY KEY (run_id, epoch)
  )`,
    `CREATE INDEX runs_started ON runs(started_at)`,
  ];
};

export function currentMachine(): Machine {
  const cpus = os.cpus();
  return {
    host: os.hostname(),
    cpus: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}

export function newRunId(): string {
  return randomBytes(4).toString('hex');
}

interface RunRow {
  id: string;
  kind: RunKind;
  name: string;
  status: RunStatus;
  started_at: string;
  finished_at: string | null;
  config: string | null;
  git_commit: string | null;
  data_sha256: string | null;
  machine: string | null;
  wall_seconds: number | null;
  test_metrics: string | null;
  output_dir: string | null;
  sweep_id: string | null;
  note: string | null;
}

interface EpochRow {
  run_id: string;
  epoch: number;
  train_loss: number;
  val_score: number;
  val_mae: string;
  seconds: number;
}

const json = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T));

function toRecord(row: RunRow, epochs: EpochRow[]): RunRecord {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    status: row.status,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    config: json(row.config),
    gitCommit: row.git_commit,
    dataSha256: row.data_sha256,
    machine: json(row.machine),
    wallSeconds: row.wall_seconds,
    test: json(row.test_metrics),
    outputDir: row.output_dir,
    sweepId: row.sweep_id,
    note: row.note,
    epochs: epochs.map((e) => ({
      epoch: e.epoch,
      trainLoss: e.train_loss,
      valScore: e.val_score,
      valMae: JSON.parse(e.val_mae) as Record<string, number>,
      seconds: e.seconds,
    })),
  };
}

/**
 * The runs store. Embedded SQLite in training/runs/ (git-ignored) by default; PostgreSQL when
 * DATABASE_URL is set, the database the sweep queue then uses too, so the coordinator's
 * leaderboard and `npm run runs` see the trials of workers on every machine.
 *
 * Calls run one after another in the order made, so a caller may fire epoch() without awaiting
 * it (a training loop's hook) and the finish() it awaits later still lands after every epoch.
 */
export class RunsStore {
  /** The SQLite file, or the PostgreSQL URL without its password. */
  readonly location: string;
  private readonly db: SqlDb;
  private tail: Promise<unknown>;

  /** databaseUrl: PostgreSQL when non-empty; left out, DATABASE_URL decides. */
  constructor(
    file: string = DEFAULT_RUNS_DB,
    databaseUrl: string | null = process.env.DATABASE_URL ?? null,
  ) {
    this.db = openSqlDb({ databaseUrl, sqliteFile: file });
    this.location = this.db.location;
    this.tail = this.db.migrate('runs_schema', migrations(this.db.dialect));
  }

  get kind(): Dialect {
    return this.db.dialect;
  }

  /** Runs op after every call made before it; errors name the store. */
  private inTurn<T>(op: () => Promise<T>): Promise<T> {
    const result = this.tail.then(op).catch((error: Error) => {
      throw new Error(`runs store ${this.location}: ${error.message}`, { cause: error });
    });
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Starts a run; returns its id. */
  start(run: {
    id?: string;
    kind: RunKind;
    name: string;
    config?: unknown;
    gitCommit?: string | null;
    dataSha256?: string | null;
    outputDir?: string | null;
    sweepId?: string | null;
    startedAt?: string;
    note?: string | null;
  }): Promise<string> {
    const id = run.id ?? newRunId();
    return this.inTurn(async () => {
      await this.db.run(
        `INSERT INTO runs (id, kind, name, status, started_at, config, git_commit, data_sha256, machine, output_dir, sweep_id, note)
         VALUES ($1, $2, $3, 'running', $4, $5, $6, $7, $8, $9, $10, $11)`,
        [
          id,
          run.kind,
          run.name,
          run.startedAt ?? new Date().toISOString(),
          run.config === undefined ? null : JSON.stringify(run.config),
          run.gitCommit ?? null,
          run.dataSha256 ?? null,
          JSON.stringify(currentMachine()),
          run.outputDir ?? null,
          run.sweepId ?? null,
          run.note ?? null,
        ],
      );
      return id;
    });
  }

  update(id: string, fields: { dataSha256?: string; config?: unknown; note?: string }) {
    return this.inTurn(async () => {
      if (fields.dataSha256 !== undefined)
        await this.db.run('UPDATE runs SET data_sha256 = $1 WHERE id = $2', [
          fields.dataSha256,
          id,
        ]);
      if (fields.config !== undefined)
        await this.db.run('UPDATE runs SET config = $1 WHERE id = $2', [
          JSON.stringify(fields.config),
          id,
        ]);
      if (fields.note !== undefined)
        await this.db.run('UPDATE runs SET note = $1 WHERE id = $2', [fields.note, id]);
    });
  }

  /**
   * Records one epoch. Never rejects: a training loop fires it without awaiting, and an epoch
   * left out of the record must not end hours of training; the failure is reported on stderr.
   */
  epoch(id: string, e: EpochMetrics): Promise<void> {
    return this.inTurn(async () => {
      await this.db.run(
        `INSERT INTO run_epochs (run_id, epoch, train_loss, val_score, val_mae, seconds)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (run_id, epoch) DO UPDATE SET train_loss = excluded.train_loss,
           val_score = excluded.val_score, val_mae = excluded.val_mae, seconds = excluded.seconds`,
        [id, e.epoch, e.trainLoss, e.valScore, JSON.stringify(e.valMae), e.seconds],
      );
    }).catch((error: Error) => {
      process.stderr.write(`run ${id}: epoch ${e.epoch} not recorded: ${error.message}\n`);
    });
  }

  finish(
    id: string,
    result: {
      status: Exclude<RunStatus, 'running'>;
      test?: TargetMetrics[] | null;
      wallSeconds: number;
      outputDir?: string | null;
      note?: string | null;
      finishedAt?: string;
    },
  ): Promise<void> {
    return this.inTurn(async () => {
      await this.db.run(
        `UPDATE runs SET status = $1, finished_at = $2, wall_seconds = $3, test_metrics = COALESCE($4, test_metrics),
         output_dir = COALESCE($5, output_dir), note = COALESCE($6, note) WHERE id = $7`,
        [
          result.status,
          result.finishedAt ?? new Date().toISOString(),
          result.wallSeconds,
          result.test ? JSON.stringify(result.test) : null,
          result.outputDir ?? null,
          result.note ?? null,
          id,
        ],
      );
    });
  }

  /** Rows with their epochs, in one query for the epochs however many runs. */
  private async records(where: string, params: unknown[]): Promise<RunRecord[]> {
    const rows = await this.db.all<RunRow>(
      `SELECT * FROM runs WHERE ${where} ORDER BY started_at, id`,
      params,
    );
    if (!rows.length) return [];
    const epochs = await this.db.all<EpochRow>(
      `SELECT e.* FROM run_epochs e JOIN runs ON runs.id = e.run_id WHERE ${where} ORDER BY e.epoch`,
      params,
    );
    const byRun = new Map<string, EpochRow[]>();
    for (const e of epochs) byRun.set(e.run_id, [...(byRun.get(e.run_id) ?? []), e]);
    return rows.map((r) => toRecord(r, byRun.get(r.id) ?? []));
  }

  get(id: string): Promise<RunRecord | null> {
    return this.inTurn(async () => (await this.records('runs.id = $1', [id]))[0] ?? null);
  }

  /** A run by its full id or a unique prefix of it; errors say what matched. */
  async find(idOrPrefix: string): Promise<RunRecord> {
    const rows = await this.inTurn(() =>
      this.db.all<{ id: string }>(
        "SELECT id FROM runs WHERE id = $1 OR id LIKE $2 ESCAPE '\\' ORDER BY id",
        [idOrPrefix, `${idOrPrefix.replace(/[\\%_]/g, '\\$&')}%`],
      ),
    );
    const id = rows.find((r) => r.id === idOrPrefix)?.id ?? (rows.length === 1 && rows[0].id);
    if (id) return (await this.get(id))!;
    if (rows.length === 0)
      throw new Error(`no run "${idOrPrefix}" in ${this.location} (npm run runs -- list)`);
    throw new Error(
      `"${idOrPrefix}" matches ${rows.length} runs: ${rows.map((r) => r.id).join(', ')}`,
    );
  }

  list(filter: { sweepId?: string } = {}): Promise<RunRecord[]> {
    return this.inTurn(() =>
      filter.sweepId
        ? this.records('runs.sweep_id = $1', [filter.sweepId])
        : this.records('1 = 1', []),
    );
  }

  /** Closes after every call made before it. Never rejects (callers need not await it). */
  close(): Promise<void> {
    const closed = this.tail.then(() => this.db.close());
    this.tail = closed;
    return closed.catch((error: Error) => {
      process.stderr.write(`runs store ${this.location}: closing: ${error.message}\n`);
    });
  }
}
