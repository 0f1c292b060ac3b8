// PostgreSQL store, used when DATABASE_URL is set. A batch is one INSERT statement, so it
// is atomic, and it resolves only after the commit (synchronous_commit on by default).
import pg from 'pg';
import { MIGRATIONS, MIGRATIONS_TABLE_SQL } from './migrations';
import {
  RECORD_COLUMNS,
  recordValues,
  type LogRecord,
  type LogStore,
  type StoredRecord,
} from './types';

// Serializes concurrent migrations from several server processes.
const MIGRATION_LOCK_ID = 720_951_001;

interface Row {
  id: string;
  idempotency_key: string;
  received_at: Date;
  client_timestamp: string;
  model_version: string;
  node_features: number[][];
  edge_index: LogRecord['edge_index'];
  prediction: number[];
  smiles: string | null;
}

function rowToRecord(row: Row): StoredRecord {
  const record: StoredRecord = {
    id: Number(row.id),
    idempotency_key: row.idempotency_key,
    received_at: row.received_at.toISOString(),
    timestamp: row.client_timestamp,
    model_version: row.model_version,
    node_features: row.node_features,
    edge_index: row.edge_index,
    prediction: row.prediction,
  };
  if (row.smiles !== null) record.smiles = row.smiles;
  return record;
}

export interface PostgresOptions {
  poolSize?: number;
  /** Opening a connection; a database that does not answer must not hang requests. */
  connectTimeoutMs?: number;
  /** One statement, enforced by the server (statement_timeout) and by the client. */
  statementTimeoutMs?: number;
}

export async function openPostgresStore(
  connectionString: string,
  options: PostgresOptions = {},
): Promise<LogStore> {
  const statementTimeoutMs = options.statementTimeoutMs ?? 15_000;
  const pool = new pg.Pool({
    connectionString,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
    statement_timeout: statementTimeoutMs,
    // The client-side limit also covers a network that stops answering mid-statement.
    query_timeout: statementTimeoutMs + 1_000,
    idle_in_transaction_session_timeout: statementTimeoutMs,
  });
  // An idle client losing its connection (database restart) must not crash the process.
  pool.on('error', () => undefined);
  try {
    await migrate(pool);
  } catch (error) {
    await pool.end();
    throw error;
  }
  return {
    kind: 'postgres',
    async insert(records) {
      if (records.length === 0) return { inserted: 0, duplicates: 0 };
      const params: unknown[] = [];
      const tuples = records.map((r) => {
        const base = params.length;
        params.push(...recordValues(r));
        return `(${RECORD_COLUMNS.map((_, i) => `$${base + i + 1}`).join(', ')})`;
      });
      const result = await pool.query(
        `INSERT INTO log_records (${RECORD_COLUMNS.join(', ')}) VALUES ${tuples.join(', ')}
         ON CONFLICT (idempotency_key) DO NOTHING`,
        params,
      );
      const inserted = result.rowCount ?? 0;
      return { inserted, duplicates: records.length - inserted };
    },
    async latest(n) {
      const result = await pool.query<Row>('SELECT * FROM log_records ORDER BY id DESC LIMIT $1', [
        n,
      ]);
      return result.rows.map(rowToRecord);
    },
    async count() {
      const result = await pool.query<{ n: string }>('SELECT count(*) AS n FROM log_records');
      return Number(result.rows[0].n);
    },
    async existingKeys(keys) {
      const result = await pool.query<{ idempotency_key: string }>(
        'SELECT idempotency_key FROM log_records WHERE idempotency_key = ANY($1::text[])',
        [keys],
      );
      return new Set(result.rows.map((r) => r.idempotency_key));
    },
    async ping() {
      await pool.query('SELECT 1');
    },
    async sizeBytes() {
      const result = await pool.query<{ n: string }>(
        'SELECT pg_database_size(current_database()) AS n',
      );
      return Number(result.rows[0].n);
    },
    async schemaVersions() {
      const result = await pool.query<{ version: number }>(
        'SELECT version FROM schema_migrations ORDER BY version',
      );
      return result.rows.map((r) => r.version);
    },
    async close() {
      await pool.end();
    },
  };
}

async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    await client.query(MIGRATIONS_TABLE_SQL);
    const { rows } = await client.query<{ version: number }>(
      'SELECT version FROM schema_migrations',
    );
    const applied = new Set(rows.map((r) => r.version));
    for (const m of MIGRATIONS) {
      if (applied.has(m.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(m.postgres);
        await client.query(
          'INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)',
          [m.version, m.name, new Date().toISOString()],
        );
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${m.version} (${m.name}) failed: ${(error as Error).message}`);
      }
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]).catch(() => undefined);
    client.release();
  }
}
