/**
 * The schedule `fleet-watch` (every 15 minutes, FleetWatchWorkflow on the worker's task queue):
 * created by `npm start` and by `enable`, updated in place when it exists, so it is idempotent.
 */
import {
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  type Client,
} from '@temporalio/client';
import { TASK_QUEUE } from '../temporal/connection';
import type { FleetWatchWorkflow } from '../workflows/fleet-watch';

export const FLEET_WATCH_SCHEDULE_ID = 'fleet-watch';

/** `scheduleId` is for tests, which keep their own apart from the one `enable` ensures. */
export async function ensureFleetWatchSchedule(
  client: Client,
  { taskQueue = TASK_QUEUE, scheduleId = FLEET_WATCH_SCHEDULE_ID } = {},
): Promise<void> {
  const spec = { intervals: [{ every: '15m' as const }] };
  const action = {
    type: 'startWorkflow' as const,
    workflowType: 'FleetWatchWorkflow' satisfies (typeof FleetWatchWorkflow)['name'],
    workflowId: scheduleId,
    taskQueue,
    workflowExecutionTimeout: '10 minutes',
  };
  const handle = client.schedule.getHandle(scheduleId);
  try {
    await handle.update((previous) => ({ ...previous, spec, action: action as never }));
    return;
  } catch (err) {
    if (!(err instanceof ScheduleNotFoundError)) throw err;
  }
  await client.schedule
    .create({
      scheduleId,
      spec,
      action,
      policies: { overlap: ScheduleOverlapPolicy.SKIP },
    })
    .catch((err: unknown) => {
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    });
}
