import { sql, type Kysely } from 'kysely';

/**
 * A dry run is of a school that is usually not enabled yet: its run row may name a school the
 * schools table does not hold. A real run must still be of an enabled school, so the foreign key
 * moves to a column that carries the school only for real runs.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE sync_runs DROP CONSTRAINT sync_runs_school_id_fkey;
    ALTER TABLE sync_runs ADD COLUMN enabled_school_id text
      GENERATED ALWAYS AS (CASE WHEN kind = 'sync' THEN school_id END) STORED
      CONSTRAINT sync_runs_enabled_school_id_fkey REFERENCES schools (id);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DELETE FROM sync_runs WHERE school_id NOT IN (SELECT id FROM schools);
    ALTER TABLE sync_runs DROP COLUMN enabled_school_id;
    ALTER TABLE sync_runs ADD CONSTRAINT sync_runs_school_id_fkey FOREIGN KEY (school_id) REFERENCES schools (id);
  `.execute(db);
}
