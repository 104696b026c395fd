/**
 * Attendance posting for one school and run, a child of SyncWorkflow after the roster: computes the
 * attendance of the courses whose inputs changed or whose sessions closed since the last posting,
 * posts the due records call by call (the activities read and compute them; the history holds a
 * course cursor and counts only), then the LDAs of the courses posted.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { LastDatesProgress, PostingProgress } from '../activities/attendance-posting';
import { activityRetry, HEARTBEAT_TIMEOUT } from './activity-options';

export interface AttendancePostingInput {
  schoolId: string;
  syncRunId: string;
  /** Set by SyncWorkflow since LEAN_RUNS (activity-options.ts): the LDAs go with the last records. */
  lean?: boolean;
}

export interface PostingCounts {
  /** The posting's clock (its start, in workflow time): sessions closed by then were posted. */
  asOf: string;
  /** Courses computed: those never posted, or whose inputs changed or sessions closed since. */
  courses: number;
  computed: number;
  posted: number;
  accepted: number;
  rejected: number;
  lastDatesPosted: number;
  sisRequests: number;
}

const { computeAndPostAttendance, postLastDatesAttended } = proxyActivities<Activities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  retry: activityRetry,
});

/**
 * Calls per posting activity (the activity also stops after two minutes): each activity starts by
 * reading which courses are due and computing the first of them unhidden by a call, so fewer,
 * longer activities post faster; 250 calls are 125,000 records.
 */
const CALLS_PER_ACTIVITY = 250;

export async function AttendancePostingWorkflow(input: AttendancePostingInput): Promise<PostingCounts> {
  const counts: PostingCounts = {
    // Workflow time, fixed in the history: every activity and a replay see the same instant.
    asOf: new Date().toISOString(),
    courses: 0,
    computed: 0,
    posted: 0,
    accepted: 0,
    rejected: 0,
    lastDatesPosted: 0,
    sisRequests: 0,
  };
  // One call in flight at a time: a crash can repeat at most that call.
  const run = { schoolId: input.schoolId, syncRunId: input.syncRunId };
  let afterCourse: string | null = null;
  let lastDatesDone = false;
  for (;;) {
    const progress: PostingProgress = await computeAndPostAttendance({
      ...run,
      asOf: counts.asOf,
      afterCourse,
      maxCalls: CALLS_PER_ACTIVITY,
      ...(input.lean ? { withLastDates: true } : {}),
    });
    counts.courses += progress.courses;
    counts.computed += progress.computed;
    counts.posted += progress.posted;
    counts.accepted += progress.accepted;
    counts.rejected += progress.rejected;
    counts.sisRequests += progress.requests;
    afterCourse = progress.afterCourse;
    if (progress.lastDates) {
      counts.lastDatesPosted += progress.lastDates.posted;
      counts.sisRequests += progress.lastDates.requests;
      lastDatesDone = progress.lastDates.done;
    }
    if (progress.done) break;
  }
  while (!lastDatesDone) {
    const progress: LastDatesProgress = await postLastDatesAttended({ ...run, maxCalls: CALLS_PER_ACTIVITY });
    counts.lastDatesPosted += progress.posted;
    counts.sisRequests += progress.requests;
    lastDatesDone = progress.done;
  }
  return counts;
}
