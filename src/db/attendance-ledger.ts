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

/** The next `limit` due records after the cursor (a record id), in id order. */
export async function dueRecords(
  db: Kysely<Database>,
  schoolId: string,
  afterId: string | null,
  limit: number,
): Promise<DueRecord[]> {
  return db
    .selectFrom('attendance_records as r')
    .leftJoin('attendance_ledger as l', (join) =>
      join
        .onRef('l.school_id', '=', 'r.school_id')
        .onRef('l.course_sis_key', '=', 'r.course_sis_key')
        .onRef('l.student_sis_id', '=', 'r.student_sis_id')
        .onRef('l.attendance_date', '=', 'r.attendance_date')
        .onRef('l.type', '=', 'r.type'),
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

export interface SisAnswer {
  record: DueRecord;
  status: 'accepted' | 'rejected';
  message: string | null;
  attendanceId: string | null;
}

export async function recordSisAnswers(
  db: Kysely<Database>,
  schoolId: string,
  syncRunId: string,
  answers: SisAnswer[],
): Promise<void> {
  if (answers.length === 0) return;
  await db
    .insertInto('attendance_ledger')
    .values(
      answers.map(({ record, status, message, attendanceId }) => ({
        school_id: schoolId,
        course_sis_key: record.course_sis_key,
        student_sis_id: record.student_sis_id,
        attendance_date: record.attendance_date,
        type: record.type,
        attended_minutes: record.attended_minutes,
        absent_minutes: record.absent_minutes,
        status,
        sis_message: message,
        sis_attendance_id: attendanceId,
        sync_run_id: syncRunId,
      })),
    )
    .onConflict((conflict) =>
      conflict
        .columns(['school_id', 'course_sis_key', 'student_sis_id', 'attendance_date', 'type'])
        .doUpdateSet({
          attended_minutes: sql.ref('excluded.attended_minutes'),
          absent_minutes: sql.ref('excluded.absent_minutes'),
          status: sql.ref('excluded.status'),
          sis_message: sql.ref('excluded.sis_message'),
          // A rejection does not forget the id the SIS gave the record when it last accepted it.
          sis_attendance_id: sql`coalesce(excluded.sis_attendance_id, attendance_ledger.sis_attendance_id)`,
          sync_run_id: sql.ref('excluded.sync_run_id'),
          posted_at: sql`now()`,
        }),
    )
    .execute();
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
