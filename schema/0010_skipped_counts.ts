import { sql, type Kysely } from 'kysely';

/**
 * Counts that add up: a record a run fetched and deliberately did not sync (a cancelled section, a
 * schedule change not applied...) is counted as skipped, with the count per reason
 * (src/coursekey/skip-reasons.ts), kept per batch like the other counts.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE sync_run_counts
      ADD COLUMN skipped integer NOT NULL DEFAULT 0,
      ADD COLUMN skipped_by jsonb NOT NULL DEFAULT '{}';
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE sync_run_counts DROP COLUMN skipped, DROP COLUMN skipped_by`.execute(db);
}
