import { promises as fs } from 'node:fs';
import path from 'node:path';
import { FileMigrationProvider, Migrator, type Kysely } from 'kysely';
import { projectRoot } from '../infra/paths';
import type { Database } from './database';

function migrator(db: Kysely<Database>): Migrator {
  return new Migrator({
    db,
    provider: new FileMigrationProvider({ fs, path, migrationFolder: path.join(projectRoot, 'schema') }),
  });
}

/** Applies every migration in schema/ that has not run yet; fails loudly on the first error. */
export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  const { error, results = [] } = await migrator(db).migrateToLatest();
  if (error) {
    const failed = results.find((result) => result.status === 'Error');
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      failed
        ? `Migration ${failed.migrationName} failed: ${reason}`
        : `Cannot apply the migrations (is DATABASE_URL right?): ${reason}`,
      { cause: error },
    );
  }
  return results.map((result) => result.migrationName);
}

/** The migrations in schema/ that this database has not applied yet (none: the schema is current). */
export async function pendingMigrations(db: Kysely<Database>): Promise<string[]> {
  const migrations = await migrator(db).getMigrations();
  return migrations.filter((migration) => !migration.executedAt).map((migration) => migration.name);
}
