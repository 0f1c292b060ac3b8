// PostgreSQL store, used when DATABASE_URL is set. A batch is one INSERT statement, so it
// is atomic, and it resolves only after the commit (synchronous_commit on by default).
import pg from 'pg';
import { MIGRATIONS, MIGRATIONS_TABLE_SQL } from './migrations';
import { RECORD_COLUMNS, recordValues, type LogStore, type StoredRecord } from './types';

// Serializes concurrent migrations from several server processes.
const MIGRATION_LOCK_ID = 720_951_001;

interface Row {
  id: string;
  idempotency_key: string;
  received_at: Date;
  client_timestamp: string;
  model_version: string;
  node_features: number[][];
  edge_index: number[][];
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

export async function openPostgresStore(
  connectionString: string,
  poolSize = 10,
): Promise<LogStore> {
  const pool = new pg.Pool({ connectionString, max: poolSize });
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
