/**
 * The posting ledgers: what the SIS last answered per attendance record and which LDA it holds.
 * A record is due when its minutes differ from the ledger's (or it has no entry): new and edited
 * records are due, accepted and rejected ones with the same minutes are not.
 */
import { sql, type Kysely } from 'kysely';
import type { ComputedRecord } from './course-attendance';
import type { Database } from './database';

/** The SIS's key of a record (section, student, date, type), as the ledger is keyed. */
export const ledgerKey = (courseKey: string, studentId: string, date: string, type: string) =>
  `${courseKey}\u0000${studentId}\u0000${date}\u0000${type}`;

/** A makeup record the SIS was sent with minutes: it holds them until they are replaced. */
export interface PostedMakeup {
  courseKey: string;
  studentId: string;
  date: string;
}

/**
 * The minutes the SIS last answered for, per ledger key, of some courses, and their makeup records
 * sent with minutes (a removed makeup entry's record is set to 0 by posting).
 */
export async function ledgerMinutes(
  db: Kysely<Database>,
  schoolId: string,
  courseKeys: string[],
): Promise<{ minutes: Map<string, { attended: number; absent: number }>; makeups: PostedMakeup[] }> {
  const minutes = new Map<string, { attended: number; absent: number }>();
  const makeups: PostedMakeup[] = [];
  if (courseKeys.length === 0) return { minutes, makeups };
  const rows = await db
    .selectFrom('attendance_ledger')
    .select([
      'course_sis_key',
      'student_sis_id',
      'attendance_date',
      'type',
      'attended_minutes',
      'absent_minutes',
    ])
    .where('school_id', '=', schoolId)
    .where('course_sis_key', '=', sql<string>`ANY(${courseKeys}::text[])`)
    .execute();
  for (const row of rows) {
    minutes.set(ledgerKey(row.course_sis_key, row.student_sis_id, row.attendance_date, row.type), {
      attended: row.attended_minutes,
      absent: row.absent_minutes,
    });
    if (row.type === 'Makeup' && (row.attended_minutes > 0 || row.absent_minutes > 0)) {
      makeups.push({
        courseKey: row.course_sis_key,
        studentId: row.student_sis_id,
        date: row.attendance_date,
      });
    }
  }
  return { minutes, makeups };
}

export interface SisAnswer {
  record: ComputedRecord;
  status: 'accepted' | 'rejected';
  message: string | null;
  attendanceId: string | null;
}

/**
 * Journals the SIS's answers to one call: one row, the answers as a JSON document, written before
 * the next call may go. Writing them straight into the ledger (500 rows, a five-column key, a
 * foreign key) took about 8.5 ms a call on the path between two calls, and arrays of each column
 * about 4 ms; this takes about 1 ms, and moveJournalToLedger files the answers while the next call
 * is in flight. The minutes stored are the ones sent, so a record edited while in flight stays due.
 * Returns the journal row's id.
 */
