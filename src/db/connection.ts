import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { embeddedPostgresUrl } from '../infra/embedded-postgres-url';
import { LOCAL_POSTGRES_PORT } from '../infra/local-defaults';
import type { Database } from './database';

// `date` columns are calendar dates in the campus's zone: keep them as YYYY-MM-DD strings.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);
// bigint identities fit comfortably in strings; never lose precision silently.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => value);
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => Number(value));

/** DATABASE_URL, else the embedded PostgreSQL that `npm start` runs. */
export function databaseUrl(): string {
  return process.env.DATABASE_URL ?? embeddedPostgresUrl(LOCAL_POSTGRES_PORT);
}

const pools = new WeakMap<Kysely<Database>, pg.Pool>();

/** The pool behind a database createDb made: for what Kysely does not do, such as LISTEN. */
export function poolOf(db: Kysely<Database>): pg.Pool {
  const pool = pools.get(db);
  if (!pool) throw new Error('poolOf: this database was not created by createDb.');
  return pool;
}

/** Where a lost idle connection is reported: the process's logger, else the console. */
export interface PoolWarnings {
  warn(fields: { code?: string; reason: string }, message: string): void;
}

export function createDb(
  url = databaseUrl(),
  maxConnections = 10,
  warnings: PoolWarnings = { warn: ({ reason }, message) => console.warn(`${message}: ${reason}`) },
): Kysely<Database> {
  const pool = new pg.Pool({ connectionString: url, max: maxConnections });
  // An idle connection dropped by the server (a restart, Ctrl-C reaching PostgreSQL first) is
  // replaced on next use; without a listener it would crash the process.
  // One line, no stack: where a socket read failed says nothing an operator can use.
  pool.on('error', (err: Error & { code?: string }) =>
    warnings.warn({ code: err.code, reason: err.message }, 'PostgreSQL connection lost'),
  );
  // A connection checked out for a transaction has no pool listener while it is out: a server
  // restart then fails the query in hand (the activity retries) and must not end the process.
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  pools.set(db, pool);
  return db;
}
