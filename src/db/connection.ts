import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './database';

// `date` columns are calendar dates in the campus's zone: keep them as YYYY-MM-DD strings.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);
// bigint identities fit comfortably in strings; never lose precision silently.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => value);
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => Number(value));

export function databaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set. `npm start` sets it for embedded PostgreSQL.');
  return url;
}

export function createDb(url = databaseUrl(), maxConnections = 10): Kysely<Database> {
  return new Kysely<Database>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: maxConnections }) }),
  });
}
