/**
 * What a school-run costs Temporal, read from its histories (SyncWorkflow and its children): the
 * history events, and the Temporal Cloud Actions it would be billed, counted by the rule in
 * docs/benchmarks.md ("Fleet"): 1 per workflow started (the run and each child), 1 per activity
 * attempt, 1 per workflow task that ran local activities (however many), 1 per timer, signal, update and search-attribute upsert, 1 for the schedule that starts
 * the run, and the activity heartbeats that reach the server, estimated (they leave no event).
 */
import type { Client } from '@temporalio/client';
import { HEARTBEAT_TIMEOUT } from '../src/workflows/activity-options';
import { workflowTreeEvents } from './report';

/**
 * An activity beats at its start and every second after (src/activities/heartbeat.ts); the SDK
 * sends the first at once and then at most one per 0.8 x the heartbeat timeout.
 */
const HEARTBEAT_THROTTLE_MS = 0.8 * Number.parseInt(HEARTBEAT_TIMEOUT, 10) * 1000;

export interface RunCost {
  workflows: number;
  /** History events of the run and its children together, and of the largest of those histories. */
  events: number;
  largestHistory: number;
  activityAttempts: number;
  /** Local activities (one marker each), and the workflow tasks that ran them: what is billed. */
  localActivities: number;
  localActivityTasks: number;
  timers: number;
  signals: number;
  updates: number;
  upserts: number;
  heartbeats: number;
  /** Where a run's time goes, summed over its three histories: workflow tasks waiting for a worker and running, activities waiting for a slot and running. */
  workflowTasks: number;
  workflowTaskQueuedMs: number;
  workflowTaskRunMs: number;
  activityQueuedMs: number;
  activityBusyMs: number;
  /** The schedule's own action for the run (0 when the bench started it directly: counted as if scheduled). */
  schedule: number;
  actions: number;
}

interface CostEvent {
  eventTime?: { seconds?: unknown; nanos?: number | null } | null;
  workflowExecutionStartedEventAttributes?: unknown;
  activityTaskStartedEventAttributes?: { scheduledEventId?: unknown; attempt?: number | null } | null;
  activityTaskCompletedEventAttributes?: { scheduledEventId?: unknown } | null;
  activityTaskFailedEventAttributes?: { scheduledEventId?: unknown } | null;
  activityTaskTimedOutEventAttributes?: { scheduledEventId?: unknown } | null;
  activityTaskCanceledEventAttributes?: { scheduledEventId?: unknown } | null;
  activityTaskScheduledEventAttributes?: unknown;
  workflowTaskScheduledEventAttributes?: unknown;
  workflowTaskStartedEventAttributes?: { scheduledEventId?: unknown } | null;
  workflowTaskCompletedEventAttributes?: { startedEventId?: unknown } | null;
  eventId?: unknown;
  timerStartedEventAttributes?: unknown;
  workflowExecutionSignaledEventAttributes?: unknown;
  signalExternalWorkflowExecutionInitiatedEventAttributes?: unknown;
  workflowExecutionUpdateAcceptedEventAttributes?: unknown;
  workflowExecutionUpdateRejectedEventAttributes?: unknown;
  upsertWorkflowSearchAttributesEventAttributes?: unknown;
  markerRecordedEventAttributes?: {
    markerName?: string | null;
    workflowTaskCompletedEventId?: unknown;
  } | null;
}

const timeMs = (event: CostEvent) =>
  Number(String(event.eventTime?.seconds ?? 0)) * 1000 + (event.eventTime?.nanos ?? 0) / 1e6;

