/**
 * Data-out: what CourseKey last posted to the SIS for a school, read from the posting ledgers
 * (schema/0003). The ledger keeps the SIS's last answer per record with the run that got it, so
 * the latest posting is the rows of the most recent posting run: sent, accepted, rejected, and
 * the LDA updates of that run. Rejections still standing are listed with the SIS's reason.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/database';

export interface AttendanceOut {
  postedAt: string;
  sent: number;
  accepted: number;
  rejected: number;
  ldaUpdates: number;
  /** Records whose last answer from the SIS is a rejection, in any posting. */
  standingRejections: number;
  recentRejections: { student: string; section: string; date: string; type: string; reason: string }[];
}

export const REJECTIONS_SHOWN = 10;

export async function latestAttendancePosting(
  db: Kysely<Database>,
  schoolId: string,
): Promise<AttendanceOut | null> {
  const latest = await db
    .selectFrom('attendance_ledger')
    .select(['sync_run_id', sql<Date>`max(posted_at)`.as('posted_at')])
    .where('school_id', '=', schoolId)
    .groupBy('sync_run_id')
    .orderBy(sql`max(posted_at)`, 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!latest) return null;

  // NULL run ids (postings outside a run) group together, as GROUP BY grouped them.
  const ofLatestRun = sql<boolean>`sync_run_id IS NOT DISTINCT FROM ${latest.sync_run_id}`;

  const [sent, lda, standing, rejections] = await Promise.all([
    db
      .selectFrom('attendance_ledger')
      .select([
        sql<string>`count(*)`.as('sent'),
        sql<string>`count(*) FILTER (WHERE status = 'accepted')`.as('accepted'),
        sql<string>`count(*) FILTER (WHERE status = 'rejected')`.as('rejected'),
      ])
      .where('school_id', '=', schoolId)
      .where(ofLatestRun)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('lda_ledger')
      .select(sql<string>`count(*)`.as('n'))
      .where('school_id', '=', schoolId)
      .where(ofLatestRun)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('attendance_ledger')
      .select(sql<string>`count(*)`.as('n'))
      .where('school_id', '=', schoolId)
      .where('status', '=', 'rejected')
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('attendance_ledger as l')
      .leftJoin('users as u', (join) =>
        join
          .onRef('u.school_id', '=', 'l.school_id')
          .on('u.sis_key', '=', sql<string>`'student:' || l.student_sis_id`),
      )
      .leftJoin('courses as c', (join) =>
        join.onRef('c.school_id', '=', 'l.school_id').onRef('c.sis_key', '=', 'l.course_sis_key'),
      )
      .select([
        'l.student_sis_id',
        'l.course_sis_key',
        'l.attendance_date',
        'l.type',
        'l.sis_message',
        'u.first_name',
        'u.last_name',
        'c.section_code',
      ])
      .where('l.school_id', '=', schoolId)
      .where('l.status', '=', 'rejected')
      .orderBy('l.posted_at', 'desc')
      .limit(REJECTIONS_SHOWN)
      .execute(),
  ]);

  return {
    postedAt: latest.posted_at.toISOString(),
    sent: Number(sent.sent),
    accepted: Number(sent.accepted),
    rejected: Number(sent.rejected),
    ldaUpdates: Number(lda.n),
    standingRejections: Number(standing.n),
    recentRejections: rejections.map((r) => ({
      student: r.first_name === null ? `student ${r.student_sis_id}` : `${r.first_name} ${r.last_name}`,
      section: r.section_code ?? r.course_sis_key,
      date: r.attendance_date,
      type: r.type,
      reason: r.sis_message ?? 'no reason given',
    })),
  };
}
