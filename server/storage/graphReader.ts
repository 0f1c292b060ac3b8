// Read-only access to the stored graphs for the drift report, newest first, one row at a time.
// It runs inside the report worker with its own connection, so a large report neither blocks
// the server's event loop nor holds every row in memory at once.
import Database from 'better-sqlite3';
import pg from 'pg';

/** The columns the drift report reads, as the JSON text they are stored as. */
export interface RawGraphRow {
  node_features: string;
  edge_index: string;
  prediction: string;
}

export interface GraphReader {
  /** At most n rows, newest first; the caller stops iterating when it has read enough bytes. */
  newest(n: number): AsyncIterable<RawGraphRow>;
  close(): Promise<void>;
}

export interface StorageLocation {
  databaseUrl?: string;
  sqliteFile: string;
  /** PostgreSQL statement and connect timeouts. */
  statementTimeoutMs: number;
  connectTimeoutMs: number;
}

export async function openGraphReader(location: StorageLocation): Promise<GraphReader> {
  if (location.databaseUrl) return openPostgresGraphReader(location);
  if (location.sqliteFile === ':memory:') {
    throw new Error(
      'the drift report needs a SQLite file or PostgreSQL, not an in-memory database',
    );
  }
  return openSqliteGraphReader(location.sqliteFile);
}

function openSqliteGraphReader(file: string): GraphReader {
  // WAL lets this reader see every committed batch while the server keeps writing.
  const db = new Database(file, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  const newest = db.prepare(
    'SELECT node_features, edge_index, prediction FROM log_records ORDER BY id DESC LIMIT ?',
  );
  return {
    async *newest(n) {
      for (const row of newest.iterate(n)) yield row as RawGraphRow;
    },
    async close() {
      db.close();
    },
  };
}

/** Rows per round trip: big enough to amortize latency, small enough to bound memory. */
const PAGE_ROWS = 100;

async function openPostgresGraphReader(location: StorageLocation): Promise<GraphReader> {
  const client = new pg.Client({
    connectionString: location.databaseUrl,
    connectionTimeoutMillis: location.connectTimeoutMs,
    statement_timeout: location.statementTimeoutMs,
  });
  await client.connect();
  return {
    async *newest(n) {
      // Keyset pages: each page is one short statement, never one cursor held for minutes.
      let before: string | null = null;
      let left = n;
      while (left > 0) {
        const limit = Math.min(PAGE_ROWS, left);
        const { rows }: { rows: (RawGraphRow & { id: string })[] } = await client.query<
          RawGraphRow & { id: string }
        >(
          `SELECT id, node_features::text AS node_features, edge_index::text AS edge_index,
                  prediction::text AS prediction
             FROM log_records WHERE ($1::bigint IS NULL OR id < $1::bigint)
            ORDER BY id DESC LIMIT $2`,
          [before, limit],
        );
        for (const row of rows) yield row;
        if (rows.length < limit) return;
        left -= rows.length;
        before = rows[rows.length - 1].id;
      }
    },
    async close() {
      await client.end();
    },
  };
}
