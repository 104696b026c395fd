import { sql, type Kysely } from 'kysely';

/**
 * What each page of a run's SIS listings reported (its totalCount and the ids on it), so the run
 * can tell a listing that changed while it was read, which must deactivate nothing. Scratch data
 * of the run, like sync_seen: unlogged, emptied when the run ends.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE UNLOGGED TABLE sync_listing_pages (
      sync_run_id bigint NOT NULL,
      record_type text NOT NULL,
      -- The endpoint and its scope, e.g. 'GetStudents' or 'GetTermSchedule 2026FA'.
      listing text NOT NULL,
      page integer NOT NULL,
      total_count integer NOT NULL,
      sis_ids text[] NOT NULL,
      unidentified integer NOT NULL,
      PRIMARY KEY (sync_run_id, listing, page)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE sync_listing_pages;`.execute(db);
}
