/**
 * Attendance posting, CourseKey -> SIS. Per course that needs it (src/db/attendance-course-state.ts)
 * the records of closed sessions are computed in memory and compared with the ledger; the due ones
 * (new, or minutes changed since the SIS last answered) go in calls of at most 500, one call at a
 * time, each call's answers journalled before the next call. While the SIS answers, the next
 * courses are computed and the last answers filed in the ledger. A retried or restarted activity finds the answered records settled, so
 * only the call in flight when a worker died can be sent twice. Arguments and results are a course
 * cursor and counts: the records never pass through Temporal.
 */
import type { Kysely } from 'kysely';
import type { CampusCloudClient } from '../campus-cloud/client';
import type { PostAttendanceRequest } from '../campus-cloud/schemas';
import { Context } from '@temporalio/activity';
import {
  clearPendingLastDates,
  coursesToPost,
  coursesWithPendingLastDates,
  minutesRulesHash,
  settleCourses,
  type ComputedCourseState,
  type CourseToPost,
} from '../db/attendance-course-state';
import {
  dueLastDates,
  journalSisAnswers,
  ledgerKey,
  ledgerMinutes,
  moveJournalToLedger,
  recordPostedLastDates,
  type SisAnswer,
} from '../db/attendance-ledger';
import { makeupAttendance } from '../coursekey/attendance-minutes';
import { computeCourseAttendance, type ComputedRecord } from '../db/course-attendance';
import type { Database } from '../db/database';
import type { SchoolConfig } from '../config/school-config';
import { countPostedAttendance, countPostedLastDates } from '../metrics/sync-metrics';
import { chunked } from './chunked';
import type { SchoolContexts } from './school-context';
import { withSisFailures } from './sis-failure';

/** The contract's limit per PostAttendance call. */
export const MAX_RECORDS_PER_CALL = 500;
/** Courses computed per read: a call's worth of records or more, computed while the SIS answers. */
const COURSES_PER_READ = 16;
/**
 * No new call after this long in one attempt: the activity returns its cursor and the next one
 * goes on. Far below the start-to-close timeout, so an attempt never times out while it posts and a
 * second attempt never posts beside it.
 */
const ATTEMPT_BUDGET_MS = 2 * 60_000;

export interface PostingProgress {
  /** Every course up to this key was computed and its due records sent: the next activity's cursor. */
  afterCourse: string | null;
  done: boolean;
  courses: number;
  computed: number;
  posted: number;
  accepted: number;
  rejected: number;
  requests: number;
  /** Set when asked to post the LDAs too (withLastDates) and the records were done. */
  lastDates?: LastDatesProgress;
}

/** A course's computed attendance, with the records still to send. */
interface ComputedCourse extends ComputedCourseState {
  computed: number;
  due: ComputedRecord[];
}

/** The id the SIS echoes in its answer: the record's own key, readable in the SIS's logs. */
const externalId = (r: ComputedRecord) => `${r.courseKey}|${r.studentId}|${r.date}|${r.type}`;

export function toSisRecord(record: ComputedRecord): PostAttendanceRequest['records'][number] {
  return {
    externalId: externalId(record),
    scheduledCourseId: record.courseKey,
    studentId: record.studentId,
    date: record.date,
    attendedMinutes: record.attended,
    absentMinutes: record.absent,
    type: record.type,
  };
}

