import { openPostgresStore } from './postgres';
import { openSqliteStore } from './sqlite';
import type { LogStore } from './types';

export type { InsertResult, LogRecord, LogStore, StoredRecord } from './types';

/** PostgreSQL when a connection string is given, else the embedded SQLite file. */
export async function openStore(options: {
  databaseUrl?: string;
  sqliteFile: string;
  sqliteSynchronous?: 'FULL' | 'NORMAL';
  connectTimeoutMs?: number;
  statementTimeoutMs?: number;
}): Promise<LogStore> {
  if (options.databaseUrl) {
    return openPostgresStore(options.databaseUrl, {
      connectTimeoutMs: options.connectTimeoutMs,
      statementTimeoutMs: options.statementTimeoutMs,
    });
  }
  return openSqliteStore(options.sqliteFile, { synchronous: options.sqliteSynchronous });
}
