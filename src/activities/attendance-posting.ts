/**
 * Attendance posting, CourseKey -> SIS: compute the records of closed sessions per batch of
 * courses, then post the due ones (new or changed since the SIS last answered) in calls of at most
 * 500, one call at a time, recording each answer in the ledger before the next call. A retried or
 * restarted activity finds the answered records settled, so only the call in flight when a worker
 * died can be sent twice. Arguments and results are ids, cursors and counts: the records are read
 * from the database, never carried through Temporal.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import { computeCourseAttendance, storeAttendanceRecords } from '../db/course-attendance';
import {
  analyzeAttendanceRecords,
  dueLastDates,
  dueRecords,
  recordPostedLastDates,
  recordSisAnswers,
  type DueRecord,
  type SisAnswer,
} from '../db/attendance-ledger';
import { withHeartbeat } from './heartbeat';
import type { SchoolContexts } from './school-context';
import { withSisFailures } from './sis-failure';

/** The contract's limit per PostAttendance call. */
export const MAX_RECORDS_PER_CALL = 500;

export interface PostingProgress {
  /** Id of the last record sent: the cursor of the next call. */
  afterId: string | null;
  done: boolean;
  posted: number;
  accepted: number;
  rejected: number;
  requests: number;
}

function activeCourses(db: Kysely<Database>, schoolId: string) {
  return db.selectFrom('courses').where('school_id', '=', schoolId).where('active', '=', true);
}

export function createAttendancePostingActivities(db: Kysely<Database>, schools: SchoolContexts) {
  return {
    async countAttendanceCourses(input: { schoolId: string; syncRunId: string }): Promise<number> {
      const row = await activeCourses(db, input.schoolId)
        .select(({ fn }) => fn.countAll<string>().as('count'))
        .executeTakeFirstOrThrow();
      return Number(row.count);
    },

    /** Computes and stores the attendance of one batch of active courses; returns records written. */
    async computeAttendanceBatch(input: {
      schoolId: string;
      syncRunId: string;
      batch: number;
      batchSize: number;
    }): Promise<{ computed: number; written: number }> {
      const { config } = await schools.forRun(input.syncRunId);
      const courses = await activeCourses(db, input.schoolId)
        .select('sis_key')
        .orderBy('sis_key')
        .offset(input.batch * input.batchSize)
        .limit(input.batchSize)
        .execute();
      const records = await computeCourseAttendance(
        db,
        config,
        courses.map((course) => course.sis_key),
        new Date(),
      );
      const written = await storeAttendanceRecords(db, input.schoolId, records);
      return { computed: records.length, written };
    },

    /** Posts up to `maxCalls` calls of due records after the cursor, recording each answer. */
    async postAttendanceBatches(input: {
      schoolId: string;
      syncRunId: string;
      afterId: string | null;
      maxCalls: number;
    }): Promise<PostingProgress> {
      return withSisFailures(() =>
        withHeartbeat(async () => {
          const { sis, dryRun } = await schools.forRun(input.syncRunId);
          const progress: PostingProgress = {
            afterId: input.afterId,
            done: false,
            posted: 0,
            accepted: 0,
            rejected: 0,
            requests: 0,
          };
          // A dry run reports what the SIS holds; it never writes to it.
          if (dryRun) return { ...progress, done: true };
          // The first activity of a run posts right after the compute phase wrote the records.
          if (input.afterId === null) await analyzeAttendanceRecords(db);
          const read = (afterId: string | null) => {
            const pending = dueRecords(db, input.schoolId, afterId, MAX_RECORDS_PER_CALL);
            // Awaited later; a failed read must not become an unhandled rejection meanwhile.
            pending.catch(() => undefined);
            return pending;
          };
          let next: Promise<DueRecord[]> | undefined = read(progress.afterId);
          for (let call = 0; next && call < input.maxCalls; call++) {
            const due: DueRecord[] = await next;
            if (due.length === 0) return { ...progress, done: true };
            // The next call's records are the due ones after this call's last id: this call's
            // answers cannot change them (a record has one ledger key), so they are read while
            // the SIS answers. Still one PostAttendance call at a time, each answer recorded first.
            const more = due.length === MAX_RECORDS_PER_CALL;
            next = more && call + 1 < input.maxCalls ? read(due[due.length - 1]!.id) : undefined;
            const response = await sis.postAttendance({
              records: due.map((record) => ({
                externalId: record.id,
                scheduledCourseId: record.course_sis_key,
                studentId: record.student_sis_id,
                date: record.attendance_date,
                attendedMinutes: record.attended_minutes,
                absentMinutes: record.absent_minutes,
                type: record.type,
              })),
              lastDatesAttended: [],
            });
            progress.requests++;
            const results = new Map(response.results.map((result) => [result.externalId, result]));
            const answers: SisAnswer[] = [];
            for (const record of due) {
              // A record the SIS did not answer stays due and goes in the next run.
              const result = results.get(record.id);
              if (!result) continue;
              const accepted = result.status === 'Accepted';
              answers.push({
                record,
                status: accepted ? 'accepted' : 'rejected',
                message: accepted ? null : (result.message ?? 'rejected without a reason'),
                attendanceId: result.attendanceId ?? null,
              });
              if (accepted) progress.accepted++;
              else progress.rejected++;
            }
            await recordSisAnswers(db, input.schoolId, input.syncRunId, answers);
            progress.posted += due.length;
            progress.afterId = due[due.length - 1]!.id;
            // A short read was the last one: nothing is due after it.
            if (!more) return { ...progress, done: true };
          }
          return progress;
        }),
      );
    },

    /** Posts up to `maxCalls` calls of LDAs that changed; done when none is left. */
    async postLastDatesAttended(input: {
      schoolId: string;
      syncRunId: string;
      maxCalls: number;
    }): Promise<{ done: boolean; posted: number; requests: number }> {
      return withSisFailures(() =>
        withHeartbeat(async () => {
          const { sis, dryRun } = await schools.forRun(input.syncRunId);
          if (dryRun) return { done: true, posted: 0, requests: 0 };
          // One read of the whole ledger for this activity's calls, not one per call: posting LDAs
          // does not change which other LDAs are due, and each call's are recorded before the next.
          const due = await dueLastDates(db, input.schoolId, input.maxCalls * MAX_RECORDS_PER_CALL);
          let posted = 0;
          for (let call = 0; call < input.maxCalls; call++) {
            const chunk = due.slice(call * MAX_RECORDS_PER_CALL, (call + 1) * MAX_RECORDS_PER_CALL);
            if (chunk.length === 0) return { done: true, posted, requests: call };
            await sis.postAttendance({
              records: [],
              lastDatesAttended: chunk.map((lda) => ({
                scheduledCourseId: lda.course_sis_key,
                studentId: lda.student_sis_id,
                lastDateAttended: lda.last_date_attended,
              })),
            });
            await recordPostedLastDates(db, input.schoolId, input.syncRunId, chunk);
            posted += chunk.length;
          }
          // A full read may have left more behind; a short one was all there was.
          const more = due.length === input.maxCalls * MAX_RECORDS_PER_CALL;
          return { done: !more, posted, requests: input.maxCalls };
        }),
      );
    },
  };
}