/** Computes some courses' attendance as of `now` and keeps, per course, the records the ledger does not hold. */
async function computeDue(
  db: Kysely<Database>,
  config: SchoolConfig,
  now: Date,
  courses: CourseToPost[],
): Promise<ComputedCourse[]> {
  const keys = courses.map((course) => course.sisKey);
  const [attendance, answered] = await Promise.all([
    computeCourseAttendance(db, config, keys, now, { forPosting: true }),
    ledgerMinutes(db, config.schoolId, keys),
  ]);
  const byCourse = new Map<string, ComputedCourse>(
    courses.map((course) => [
      course.sisKey,
      { ...course, nextCloseAt: attendance.nextCloseAt.get(course.sisKey) ?? null, computed: 0, due: [] },
    ]),
  );
  const computedMakeups = new Set<string>();
  for (const record of attendance.records) {
    const course = byCourse.get(record.courseKey)!;
    course.computed++;
    const key = ledgerKey(record.courseKey, record.studentId, record.date, record.type);
    if (record.type === 'Makeup') computedMakeups.add(key);
    const last = answered.minutes.get(key);
    if (last?.attended === record.attended && last.absent === record.absent) continue;
    course.due.push(record);
  }
  // A makeup entry removed since it was posted: the SIS record of that day is set to 0 minutes
  // (posting the same key replaces its minutes; the contract has no delete).
  const { startDate } = config.posting;
  for (const makeup of answered.makeups) {
    if (startDate && makeup.date < startDate) continue;
    if (computedMakeups.has(ledgerKey(makeup.courseKey, makeup.studentId, makeup.date, 'Makeup'))) continue;
    byCourse.get(makeup.courseKey)!.due.push({
      ...makeup,
      ...makeupAttendance(makeup.date, 0),
    });
  }
  return [...byCourse.values()];
}

export interface LastDatesProgress {
  done: boolean;
  posted: number;
  requests: number;
}

/** Posts up to `maxCalls` calls of the LDAs that changed in the courses posted, each recorded before the next. */
async function postDueLastDates(
  db: Kysely<Database>,
  sis: CampusCloudClient,
  input: { schoolId: string; syncRunId: string; maxCalls: number },
): Promise<LastDatesProgress> {
  const pending = await coursesWithPendingLastDates(db, input.schoolId);
  // One read for this activity's calls, not one per call: posting LDAs does not change
  // which other LDAs are due, and each call's are recorded before the next.
  const limit = input.maxCalls * MAX_RECORDS_PER_CALL;
  const due = await dueLastDates(db, input.schoolId, pending.courseKeys, limit);
  const calls = chunked(due, MAX_RECORDS_PER_CALL);
  for (const chunk of calls) {
    await sis.postAttendance({
      records: [],
      lastDatesAttended: chunk.map((lda) => ({
        scheduledCourseId: lda.course_sis_key,
        studentId: lda.student_sis_id,
        lastDateAttended: lda.last_date_attended,
      })),
    });
    await recordPostedLastDates(db, input.schoolId, input.syncRunId, chunk);
    countPostedLastDates(chunk.length);
  }
  // A full read may have left more behind; a short one was all these courses had.
  const done = due.length < limit;
  if (done) await clearPendingLastDates(db, input.schoolId, pending.courseKeys, pending.readAt);
  return { done, posted: due.length, requests: calls.length };
}

