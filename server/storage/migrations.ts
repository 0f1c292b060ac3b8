// Schema migrations, applied in order and recorded in schema_migrations. Each dialect
// gets its own SQL because column types differ; the logical schema is the same.
export interface Migration {
  version: number;
  name: string;
  sqlite: string;
  postgres: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'create log_records',
    sqlite: `CREATE TABLE log_records (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      idempotency_key TEXT NOT NULL UNIQUE,
      received_at TEXT NOT NULL,
      client_timestamp TEXT NOT NULL,
      model_version TEXT NOT NULL,
      node_features TEXT NOT NULL,
      edge_index TEXT NOT NULL,
      prediction TEXT NOT NULL
    )`,
    postgres: `CREATE TABLE log_records (
      id BIGSERIAL PRIMARY KEY,
      idempotency_key TEXT NOT NULL UNIQUE,
      received_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      client_timestamp TEXT NOT NULL,
      model_version TEXT NOT NULL,
      node_features JSON NOT NULL,
      edge_index JSON NOT NULL,
      prediction JSON NOT NULL
    )`,
  },
  {
    version: 2,
    name: 'optional smiles, sent only when the user allows it',
    sqlite: `ALTER TABLE log_records ADD COLUMN smiles TEXT`,
    postgres: `ALTER TABLE log_records ADD COLUMN smiles TEXT`,
  },
];

export const MIGRATIONS_TABLE_SQL = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at TEXT NOT NULL
)`;
