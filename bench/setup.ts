/**
 * What the benches share to set up and describe a measurement: databases on the bench's embedded
 * PostgreSQL, the machine and the code measured, and cleanups that run whatever happens.
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from '../src/db/database';
import { migrateToLatest } from '../src/db/migrate';
import { projectRoot } from '../src/infra/paths';

/** A pool that tolerates PostgreSQL stopping under an idle connection (a restart, the end of the bench). */
export function openDb(url: string, max: number): Kysely<Database> {
  const pool = new pg.Pool({ connectionString: url, max });
  pool.on('error', () => {});
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/** A new, migrated database `name` on the server of `adminUrl`. */
export async function createDatabase(
  adminUrl: string,
  name: string,
): Promise<{ db: Kysely<Database>; url: string }> {
  const admin = openDb(adminUrl, 1);
  await sql.raw(`CREATE DATABASE ${name}`).execute(admin);
  await admin.destroy();
  const url = adminUrl.replace(/\/[^/]*$/, `/${name}`);
  const db = openDb(url, 4);
  await migrateToLatest(db);
  return { db, url };
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const admin = openDb(adminUrl, 1);
  await sql.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).execute(admin);
  await admin.destroy();
}

/** The code measured: BENCH_SOURCE, else the commit and whether src/ or schema/ had uncommitted changes. */
export function sourceRevision(): string {
  if (process.env.BENCH_SOURCE) return process.env.BENCH_SOURCE;
  try {
    const git = (...args: string[]) =>
      execFileSync('git', ['-C', projectRoot, ...args], { encoding: 'utf8' }).trim();
    const commit = git('rev-parse', '--short', 'HEAD');
    const dirty = git('status', '--porcelain', '--', 'src', 'schema') !== '';
    return dirty
      ? `${commit} with uncommitted changes in src/ or schema/`
      : `${commit} (src/ and schema/ as committed)`;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryBytes: number;
  os: string;
  node: string;
  postgres: string;
  temporalCli: string;
}

export async function machineInfo(db: Kysely<Database>, temporalCli: string): Promise<Machine> {
  const { rows } = await sql<{
    version: string;
  }>`SELECT current_setting('server_version') AS version`.execute(db);
  let temporalVersion = 'unknown';
  try {
    temporalVersion = execFileSync(temporalCli, ['--version'], { encoding: 'utf8' })
      .trim()
      .replace(/^temporal version /, '');
  } catch {
    // The version is informative only.
  }
  return {
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    memoryBytes: os.totalmem(),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.versions.node,
    postgres: `PostgreSQL ${rows[0]?.version ?? 'unknown'}`,
    temporalCli: temporalVersion,
  };
}

export const describeMachine = (machine: Machine) =>
  `${machine.cpus} CPUs (${machine.cpuModel}), ${(machine.memoryBytes / 1024 ** 3).toFixed(1)} GiB memory, ${machine.os}`;

/** Steps that undo what the bench started, run in reverse order whatever happens. */
export type Cleanups = [name: string, step: () => unknown][];

/** Runs `bench` and then its cleanups; exits 1 on failure. */
export function runBench(name: string, bench: (cleanups: Cleanups) => Promise<void>): void {
  const cleanups: Cleanups = [];
  const run = async () => {
    try {
      await bench(cleanups);
    } finally {
      for (const [step, undo] of cleanups.reverse()) {
        try {
          await undo();
        } catch (err) {
          console.error(`[${name}] cleanup of ${step} failed:`, err);
        }
      }
    }
  };
  run().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