export function createAttendancePostingActivities(db: Kysely<Database>, schools: SchoolContexts) {
  return {
    /** Computes the courses after the cursor and posts their due records, up to `maxCalls` calls. */
    async computeAndPostAttendance(input: {
      schoolId: string;
      syncRunId: string;
      /** The run's clock: sessions closed by then are posted (ISO instant). */
      asOf: string;
      afterCourse: string | null;
      maxCalls: number;
      /** Once the records are done, post the LDAs in the calls left (saves an activity a run). */
      withLastDates?: boolean;
    }): Promise<PostingProgress> {
      return withSisFailures(async () => {
        const { config, sis, dryRun } = await schools.forRun(input.syncRunId);
        const { schoolId, syncRunId } = input;
        const progress: PostingProgress = {
          afterCourse: input.afterCourse,
          done: false,
          courses: 0,
          computed: 0,
          posted: 0,
          accepted: 0,
          rejected: 0,
          requests: 0,
        };
        // A dry run reports what the SIS holds; it never writes to it.
        if (dryRun) return { ...progress, done: true };
        const { cancellationSignal } = Context.current();
        const budgetEndsAt = Date.now() + ATTEMPT_BUDGET_MS;
        // Answers an attempt that died left in the journal count before anything is compared.
        await moveJournalToLedger(db, schoolId);
        const now = new Date(input.asOf);
        const rulesHash = minutesRulesHash(config);
        const reads = chunked(
          await coursesToPost(db, schoolId, { afterCourse: input.afterCourse, rulesHash, now }),
          COURSES_PER_READ,
        );

        // The last call of this attempt is decided: computing further courses would be wasted.
        const mayCall = () => progress.requests < input.maxCalls && Date.now() < budgetEndsAt;
        let nextRead = 0;
        const startRead = () => {
          if (nextRead === reads.length || !mayCall()) return undefined;
          const pending = computeDue(db, config, now, reads[nextRead++]!);
          // Awaited later; a failed read must not become an unhandled rejection meanwhile.
          pending.catch(() => undefined);
          return pending;
        };
        let reading = startRead();

        // Courses in key order with the records not sent yet; the front ones are sent first.
        const queue: ComputedCourse[] = [];
        let queued = 0;
        const finished: (ComputedCourseState & { settled: boolean })[] = [];
        // A course with a record the SIS did not answer stays due: it is computed again next run.
        const unanswered = new Set<string>();
        // Journal rows are filed in the ledger one after another, beside the calls.
        let filing: Promise<void> = Promise.resolve();
        for (;;) {
          while (queued < MAX_RECORDS_PER_CALL && reading) {
            const courses = await reading;
            reading = startRead();
            for (const course of courses) {
              queue.push(course);
              queued += course.due.length;
            }
          }
          // Front courses with nothing left to send had every record sent and its answer journalled.
          while (queue[0]?.due.length === 0) {
            const { computed, due: _due, ...course } = queue.shift()!;
            finished.push({ ...course, settled: !unanswered.has(course.sisKey) });
            progress.courses++;
            progress.computed += computed;
            progress.afterCourse = course.sisKey;
          }
          if (queued === 0 && !reading) {
            progress.done = nextRead >= reads.length;
            break;
          }
          if (!mayCall()) break;
          // A timed-out or cancelled attempt stops before its next call: only the call in flight can repeat.
          cancellationSignal.throwIfAborted();

          const call: ComputedRecord[] = [];
          for (const course of queue) {
            if (call.length === MAX_RECORDS_PER_CALL) break;
            call.push(...course.due.splice(0, MAX_RECORDS_PER_CALL - call.length));
          }
          queued -= call.length;
          const response = await sis.postAttendance({
            records: call.map(toSisRecord),
            lastDatesAttended: [],
          });
          progress.requests++;
          const results = new Map(response.results.map((result) => [result.externalId, result]));
          const answers: SisAnswer[] = [];
          for (const record of call) {
            const result = results.get(externalId(record));
            if (!result) {
              unanswered.add(record.courseKey);
              continue;
            }
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
          // Recorded before the next call: a crash can repeat only the call in flight.
          const journalId = await journalSisAnswers(db, schoolId, syncRunId, answers, call.length);
          countPostedAttendance({
            accepted: answers.filter((answer) => answer.status === 'accepted').length,
            rejected: answers.filter((answer) => answer.status === 'rejected').length,
          });
          if (journalId !== null) {
            filing = filing.then(() => moveJournalToLedger(db, schoolId, journalId));
            filing.catch(() => undefined);
          }
          progress.posted += call.length;
        }
        await filing;
        await settleCourses(db, schoolId, syncRunId, rulesHash, finished);
        const callsLeft = input.maxCalls - progress.requests;
        if (input.withLastDates && progress.done && callsLeft > 0 && Date.now() < budgetEndsAt) {
          cancellationSignal.throwIfAborted();
          progress.lastDates = await postDueLastDates(db, sis, { schoolId, syncRunId, maxCalls: callsLeft });
        }
        return progress;
      });
    },

    /** Posts up to `maxCalls` calls of the LDAs that changed in the courses just posted. */
    async postLastDatesAttended(input: {
      schoolId: string;
      syncRunId: string;
      maxCalls: number;
    }): Promise<LastDatesProgress> {
      return withSisFailures(async () => {
        const { sis, dryRun } = await schools.forRun(input.syncRunId);
        if (dryRun) return { done: true, posted: 0, requests: 0 };
        return postDueLastDates(db, sis, input);
      });
    },
  };
}
