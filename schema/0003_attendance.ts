import { sql, type Kysely } from 'kysely';

/**
 * Attendance: what the CourseKey API captures (check-ins, instructor edits, makeup minutes), the
 * API keys that authorise it (hashed, per school), what CourseKey computes per (student, section,
 * date, type), and the ledgers of what the SIS accepted or rejected, so posting is idempotent.
 * Rows reference roster records by SIS key, like the roster tables; nothing here is ever deleted.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE api_keys (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      school_id text NOT NULL REFERENCES schools (id),
      label text NOT NULL DEFAULT '',
      -- sha256 of the key: the key itself is shown once, at creation, and never stored.
      key_hash text NOT NULL UNIQUE,
      created_at timestamptz NOT NULL DEFAULT now(),
      revoked_at timestamptz
    );

    CREATE TABLE check_ins (
      school_id text NOT NULL REFERENCES schools (id),
      session_sis_key text NOT NULL,
      course_sis_key text NOT NULL,
      student_sis_id text NOT NULL,
      checked_in_at timestamptz NOT NULL,
      checked_out_at timestamptz,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (school_id, session_sis_key, student_sis_id)
    );
    CREATE INDEX check_ins_by_course ON check_ins (school_id, course_sis_key);

    CREATE TABLE attendance_edits (
      school_id text NOT NULL REFERENCES schools (id),
      session_sis_key text NOT NULL,
      course_sis_key text NOT NULL,
      student_sis_id text NOT NULL,
      attended_minutes integer NOT NULL CHECK (attended_minutes >= 0),
      edited_by text NOT NULL,
      reason text,
      edited_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (school_id, session_sis_key, student_sis_id)
    );
    CREATE INDEX attendance_edits_by_course ON attendance_edits (school_id, course_sis_key);

    CREATE TABLE makeup_minutes (
      school_id text NOT NULL REFERENCES schools (id),
      course_sis_key text NOT NULL,
      student_sis_id text NOT NULL,
      makeup_date date NOT NULL,
      minutes integer NOT NULL CHECK (minutes > 0 AND minutes <= 1440),
      entered_by text NOT NULL,
      note text,
      entered_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (school_id, course_sis_key, student_sis_id, makeup_date)
    );

    -- What CourseKey computes for closed sessions, keyed as the SIS keys attendance.
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

    -- The SIS's last answer per record: posting sends only records whose minutes differ from it.
    CREATE TABLE attendance_ledger (
      school_id text NOT NULL REFERENCES schools (id),
      course_sis_key text NOT NULL,
      student_sis_id text NOT NULL,
      attendance_date date NOT NULL,
      type text NOT NULL,
      attended_minutes integer NOT NULL,
      absent_minutes integer NOT NULL,
      status text NOT NULL CHECK (status IN ('accepted', 'rejected')),
      sis_message text,
      sis_attendance_id text,
      sync_run_id bigint,
      posted_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (school_id, course_sis_key, student_sis_id, attendance_date, type)
    );
    CREATE INDEX attendance_ledger_by_posted ON attendance_ledger (school_id, posted_at DESC);

    CREATE TABLE lda_ledger (
      school_id text NOT NULL REFERENCES schools (id),
      course_sis_key text NOT NULL,
      student_sis_id text NOT NULL,
      last_date_attended date NOT NULL,
      sync_run_id bigint,
      posted_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (school_id, course_sis_key, student_sis_id)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE lda_ledger, attendance_ledger, attendance_records, makeup_minutes, attendance_edits,
      check_ins, api_keys;
  `.execute(db);
}
