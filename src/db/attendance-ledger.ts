/**
 * The posting ledgers: what the SIS last answered per attendance record and which LDA it holds.
 * A record is due when its minutes differ from the ledger's (or it has no entry): new and edited
 * records are due, accepted and rejected ones with the same minutes are not.
 */
import { sql, type Kysely } from 'kysely';
import type { AttendanceType, Database } from './database';

export interface DueRecord {
  id: string;
  course_sis_key: string;
  student_sis_id: string;
  attendance_date: string;
  type: AttendanceType;
  attended_minutes: number;
  absent_minutes: number;
}

/**
 * The next `limit` due records after the cursor (a record id), in id order. The plan this needs is
 * a walk of attendance_records_by_school from the cursor that probes the ledger's primary key per
 * record and stops at `limit`; a hash join instead reads the whole ledger and every record after
 * the cursor on each call (40 ms at 40,000 records, so quadratic over a run). The LIMIT 1 keeps
 * the ledger lookup a per-record probe whatever the ledger's statistics say (it grows by 500 rows
 * a call, faster than autovacuum analyzes it); the records' statistics are refreshed before
 * posting (analyzeAttendanceRecords).
 */
export async function dueRecords(
  db: Kysely<Database>,
  schoolId: string,
  afterId: string | null,
  limit: number,
): Promise<DueRecord[]> {
  return db
    .selectFrom('attendance_records as r')
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('attendance_ledger as l')
          .select(['l.attended_minutes', 'l.absent_minutes'])
          .whereRef('l.school_id', '=', 'r.school_id')
          .whereRef('l.course_sis_key', '=', 'r.course_sis_key')
          .whereRef('l.student_sis_id', '=', 'r.student_sis_id')
          .whereRef('l.attendance_date', '=', 'r.attendance_date')
          .whereRef('l.type', '=', 'r.type')
          .limit(1)
          .as('l'),
      (join) => join.onTrue(),
    )
    .select([
      'r.id',
      'r.course_sis_key',
      'r.student_sis_id',
      'r.attendance_date',
      'r.type',
      'r.attended_minutes',
      'r.absent_minutes',
    ])
    .where('r.school_id', '=', schoolId)
    .$if(afterId !== null, (query) => query.where('r.id', '>', afterId!))
    .where(
      sql<boolean>`(l.attended_minutes, l.absent_minutes) IS DISTINCT FROM (r.attended_minutes, r.absent_minutes)`,
    )
    .orderBy('r.id')
    .limit(limit)
    .execute();
}

/**
 * Refreshes the planner's statistics of attendance_records, which the compute phase has just
 * filled: with the counts of before (none, on a first run) the planner reads and sorts every
 * record after the cursor instead of walking the id index and stopping at the limit.
 */
export async function analyzeAttendanceRecords(db: Kysely<Database>): Promise<void> {
  await sql`ANALYZE attendance_records`.execute(db);
}

export interface SisAnswer {
  record: DueRecord;
  status: 'accepted' | 'rejected';
  message: string | null;
  attendanceId: string | null;
}

/**
 * Stores the SIS's answers for the records of one call. One statement with one array parameter per
 * column (unnest) rather than 11 parameters per row: this write sits between two PostAttendance
 * calls (the next waits for it), and binding 5,500 parameters made it 12 ms a call instead of
 * 8.5 ms. The minutes stored are the ones sent, so a record edited while in flight stays due.
 */
export async function recordSisAnswers(
  db: Kysely<Database>,
  schoolId: string,
  syncRunId: string,
  answers: SisAnswer[],
): Promise<void> {
  if (answers.length === 0) return;
  const column = <T>(pick: (answer: SisAnswer) => T) => answers.map(pick);
  await sql`
    INSERT INTO attendance_ledger (school_id, course_sis_key, student_sis_id, attendance_date, type,
      attended_minutes, absent_minutes, status, sis_message, sis_attendance_id, sync_run_id)
    SELECT ${schoolId}, a.course_sis_key, a.student_sis_id, a.attendance_date, a.type,
      a.attended_minutes, a.absent_minutes, a.status, a.sis_message, a.sis_attendance_id, ${syncRunId}::bigint
    FROM unnest(
      ${column((a) => a.record.course_sis_key)}::text[],
      ${column((a) => a.record.student_sis_id)}::text[],
      ${column((a) => a.record.attendance_date)}::date[],
      ${column((a) => a.record.type)}::text[],
      ${column((a) => a.record.attended_minutes)}::integer[],
      ${column((a) => a.record.absent_minutes)}::integer[],
      ${column((a) => a.status)}::text[],
      ${column((a) => a.message)}::text[],
      ${column((a) => a.attendanceId)}::text[]
    ) AS a (course_sis_key, student_sis_id, attendance_date, type, attended_minutes, absent_minutes,
      status, sis_message, sis_attendance_id)
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

export interface DueLastDate {
  course_sis_key: string;
  student_sis_id: string;
  last_date_attended: string;
}

/**
 * LDAs the SIS does not hold yet: per student and section, the last date of an accepted record
 * with attended minutes > 0, where it differs from the LDA last posted.
 */
export async function dueLastDates(db: Kysely<Database>, schoolId: string, limit: number) {
  const { rows } = await sql<DueLastDate>`
    SELECT c.course_sis_key, c.student_sis_id, c.last_date_attended
    FROM (
      SELECT course_sis_key, student_sis_id, max(attendance_date) AS last_date_attended
      FROM attendance_ledger
      WHERE school_id = ${schoolId} AND status = 'accepted' AND attended_minutes > 0
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

export async function recordPostedLastDates(
  db: Kysely<Database>,
  schoolId: string,
  syncRunId: string,
  posted: DueLastDate[],
): Promise<void> {
  if (posted.length === 0) return;
  await db
    .insertInto('lda_ledger')
    .values(posted.map((lda) => ({ school_id: schoolId, ...lda, sync_run_id: syncRunId })))
    .onConflict((conflict) =>
      conflict.columns(['school_id', 'course_sis_key', 'student_sis_id']).doUpdateSet({
        last_date_attended: sql.ref('excluded.last_date_attended'),
        sync_run_id: sql.ref('excluded.sync_run_id'),
        posted_at: sql`now()`,
      }),
    )
    .execute();
}
