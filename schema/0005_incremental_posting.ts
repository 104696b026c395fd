import { sql, type Kysely } from 'kysely';

/**
 * Posting computes a course's attendance in memory and compares it with the ledger, so the stored
 * copy of every computed record (attendance_records) goes: writing 100,000 of them cost more than
 * posting them. Instead posting keeps, per course, what it last computed from:
 * - attendance_input_changes gets a row (by trigger) whenever anything a course's attendance is
 *   computed from is written: the course, its members, sessions, check-ins, edits, makeup minutes.
 *   Insert-only, so roster writes and check-ins never wait on each other's locks; posting deletes
 *   the rows it has seen once the course is posted;
 * - attendance_course_state holds when a course's next session closes, a hash of the school's
 *   rules it was computed with, and whether its LDAs are still to be posted.
 * A run computes only the courses with a change row, a session closed since, or other rules.
 * Between two PostAttendance calls the SIS's answers go to a journal, one JSON row per call,
 * and are filed in the ledger while the next call is in flight; the ledger's index for recent
 * postings shrinks to the rejections the dashboard lists.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE attendance_records;

    DROP INDEX attendance_ledger_by_posted;
    -- Ledger rows are written only by posting, for the school of a run (which exists); the check
    -- per row cost a third of every filing.
    ALTER TABLE attendance_ledger DROP CONSTRAINT attendance_ledger_school_id_fkey;
    ALTER TABLE lda_ledger DROP CONSTRAINT lda_ledger_school_id_fkey;
    CREATE INDEX attendance_ledger_rejections ON attendance_ledger (school_id, posted_at DESC)
      WHERE status = 'rejected';

    CREATE TABLE attendance_answer_journal (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      school_id text NOT NULL,
      sync_run_id bigint,
      answers json NOT NULL,
      written_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE attendance_input_changes (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      school_id text NOT NULL,
      course_sis_key text NOT NULL
    );
    CREATE INDEX attendance_input_changes_by_course ON attendance_input_changes (school_id, course_sis_key);

    CREATE TABLE attendance_course_state (
      school_id text NOT NULL,
      course_sis_key text NOT NULL,
      -- The earliest close of a session still open at the last computation: due again from then.
      next_close_at timestamptz,
      -- The school's rules it was computed with ('unsettled' while a record awaits the SIS's answer).
      rules_hash text NOT NULL,
      -- Set when the course's records were posted; cleared once its LDAs are.
      lda_pending boolean NOT NULL DEFAULT true,
      sync_run_id bigint,
      computed_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (school_id, course_sis_key)
    );

    -- Statement-level, so a roster write of 70,000 members costs one insert of its distinct courses.
    -- The argument names the changed table's course column; an update counts its old and new rows.
    CREATE FUNCTION note_attendance_input_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      EXECUTE format(
        'INSERT INTO attendance_input_changes (school_id, course_sis_key)
         SELECT DISTINCT school_id, %1$I FROM changed_rows %2$s',
        TG_ARGV[0],
        CASE WHEN TG_OP = 'UPDATE' THEN format('UNION SELECT school_id, %I FROM old_rows', TG_ARGV[0]) ELSE '' END);
      RETURN NULL;
    END $$;
  `.execute(db);

  // PostgreSQL allows transition tables on single-event triggers only: one trigger per event.
  const inputTables = [
    'course_members',
    'class_sessions',
    'check_ins',
    'attendance_edits',
    'makeup_minutes',
    'courses',
  ];
  for (const table of inputTables) {
    const courseColumn = table === 'courses' ? 'sis_key' : 'course_sis_key';
    for (const [event, transitions] of [
      ['INSERT', 'NEW TABLE AS changed_rows'],
      ['UPDATE', 'NEW TABLE AS changed_rows OLD TABLE AS old_rows'],
      ['DELETE', 'OLD TABLE AS changed_rows'],
    ] as const) {
      await sql`
        CREATE TRIGGER ${sql.id(`${table}_${event.toLowerCase()}_notes_attendance_change`)}
        AFTER ${sql.raw(event)} ON ${sql.table(table)}
        REFERENCING ${sql.raw(transitions)}
        FOR EACH STATEMENT EXECUTE FUNCTION note_attendance_input_change(${sql.lit(courseColumn)})
      `.execute(db);
    }
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DO $$ BEGIN
      IF EXISTS (SELECT 1 FROM attendance_answer_journal) THEN
        RAISE EXCEPTION 'attendance_answer_journal holds SIS answers not filed in the ledger yet: let a posting run finish first';
      END IF;
    END $$;
    DROP TABLE attendance_course_state, attendance_input_changes, attendance_answer_journal;
    DROP FUNCTION note_attendance_input_change CASCADE;
    DROP INDEX attendance_ledger_rejections;
    ALTER TABLE attendance_ledger ADD FOREIGN KEY (school_id) REFERENCES schools (id);
    ALTER TABLE lda_ledger ADD FOREIGN KEY (school_id) REFERENCES schools (id);
    CREATE INDEX attendance_ledger_by_posted ON attendance_ledger (school_id, posted_at DESC);
    CREATE TABLE attendance_records (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      school_id text NOT NULL REFERENCES schools (id),
      course_sis_key text NOT NULL,
      student_sis_id text NOT NULL,
      attendance_date date NOT NULL,
      type text NOT NULL CHECK (type IN ('Regular', 'Async', 'Makeup')),
      scheduled_minutes integer NOT NULL,
      attended_minutes integer NOT NULL,
      absent_minutes integer NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (school_id, course_sis_key, student_sis_id, attendance_date, type)
    );
    CREATE INDEX attendance_records_by_school ON attendance_records (school_id, id);
  `.execute(db);
}