function costOf(events: CostEvent[]): Omit<RunCost, 'schedule' | 'actions' | 'largestHistory'> {
  const cost = {
    workflows: 0,
    events: events.length,
    activityAttempts: 0,
    localActivities: 0,
    localActivityTasks: 0,
    timers: 0,
    signals: 0,
    updates: 0,
    upserts: 0,
    heartbeats: 0,
    workflowTasks: 0,
    workflowTaskQueuedMs: 0,
    workflowTaskRunMs: 0,
    activityQueuedMs: 0,
    activityBusyMs: 0,
  };
  const started = new Map<string, { at: number; attempt: number }>();
  const tasksWithLocalActivities = new Set<string>();
  const scheduledAt = new Map<string, number>();
  for (const event of events) {
    const id = String(event.eventId);
    if (event.workflowTaskScheduledEventAttributes || event.activityTaskScheduledEventAttributes)
      scheduledAt.set(id, timeMs(event));
    const taskStarted = event.workflowTaskStartedEventAttributes;
    if (taskStarted) {
      scheduledAt.set(id, timeMs(event));
      cost.workflowTasks++;
      cost.workflowTaskQueuedMs +=
        timeMs(event) - (scheduledAt.get(String(taskStarted.scheduledEventId)) ?? timeMs(event));
    }
    const taskCompleted = event.workflowTaskCompletedEventAttributes;
    if (taskCompleted)
      cost.workflowTaskRunMs +=
        timeMs(event) - (scheduledAt.get(String(taskCompleted.startedEventId)) ?? timeMs(event));
    if (event.workflowExecutionStartedEventAttributes) cost.workflows++;
    if (event.timerStartedEventAttributes) cost.timers++;
    if (event.workflowExecutionSignaledEventAttributes) cost.signals++;
    if (event.workflowExecutionUpdateAcceptedEventAttributes) cost.updates++;
    if (event.workflowExecutionUpdateRejectedEventAttributes) cost.updates++;
    if (event.upsertWorkflowSearchAttributesEventAttributes) cost.upserts++;
    const marker = event.markerRecordedEventAttributes;
    if (marker?.markerName === 'core_local_activity') {
      cost.localActivities++;
      tasksWithLocalActivities.add(String(marker.workflowTaskCompletedEventId));
    }
    const start = event.activityTaskStartedEventAttributes;
    if (start) {
      started.set(String(start.scheduledEventId), { at: timeMs(event), attempt: start.attempt ?? 1 });
      cost.activityQueuedMs +=
        timeMs(event) - (scheduledAt.get(String(start.scheduledEventId)) ?? timeMs(event));
    }
    const closed =
      event.activityTaskCompletedEventAttributes ??
      event.activityTaskFailedEventAttributes ??
      event.activityTaskTimedOutEventAttributes ??
      event.activityTaskCanceledEventAttributes;
    const attempt = closed && started.get(String(closed.scheduledEventId));
    if (attempt) {
      // Earlier attempts left no event but their attempt number: one action and one beat each.
      cost.activityAttempts += attempt.attempt;
      cost.activityBusyMs += timeMs(event) - attempt.at;
      cost.heartbeats += attempt.attempt + Math.floor((timeMs(event) - attempt.at) / HEARTBEAT_THROTTLE_MS);
    }
  }
  cost.localActivityTasks = tasksWithLocalActivities.size;
  return cost;
}

/** The cost of the run `sync:<...>` and its children. */
export async function runCost(client: Client, syncWorkflowId: string): Promise<RunCost> {
  const tree = await workflowTreeEvents(client, syncWorkflowId);
  const total = tree
    .map(({ events }) => costOf(events as CostEvent[]))
    .reduce((sum, part) => {
      for (const key of Object.keys(part) as (keyof typeof part)[]) sum[key] += part[key];
      return sum;
    });
  const largestHistory = Math.max(...tree.map(({ events }) => events.length));
  const schedule = 1;
  const actions =
    total.workflows +
    total.activityAttempts +
    total.localActivityTasks +
    total.timers +
    total.signals +
    total.updates +
    total.upserts +
    total.heartbeats +
    schedule;
  return { ...total, largestHistory, schedule, actions };
}

/** Means of the runs' costs, field by field. */
export function meanCost(costs: RunCost[]): RunCost {
  const mean = {} as Record<keyof RunCost, number>;
  for (const key of Object.keys(costs[0] ?? {}) as (keyof RunCost)[]) {
    mean[key] = costs.reduce((sum, cost) => sum + cost[key], 0) / costs.length;
  }
  return mean as RunCost;
}