export async function journalSisAnswers(
  db: Kysely<Database>,
  schoolId: string,
  syncRunId: string,
  answers: SisAnswer[],
  /** The records the call sent, answered or not: the run's posting history counts them. */
  sent: number,
): Promise<string | null> {
  if (sent === 0) return null;
  // Positional tuples: a third of the JSON that objects would take.
  const entries = answers.map(({ record: r, status, message, attendanceId }) => [
    r.courseKey,
    r.studentId,
    r.date,
    r.type,
    r.attended,
    r.absent,
    status,
    message,
    attendanceId,
  ]);
  const row = await db
    .insertInto('attendance_answer_journal')
    .values({ school_id: schoolId, sync_run_id: syncRunId, answers: JSON.stringify(entries), sent })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Files journalled answers in the ledger, oldest first, each in one statement that also deletes its
 * journal row and adds the call to its run's posting counts: an answer is in the journal or in the
 * ledger (and counted), never lost between nor counted twice. Without an id, every journal row of
 * the school (left by an attempt that died) is filed.
 */
export async function moveJournalToLedger(db: Kysely<Database>, schoolId: string, journalId?: string) {
  const ids =
    journalId !== undefined
      ? [journalId]
      : (
          await db
            .selectFrom('attendance_answer_journal')
            .select('id')
            .where('school_id', '=', schoolId)
            .orderBy('id')
            .execute()
        ).map((row) => row.id);
  for (const id of ids) {
    await sql`
      WITH moved AS (DELETE FROM attendance_answer_journal WHERE id = ${id} RETURNING *),
      counted AS (
        INSERT INTO attendance_posting_counts (sync_run_id, school_id, sent, accepted, rejected)
        SELECT moved.sync_run_id, moved.school_id, coalesce(moved.sent, json_array_length(moved.answers)),
          (SELECT count(*) FROM json_array_elements(moved.answers) e WHERE e->>6 = 'accepted'),
          (SELECT count(*) FROM json_array_elements(moved.answers) e WHERE e->>6 = 'rejected')
        FROM moved WHERE moved.sync_run_id IS NOT NULL
        ON CONFLICT (sync_run_id) DO UPDATE SET
          sent = attendance_posting_counts.sent + excluded.sent,
          accepted = attendance_posting_counts.accepted + excluded.accepted,
          rejected = attendance_posting_counts.rejected + excluded.rejected
      )
      INSERT INTO attendance_ledger (school_id, course_sis_key, student_sis_id, attendance_date, type,
        attended_minutes, absent_minutes, status, sis_message, sis_attendance_id, sync_run_id)
      SELECT moved.school_id, a.course_sis_key, a.student_sis_id, a.attendance_date, a.type,
        a.attended_minutes, a.absent_minutes, a.status, a.sis_message, a.sis_attendance_id, moved.sync_run_id
      FROM moved CROSS JOIN LATERAL (
        SELECT e->>0 AS course_sis_key, e->>1 AS student_sis_id, (e->>2)::date AS attendance_date, e->>3 AS type,
          (e->>4)::integer AS attended_minutes, (e->>5)::integer AS absent_minutes, e->>6 AS status,
          e->>7 AS sis_message, e->>8 AS sis_attendance_id
        -- Parsed once (jsonb): ->> on json parses the element again for every field.
        FROM jsonb_array_elements(moved.answers::jsonb) AS e
      ) AS a
      ON CONFLICT (school_id, course_sis_key, student_sis_id, attendance_date, type) DO UPDATE SET
        attended_minutes = excluded.attended_minutes,
        absent_minutes = excluded.absent_minutes,
        status = excluded.status,
        sis_message = excluded.sis_message,
        -- A rejection does not forget the id the SIS gave the record when it last accepted it.
        sis_attendance_id = coalesce(excluded.sis_attendance_id, attendance_ledger.sis_attendance_id),
        sync_run_id = excluded.sync_run_id,
        posted_at = now()
    `.execute(db);
  }
}

export interface DueLastDate {
  course_sis_key: string;
  student_sis_id: string;
  last_date_attended: string;
}

/**
 * LDAs of some courses the SIS does not hold yet: per student and section, the last date of an
 * accepted record with attended minutes > 0, where it differs from the LDA last posted.
 */
export async function dueLastDates(
  db: Kysely<Database>,
  schoolId: string,
  courseKeys: string[],
  limit: number,
) {
  if (courseKeys.length === 0) return [];
  const { rows } = await sql<DueLastDate>`
    SELECT c.course_sis_key, c.student_sis_id, c.last_date_attended
    FROM (
      SELECT course_sis_key, student_sis_id, max(attendance_date) AS last_date_attended
      FROM attendance_ledger
      WHERE school_id = ${schoolId} AND course_sis_key = ANY(${courseKeys}::text[])
        AND status = 'accepted' AND attended_minutes > 0
      GROUP BY course_sis_key, student_sis_id
    ) c
    LEFT JOIN lda_ledger l
      ON l.school_id = ${schoolId} AND l.course_sis_key = c.course_sis_key AND l.student_sis_id = c.student_sis_id
    WHERE l.last_date_attended IS DISTINCT FROM c.last_date_attended
    ORDER BY c.course_sis_key, c.student_sis_id
    LIMIT ${limit}
  `.execute(db);
  return rows;
}

/**
 * Stores the LDAs the SIS took, counted in the run's posting counts in the same statement: one
 * array parameter per column (unnest), not three per row.
 */
export async function recordPostedLastDates(
  db: Kysely<Database>,
  schoolId: string,
  syncRunId: string,
  posted: DueLastDate[],
): Promise<void> {
  if (posted.length === 0) return;
  await sql`
    WITH counted AS (
      INSERT INTO attendance_posting_counts (sync_run_id, school_id, last_dates)
      VALUES (${syncRunId}::bigint, ${schoolId}, ${posted.length})
      ON CONFLICT (sync_run_id) DO UPDATE SET
        last_dates = attendance_posting_counts.last_dates + excluded.last_dates
    )
    INSERT INTO lda_ledger (school_id, course_sis_key, student_sis_id, last_date_attended, sync_run_id)
    SELECT ${schoolId}, l.course_sis_key, l.student_sis_id, l.last_date_attended, ${syncRunId}::bigint
    FROM unnest(
      ${posted.map((lda) => lda.course_sis_key)}::text[],
      ${posted.map((lda) => lda.student_sis_id)}::text[],
      ${posted.map((lda) => lda.last_date_attended)}::date[]
    ) AS l (course_sis_key, student_sis_id, last_date_attended)
    ON CONFLICT (school_id, course_sis_key, student_sis_id) DO UPDATE SET
      last_date_attended = excluded.last_date_attended,
      sync_run_id = excluded.sync_run_id,
      posted_at = now()
  `.execute(db);
}
