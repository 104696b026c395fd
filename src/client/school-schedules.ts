/**
 * Enabling a school: its row (configuration without secrets) and its Temporal Schedule
 * `sync:<schoolId>` that starts SyncWorkflow every interval, skipping a run while one is going.
 */
import {
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  type Client,
  type ScheduleOptions,
} from '@temporalio/client';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { SchoolConfig } from '../config/school-config';
import type { Database } from '../db/database';
import { durationMs } from '../config/durations';
import { scheduleOffsetMs } from '../coursekey/schedule-offset';
import { TASK_QUEUE } from '../temporal/connection';
import { scheduleId } from '../temporal/schedules';
import { schoolSearchAttributes } from '../workflows/search-attributes';
import type { SyncWorkflow } from '../workflows/sync';
import { ensureSearchAttributes } from './search-attributes';

function scheduleOptions(config: SchoolConfig, taskQueue: string): ScheduleOptions {
  const { interval } = config.schedule;
  return {
    scheduleId: scheduleId(config.schoolId),
    // Each school at its own stable point of the interval, so hundreds of schools do not all start at :00.
    spec: {
      intervals: [{ every: durationMs(interval), offset: scheduleOffsetMs(config.schoolId, interval) }],
    },
    action: {
      type: 'startWorkflow',
      workflowType: 'SyncWorkflow' satisfies (typeof SyncWorkflow)['name'],
      // The schedule appends the scheduled time: sync:<schoolId>-<time>, one id per run.
      workflowId: `sync:${config.schoolId}`,
      taskQueue,
      args: [{ schoolId: config.schoolId }],
      typedSearchAttributes: schoolSearchAttributes(config.schoolId),
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: config.schedule.catchupWindow as '1m' },
    memo: { schoolName: config.name, environment: config.environment },
  };
}

/** The school's row: its configuration as validated (credential references only, no secrets). */
export async function storeSchoolConfig(db: Kysely<Database>, config: SchoolConfig): Promise<void> {
  await db
    .insertInto('schools')
    .values({
      id: config.schoolId,
      name: config.name,
      campus_id: config.campusId,
      time_zone: config.timeZone,
      environment: config.environment,
      sis_base_url: config.sis.baseUrl,
      config: JSON.stringify(config),
    })
    .onConflict((conflict) =>
      conflict.column('id').doUpdateSet({
        name: sql.ref('excluded.name'),
        campus_id: sql.ref('excluded.campus_id'),
        time_zone: sql.ref('excluded.time_zone'),
        environment: sql.ref('excluded.environment'),
        sis_base_url: sql.ref('excluded.sis_base_url'),
        config: sql.ref('excluded.config'),
        updated_at: sql`now()`,
      }),
    )
    .execute();
}

/**
 * Idempotent: enabling again updates the stored configuration and the schedule in place. A school
 * disabled by `school disable` is enabled again: its paused schedule resumes (unless `paused`), and
 * only then is it marked enabled, so a failure leaves it disabled and enabling again retries.
 */
export async function enableSchool(
  db: Kysely<Database>,
  client: Client,
  config: SchoolConfig,
  options: { taskQueue?: string; paused?: boolean } = {},
): Promise<{ scheduleId: string; created: boolean }> {
  await storeSchoolConfig(db, config);
  await ensureSearchAttributes(client);
  const { disabled_at: disabledAt } = await db
    .selectFrom('schools')
    .select('disabled_at')
    .where('id', '=', config.schoolId)
    .executeTakeFirstOrThrow();
  const markEnabled = () =>
    db.updateTable('schools').set({ disabled_at: null }).where('id', '=', config.schoolId).execute();

  const schedule = scheduleOptions(config, options.taskQueue ?? TASK_QUEUE);
  const handle = client.schedule.getHandle(schedule.scheduleId);
  try {
    await handle.update((previous) => ({
      ...previous,
      spec: schedule.spec,
      action: schedule.action as never,
      policies: schedule.policies,
      // Resumed by the update itself: a separate unpause is a second signal, and the scheduler
      // applies a pending pause/unpause before a pending update, whose copied state would undo it.
      state:
        disabledAt && !options.paused
          ? { ...previous.state, paused: false, note: 'enabled again' }
          : previous.state,
    }));
    if (disabledAt) await markEnabled();
    return { scheduleId: schedule.scheduleId, created: false };
  } catch (err) {
    if (!(err instanceof ScheduleNotFoundError)) throw err;
  }
  try {
    await client.schedule.create({ ...schedule, state: { paused: options.paused ?? false } });
    if (disabledAt) await markEnabled();
    return { scheduleId: schedule.scheduleId, created: true };
  } catch (err) {
    // Enabled at the same moment elsewhere: theirs exists now, so update it like any other.
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    return enableSchool(db, client, config, options);
  }
}

/**
 * Starts a run now through the schedule and returns its workflow id, or the id of the run
 * already in progress.
 */
export async function triggerSync(client: Client, schoolId: string, timeoutMs = 30_000): Promise<string> {
  const handle = client.schedule.getHandle(scheduleId(schoolId));
  const before = await handle.describe();
  // A run in progress is the run: a second one for the same school would only race it.
  const running = before.info.runningActions[0];
  if (running) return running.workflow.workflowId;
  const known = new Set([
    ...before.info.recentActions.map((action) => action.action.workflow.workflowId),
    ...before.info.runningActions.map((action) => action.workflow.workflowId),
  ]);
  await handle.trigger();
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const now = await handle.describe();
    const started = [
      ...now.info.runningActions.map((action) => action.workflow.workflowId),
      ...now.info.recentActions.map((action) => action.action.workflow.workflowId),
    ].find((id) => !known.has(id));
    if (started) return started;
    await sleep(200);
  }
  throw new Error(`Schedule ${scheduleId(schoolId)} did not start a run within ${timeoutMs / 1000} s.`);
}
