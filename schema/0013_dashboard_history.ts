import { sql, type Kysely } from 'kysely';

/**
 * For the dashboard: what each run posted to the SIS (the ledger keeps only the last answer per
 * record, so a later run overwrites an earlier one's rows), counted as the answers are filed and
 * the LDAs recorded; the records each PostAttendance call sent (some may go unanswered); and
 * until when a run's held deactivations wait for approval.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE attendance_posting_counts (
      sync_run_id bigint PRIMARY KEY,
      school_id text NOT NULL,
      sent integer NOT NULL DEFAULT 0,
      accepted integer NOT NULL DEFAULT 0,
      rejected integer NOT NULL DEFAULT 0,
      last_dates integer NOT NULL DEFAULT 0
    );
    ALTER TABLE attendance_answer_journal ADD COLUMN sent integer;
    ALTER TABLE sync_runs ADD COLUMN held_until timestamptz;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE attendance_posting_counts;
    ALTER TABLE attendance_answer_journal DROP COLUMN sent;
    ALTER TABLE sync_runs DROP COLUMN held_until;
  `.execute(db);
}
