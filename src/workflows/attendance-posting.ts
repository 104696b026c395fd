/**
 * Attendance posting for one school and run, a child of SyncWorkflow after the roster: computes
 * the records of closed sessions per batch of courses, posts the due records call by call (the
 * activities read them from the database; the history holds cursors and counts only), then the
 * LDAs that changed.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { PostingProgress } from '../activities/attendance-posting';
import { inPool } from './pool';

export interface AttendancePostingInput {
  schoolId: string;
  syncRunId: string;
}

export interface PostingCounts {
  computed: number;
  changed: number;
  posted: number;
  accepted: number;
  rejected: number;
  lastDatesPosted: number;
  sisRequests: number;
}

const retry = {
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '30 seconds',
  maximumAttempts: 10,
  nonRetryableErrorTypes: ['SisConfigurationError', 'ConfigError'],
};
const { countAttendanceCourses, computeAttendanceBatch } = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  retry,
});
// Heartbeats every second: a dead worker's posting is taken over within 5 s; a slow SIS is not.
const { postAttendanceBatches, postLastDatesAttended } = proxyActivities<Activities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '5 seconds',
  retry,
});

const COURSE_BATCH_SIZE = 200;
const COMPUTE_CONCURRENCY = 4;
/** Calls per posting activity: few enough history events for 100,000 records, short enough attempts. */
const CALLS_PER_ACTIVITY = 20;

export async function AttendancePostingWorkflow(input: AttendancePostingInput): Promise<PostingCounts> {
  const counts: PostingCounts = {
    computed: 0,
    changed: 0,
    posted: 0,
    accepted: 0,
    rejected: 0,
    lastDatesPosted: 0,
    sisRequests: 0,
  };
  const courses = await countAttendanceCourses(input);
  const batches = Array.from({ length: Math.ceil(courses / COURSE_BATCH_SIZE) }, (_, batch) => batch);
  const computed = await inPool(batches, COMPUTE_CONCURRENCY, (batch) =>
    computeAttendanceBatch({ ...input, batch, batchSize: COURSE_BATCH_SIZE }),
  );
  for (const result of computed) {
    counts.computed += result.computed;
    counts.changed += result.written;
  }

  // One call in flight at a time: a crash can repeat at most that call.
  let afterId: string | null = null;
  for (;;) {
    const progress: PostingProgress = await postAttendanceBatches({
      ...input,
      afterId,
      maxCalls: CALLS_PER_ACTIVITY,
    });
    counts.posted += progress.posted;
    counts.accepted += progress.accepted;
    counts.rejected += progress.rejected;
    counts.sisRequests += progress.requests;
    afterId = progress.afterId;
    if (progress.done) break;
  }
  for (;;) {
    const progress: { done: boolean; posted: number; requests: number } = await postLastDatesAttended({
      ...input,
      maxCalls: CALLS_PER_ACTIVITY,
    });
    counts.lastDatesPosted += progress.posted;
    counts.sisRequests += progress.requests;
    if (progress.done) break;
  }
  return counts;
}
