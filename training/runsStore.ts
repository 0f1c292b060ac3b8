// The runs store: every train, evaluate, export and sweep trial leaves a run here (config, git
// commit, data checksum, machine, per-epoch metrics, wall time, test metrics, output directory).
// Embedded SQLite in training/runs/ (git-ignored), set up the way the server's log store is
// (WAL, busy timeout, numbered migrations), so several processes of a sweep can share it.
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import { dirname } from 'node:path';
import { DEFAULT_RUNS_DB } from '../cli/defaults';
import type { TargetMetrics } from '../src/model';

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

const MIGRATIONS = [
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
    wall_seconds REAL,
    test_metrics TEXT,
    output_dir TEXT,
    sweep_id TEXT,
    note TEXT
  )`,
  `CREATE TABLE run_epochs (
    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    epoch INTEGER NOT NULL,
    train_loss REAL NOT NULL,
    val_score REAL NOT NULL,
    val_mae TEXT NOT NULL,
    seconds REAL NOT NULL,
    PRIMARY KEY (run_id, epoch)
  )`,
  `CREATE INDEX runs_started ON runs(started_at)`,
];

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

const json = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T));

export class RunsStore {
  readonly db: Database.Database;

  constructor(readonly file: string = DEFAULT_RUNS_DB) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 10000');
    this.db.pragma('foreign_keys = ON');
    this.migrate();
  }

  private migrate(): void {
    this.db.exec('CREATE TABLE IF NOT EXISTS runs_schema (version INTEGER PRIMARY KEY)');
    const done =
      (
        this.db.prepare('SELECT MAX(version) AS v FROM runs_schema').get() as {
          v: number | null;
        }
      ).v ?? 0;
    this.db
      .transaction(() => {
        MIGRATIONS.slice(done).forEach((sql, i) => {
          this.db.exec(sql);
          this.db.prepare('INSERT INTO runs_schema (version) VALUES (?)').run(done + i + 1);
        });
      })
      .immediate();
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
  }): string {
    const id = run.id ?? newRunId();
    this.db
      .prepare(
        `INSERT INTO runs (id, kind, name, status, started_at, config, git_commit, data_sha256, machine, output_dir, sweep_id, note)
         VALUES (?, ?, ?, 'running', ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
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
      );
    return id;
  }

  update(id: string, fields: { dataSha256?: string; config?: unknown; note?: string }): void {
    if (fields.dataSha256 !== undefined)
      this.db.prepare('UPDATE runs SET data_sha256 = ? WHERE id = ?').run(fields.dataSha256, id);
    if (fields.config !== undefined)
      this.db
        .prepare('UPDATE runs SET config = ? WHERE id = ?')
        .run(JSON.stringify(fields.config), id);
    if (fields.note !== undefined)
      this.db.prepare('UPDATE runs SET note = ? WHERE id = ?').run(fields.note, id);
  }

  epoch(id: string, e: EpochMetrics): void {
    this.db
      .prepare(
        `INSERT OR REPLACE INTO run_epochs (run_id, epoch, train_loss, val_score, val_mae, seconds)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(id, e.epoch, e.trainLoss, e.valScore, JSON.stringify(e.valMae), e.seconds);
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
  ): void {
    this.db
      .prepare(
        `UPDATE runs SET status = ?, finished_at = ?, wall_seconds = ?, test_metrics = COALESCE(?, test_metrics),
         output_dir = COALESCE(?, output_dir), note = COALESCE(?, note) WHERE id = ?`,
      )
      .run(
        result.status,
        result.finishedAt ?? new Date().toISOString(),
        result.wallSeconds,
        result.test ? JSON.stringify(result.test) : null,
        result.outputDir ?? null,
        result.note ?? null,
        id,
      );
  }

  private toRecord(row: RunRow): RunRecord {
    const epochs = (
      this.db.prepare('SELECT * FROM run_epochs WHERE run_id = ? ORDER BY epoch').all(row.id) as {
        epoch: number;
        train_loss: number;
        val_score: number;
        val_mae: string;
        seconds: number;
      }[]
    ).map((e) => ({
      epoch: e.epoch,
      trainLoss: e.train_loss,
      valScore: e.val_score,
      valMae: JSON.parse(e.val_mae) as Record<string, number>,
      seconds: e.seconds,
    }));
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
      epochs,
    };
  }

  get(id: string): RunRecord | null {
    const row = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined;
    return row ? this.toRecord(row) : null;
  }

  /** A run by its full id or a unique prefix of it; errors say what matched. */
  find(idOrPrefix: string): RunRecord {
    const rows = this.db
      .prepare("SELECT * FROM runs WHERE id = ? OR id LIKE ? ESCAPE '\\' ORDER BY id")
      .all(idOrPrefix, `${idOrPrefix.replace(/[\\%_]/g, '\\$&')}%`) as RunRow[];
    const exact = rows.find((r) => r.id === idOrPrefix);
    if (exact) return this.toRecord(exact);
    if (rows.length === 1) return this.toRecord(rows[0]);
    if (rows.length === 0)
      throw new Error(`no run "${idOrPrefix}" in ${this.file} (npm run runs -- list)`);
    throw new Error(
      `"${idOrPrefix}" matches ${rows.length} runs: ${rows.map((r) => r.id).join(', ')}`,
    );
  }

  list(filter: { sweepId?: string } = {}): RunRecord[] {
    const rows = (
      filter.sweepId
        ? this.db
            .prepare('SELECT * FROM runs WHERE sweep_id = ? ORDER BY started_at')
            .all(filter.sweepId)
        : this.db.prepare('SELECT * FROM runs ORDER BY started_at').all()
    ) as RunRow[];
    return rows.map((r) => this.toRecord(r));
  }

  close(): void {
    this.db.close();
  }
}
