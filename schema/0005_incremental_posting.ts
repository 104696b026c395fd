import { sql, type Kysely } from 'kysely';

/**
 * Posting computes a course's attendance in memory and compares it with the ledger, so the stored
 * copy of every computed record (attendance_records) goes: writing 100,000 of them cost more than
 * posting them. Instead posting keeps, per course, what it last computed from:
 * - attendance_inputs.version changes (by trigger) whenever anything a course's attendance is
 *   computed from is written: the course, its members, sessions, check-ins, edits, makeup minutes;
 * - attendance_course_state holds the version a course was last posted from, when its next session
 *   closes, and a hash of the school's minutes rules, so a run recomputes only the courses where
 *   one of them moved, and whether the course's LDAs are still to be posted.
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

    CREATE SEQUENCE attendance_input_versions;
    CREATE TABLE attendance_inputs (
      school_id text NOT NULL,
      course_sis_key text NOT NULL,
      version bigint NOT NULL,
      PRIMARY KEY (school_id, course_sis_key)
    );

    CREATE TABLE attendance_course_state (
      school_id text NOT NULL,
      course_sis_key text NOT NULL,
      inputs_version bigint,
      -- The earliest close of a session still open at the last computation: due again from then.
      next_close_at timestamptz,
      rules_hash text NOT NULL,
      -- Set when the course's records were posted; cleared once its LDAs are.
      lda_pending boolean NOT NULL DEFAULT true,
      sync_run_id bigint,
      computed_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (school_id, course_sis_key)
    );

    -- Statement-level, so a roster write of 70,000 members costs one insert of its distinct courses.
    -- The argument names the changed table's course column.
    CREATE FUNCTION touch_attendance_inputs() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      EXECUTE format(
        'INSERT INTO attendance_inputs (school_id, course_sis_key, version)
         SELECT school_id, course_key, nextval(''attendance_input_versions'')
         FROM (SELECT DISTINCT school_id, %I AS course_key FROM changed_rows) AS courses
         ORDER BY school_id, course_key
         ON CONFLICT (school_id, course_sis_key) DO UPDATE SET version = excluded.version',
        TG_ARGV[0]);
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
    for (const [event, transition] of [
      ['INSERT', 'NEW'],
      ['UPDATE', 'NEW'],
      ['DELETE', 'OLD'],
    ] as const) {
      await sql`
        CREATE TRIGGER ${sql.id(`${table}_${event.toLowerCase()}_touches_attendance`)}
        AFTER ${sql.raw(event)} ON ${sql.table(table)}
        REFERENCING ${sql.raw(transition)} TABLE AS changed_rows
        FOR EACH STATEMENT EXECUTE FUNCTION touch_attendance_inputs(${sql.lit(courseColumn)})
      `.execute(db);
    }
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE attendance_course_state, attendance_inputs, attendance_answer_journal;
    DROP SEQUENCE attendance_input_versions;
    DROP FUNCTION touch_attendance_inputs CASCADE;
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
