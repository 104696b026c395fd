import { sql, type Kysely } from 'kysely';

/**
 * What a run has done, kept with the run so a retried or re-assigned activity (a worker lost, the
 * database restarted) goes on from there without asking the SIS again: the parts of a page or a
 * batch committed (written in the part's own transaction, so exact), and the catalog courses
 * fetched. Heartbeat details cannot carry this: the SDK sends them at most every 80% of the
 * heartbeat timeout, so the last seconds of progress would be lost with the worker. Scratch data
 * of the run, like sync_seen: unlogged, emptied when the run ends.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE UNLOGGED TABLE sync_parts_done (
      sync_run_id bigint NOT NULL,
      -- The activity's work, e.g. 'sections 2026FA page 2' or 'class_sessions batch 3'.
      work text NOT NULL,
      -- Hash of the items the parts were cut from: parts done count only for the same items.
      items_hash text NOT NULL,
      parts integer NOT NULL,
      PRIMARY KEY (sync_run_id, work)
    );
    CREATE UNLOGGED TABLE sync_catalog_courses (
      sync_run_id bigint NOT NULL,
      course_id text NOT NULL,
      -- The SIS's GetCourse answer as fetched.
      course jsonb NOT NULL,
      PRIMARY KEY (sync_run_id, course_id)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE sync_parts_done, sync_catalog_courses`.execute(db);
}
