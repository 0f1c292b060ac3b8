// The database under the runs store: an embedded SQLite file by default, or PostgreSQL when a
// DATABASE_URL is given, so workers of a sweep on other machines record their runs where the
// coordinator reads them. Statements are written once, in PostgreSQL's $1, $2 ... style, in SQL
// both engines accept (ON CONFLICT upserts, DOUBLE PRECISION, no engine-specific functions).
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import pg from 'pg';

export type Dialect = 'sqlite' | 'postgres';

export interface SqlDb {
  readonly dialect: Dialect;
  /** Where the rows live, for messages: the file, or the URL without its password. */
  readonly location: string;
  all<T>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs a statement; returns how many rows it changed. */
  run(sql: string, params?: unknown[]): Promise<number>;
  /**
   * Applies the numbered migrations not yet recorded in `table`, each with its record in one
   * transaction, one process at a time (several workers may start together).
   */
  migrate(table: string, migrations: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

/** A PostgreSQL pool for the training CLIs: few connections, and a lost idle one does not crash. */
export function postgresPool(connectionString: string): pg.Pool {
  const pool = new pg.Pool({ connectionString, max: 2, connectionTimeoutMillis: 10_000 });
  pool.on('error', () => undefined);
  return pool;
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    return u.toString();
  } catch {
    return 'PostgreSQL (DATABASE_URL)';
  }
}

/** A stable advisory-lock key per migrations table, so two stores never wait on each other. */
function lockKey(table: string): number {
  let h = 7_273_010;
  for (const c of table) h = (h * 31 + c.charCodeAt(0)) | 0;
  return h;
}

class SqliteDb implements SqlDb {
  readonly dialect = 'sqlite';
  private readonly db: Database.Database;
  constructor(readonly location: string) {
    if (location !== ':memory:') mkdirSync(dirname(location), { recursive: true });
    this.db = new Database(location);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 10000');
    this.db.pragma('foreign_keys = ON');
  }
  /** $1, $2 ... as SQLite's named parameters $p1, $p2 ... */
  private stmt(sql: string, params: unknown[]) {
    const named = Object.fromEntries(params.map((a, i) => [`p${i + 1}`, a]));
    return { stmt: this.db.prepare(sql.replace(/\$(\d+)/g, '$$p$1')), named };
  }
  async all<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const { stmt, named } = this.stmt(sql, params);
    return stmt.all(named) as T[];
  }
  async run(sql: string, params: unknown[] = []): Promise<number> {
    const { stmt, named } = this.stmt(sql, params);
    return stmt.run(named).changes;
  }
  async migrate(table: string, migrations: readonly string[]): Promise<void> {
    this.db.exec(`CREATE TABLE IF NOT EXISTS ${table} (version INTEGER PRIMARY KEY)`);
    // BEGIN IMMEDIATE: the second process reads the version only after the first has written.
    this.db
      .transaction(() => {
        const done =
          (this.db.prepare(`SELECT MAX(version) AS v FROM ${table}`).get() as { v: number | null })
            .v ?? 0;
        migrations.slice(done).forEach((sql, i) => {
          this.db.exec(sql);
          this.db.prepare(`INSERT INTO ${table} (version) VALUES (?)`).run(done + i + 1);
        });
      })
      .immediate();
  }
  async close(): Promise<void> {
    this.db.close();
  }
}

class PostgresDb implements SqlDb {
  readonly dialect = 'postgres';
  readonly location: string;
  private readonly pool: pg.Pool;
  constructor(url: string) {
    this.location = redactUrl(url);
    this.pool = postgresPool(url);
  }
  async all<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.pool.query(sql, params)).rows as T[];
  }
  async run(sql: string, params: unknown[] = []): Promise<number> {
    return (await this.pool.query(sql, params)).rowCount ?? 0;
  }
  async migrate(table: string, migrations: readonly string[]): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('SELECT pg_advisory_lock($1)', [lockKey(table)]);
      await client.query(`CREATE TABLE IF NOT EXISTS ${table} (version INTEGER PRIMARY KEY)`);
      const done =
        Number(
          (await client.query<{ v: number | null }>(`SELECT MAX(version) AS v FROM ${table}`))
            .rows[0].v,
        ) || 0;
      for (const [i, sql] of migrations.slice(done).entries()) {
        await client.query('BEGIN');
        try {
          await client.query(sql);
          await client.query(`INSERT INTO ${table} (version) VALUES ($1)`, [done + i + 1]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        }
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [lockKey(table)]).catch(() => undefined);
      client.release();
    }
  }
  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** PostgreSQL when databaseUrl is non-empty, else the SQLite file. */
export function openSqlDb(options: { databaseUrl?: string | null; sqliteFile: string }): SqlDb {
  return options.databaseUrl
    ? new PostgresDb(options.databaseUrl)
    : new SqliteDb(options.sqliteFile);
}
