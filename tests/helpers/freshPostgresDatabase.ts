// Tests and benchmarks get their own empty database on the server DATABASE_URL points at,
// so runs never see each other's rows.
import pg from 'pg';

export async function createFreshDatabase(
  databaseUrl: string,
  prefix: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`;
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`bad database name ${name}`);
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  // Identifiers cannot be bound as parameters; the name is checked against [a-z0-9_] above.
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(databaseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/**
 * DATABASE_URL for a test file's PostgreSQL tests; when it is unset, says loudly that `skipped`
 * (the file and which of its tests) will not run. `npm test` starts a throwaway PostgreSQL itself.
 */
export function testDatabaseUrl(skipped: string): string | undefined {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.warn(
      `${skipped} SKIPPED because DATABASE_URL is not set (export "$(server/test-pg.sh start)")`,
    );
  }
  return url;
}
