import { sql, type Kysely } from 'kysely';

/**
 * Fleet alerts go out once per change of a school's state: the state last alerted is kept per
 * school (ok, failing, stale, waiting), with when and for which run it changed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE school_alert_state (
      school_id text PRIMARY KEY REFERENCES schools (id) ON DELETE CASCADE,
      state text NOT NULL CHECK (state IN ('ok', 'failing', 'stale', 'waiting')),
      sync_run_id bigint,
      changed_at timestamptz NOT NULL DEFAULT now()
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE school_alert_state`.execute(db);
}
