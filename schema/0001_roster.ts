import { sql, type Kysely } from 'kysely';

/**
 * Schools, the roster tables CourseKey serves (courses, users, course members, class sessions),
 * and the run bookkeeping. Every roster row is keyed by (school, SIS key) and carries a content
 * hash, so a sync rewrites only what changed and a retried activity writes the same rows again.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE schools (
      id text PRIMARY KEY,
      name text NOT NULL,
      campus_id text NOT NULL,
      time_zone text NOT NULL,
      environment text NOT NULL CHECK (environment IN ('test', 'production')),
      sis_base_url text NOT NULL,
      config jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE catalog_courses (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      school_id text NOT NULL REFERENCES schools (id),
      sis_key text NOT NULL,
      code text NOT NULL,
      name text NOT NULL,
      credits numeric,
      clock_hours numeric,
      content_hash text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (school_id, sis_key)
    );

    CREATE TABLE courses (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      school_id text NOT NULL REFERENCES schools (id),
      sis_key text NOT NULL,
      catalog_sis_key text NOT NULL,
      term_sis_id text NOT NULL,
      session_sis_id text,
      section_code text NOT NULL,
      title text NOT NULL,
      delivery_method_id text NOT NULL,
      delivery_method_name text NOT NULL,
      attendance_method text NOT NULL,
      modality text NOT NULL CHECK (modality IN ('in-person', 'online', 'blended')),
      start_date date,
      end_date date,
      minutes_per_day integer,
      sync_minutes integer,
      async_minutes integer,
      lms_code text,
      instructor_sis_ids text[] NOT NULL,
      sis_status text NOT NULL,
      active boolean NOT NULL,
      content_hash text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (school_id, sis_key)
    );

    CREATE TABLE users (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      school_id text NOT NULL REFERENCES schools (id),
      -- 'student:<studentId>' or 'user:<userId>': students and staff/instructors are separate SIS records.
      sis_key text NOT NULL,
      sis_kind text NOT NULL CHECK (sis_kind IN ('student', 'user')),
      sis_id text NOT NULL,
      student_number text,
      first_name text NOT NULL,
      last_name text NOT NULL,
      email text,
      roles text[] NOT NULL,
      sis_status text NOT NULL,
      active boolean NOT NULL,
      content_hash text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (school_id, sis_key)
    );

    CREATE TABLE instructors (
      school_id text NOT NULL REFERENCES schools (id),
      sis_key text NOT NULL,
      user_sis_id text NOT NULL,
      active boolean NOT NULL,
      content_hash text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (school_id, sis_key)
    );

    CREATE TABLE course_members (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      school_id text NOT NULL REFERENCES schools (id),
      -- '<scheduledCourseId>:<role>:<user sis_key>'
      sis_key text NOT NULL,
      course_sis_key text NOT NULL,
      user_sis_key text NOT NULL,
      role text NOT NULL CHECK (role IN ('student', 'instructor')),
      sis_enrollment_id text,
      sis_status text NOT NULL,
      status_date date,
      active boolean NOT NULL,
      content_hash text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (school_id, sis_key)
    );
    CREATE INDEX course_members_by_course ON course_members (school_id, course_sis_key);

    CREATE TABLE class_sessions (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      school_id text NOT NULL REFERENCES schools (id),
      -- '<scheduledCourseId>:<scheduleId>:<date>'
      sis_key text NOT NULL,
      course_sis_key text NOT NULL,
      sis_schedule_id text NOT NULL,
      session_date date NOT NULL,
      kind text NOT NULL CHECK (kind IN ('sync', 'async')),
      starts_at timestamptz,
      ends_at timestamptz,
      minutes integer NOT NULL,
      content_hash text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (school_id, sis_key)
    );
    CREATE INDEX class_sessions_by_course ON class_sessions (school_id, course_sis_key, session_date);

    CREATE TABLE sync_runs (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      school_id text NOT NULL REFERENCES schools (id),
      workflow_id text NOT NULL,
      -- A backfill may run the same scheduled time again: each execution is its own run.
      temporal_run_id text NOT NULL UNIQUE,
      kind text NOT NULL CHECK (kind IN ('sync', 'dry-run')),
      status text NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
      message text,
      started_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz
    );
    CREATE INDEX sync_runs_by_school ON sync_runs (school_id, started_at DESC);

    -- One row per activity batch: a retried batch keeps the counts of its first committed attempt.
    CREATE TABLE sync_run_counts (
      sync_run_id bigint NOT NULL REFERENCES sync_runs (id) ON DELETE CASCADE,
      record_type text NOT NULL,
      batch_key text NOT NULL,
      fetched integer NOT NULL DEFAULT 0,
      created integer NOT NULL DEFAULT 0,
      updated integer NOT NULL DEFAULT 0,
      unchanged integer NOT NULL DEFAULT 0,
      deactivated integer NOT NULL DEFAULT 0,
      failed integer NOT NULL DEFAULT 0,
      PRIMARY KEY (sync_run_id, record_type, batch_key)
    );

    -- Which SIS records a run saw, to find the ones that vanished from the SIS. Scratch data: unlogged.
    CREATE UNLOGGED TABLE sync_seen (
      sync_run_id bigint NOT NULL,
      record_type text NOT NULL,
      sis_key text NOT NULL,
      PRIMARY KEY (sync_run_id, record_type, sis_key)
    );

    CREATE TABLE sync_issues (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      school_id text NOT NULL REFERENCES schools (id),
      record_type text NOT NULL,
      sis_key text NOT NULL,
      rule text NOT NULL,
      severity text NOT NULL CHECK (severity IN ('blocking', 'warning', 'info')),
      message text NOT NULL,
      details jsonb NOT NULL DEFAULT '{}',
      first_seen_at timestamptz NOT NULL DEFAULT now(),
      last_seen_at timestamptz NOT NULL DEFAULT now(),
      last_sync_run_id bigint,
      resolved_at timestamptz,
      UNIQUE (school_id, record_type, sis_key, rule)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE sync_issues, sync_seen, sync_run_counts, sync_runs, class_sessions, course_members,
      instructors, users, courses, catalog_courses, schools;
  `.execute(db);
}
