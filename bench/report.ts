/**
 * What both benches read from workflow histories and how they write their figures: per-activity
 * statistics of a history (and of a workflow's whole tree of children), number formats, tables, and
 * the generated block of docs/benchmarks.md between two markers.
 */
import type { Client } from '@temporalio/client';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as prettier from 'prettier';

export interface ActivityStats {
  count: number;
  /** Sum of start -> completion of every attempt that completed. */
  busyMs: number;
  /** First scheduled -> last completed. */
  spanMs: number;
  /** Scheduled -> started, summed: time spent waiting for a worker slot. */
  queuedMs: number;
  /** When the first was scheduled and the last completed, from the workflow's start. */
  firstMs: number;
  lastMs: number;
}

export interface HistoryStats {
  workflowId: string;
  events: number;
  durationMs: number;
  activities: Record<string, ActivityStats>;
}

type EventLike = {
  eventId?: unknown;
  eventTime?: { seconds?: unknown; nanos?: number | null } | null;
  activityTaskScheduledEventAttributes?: { activityType?: { name?: string | null } | null } | null;
  activityTaskStartedEventAttributes?: { scheduledEventId?: unknown; attempt?: number | null } | null;
  activityTaskCompletedEventAttributes?: { scheduledEventId?: unknown; startedEventId?: unknown } | null;
  childWorkflowExecutionStartedEventAttributes?: {
    workflowExecution?: { workflowId?: string | null } | null;
  } | null;
};

const timeMs = (event: EventLike) =>
  Number(String(event.eventTime?.seconds ?? 0)) * 1000 + (event.eventTime?.nanos ?? 0) / 1e6;

/** The workflow and every descendant it started, found through their ChildWorkflowExecutionStarted events. */
export async function workflowTreeStats(client: Client, rootId: string): Promise<HistoryStats[]> {
  return (await workflowTreeEvents(client, rootId)).map(({ workflowId, events }) =>
    historyStats(workflowId, events),
  );
}

/** The history of the workflow and of every descendant it started, root first. */
export async function workflowTreeEvents(
  client: Client,
  rootId: string,
): Promise<{ workflowId: string; events: EventLike[] }[]> {
  const found: { workflowId: string; events: EventLike[] }[] = [];
  const pending = [rootId];
  while (pending.length > 0) {
    const workflowId = pending.shift()!;
    const events = await historyEvents(client, workflowId);
    found.push({ workflowId, events });
    for (const event of events) {
      const child = event.childWorkflowExecutionStartedEventAttributes?.workflowExecution?.workflowId;
      if (child) pending.push(child);
    }
  }
  return found;
}

export interface CompletedActivity {
  type: string;
  /** Epoch ms: when the activity was scheduled, its last attempt started, and it completed. */
  scheduledAt: number;
  startedAt: number;
  completedAt: number;
  /** The attempt that completed: 1 unless earlier attempts failed or timed out. */
  attempt: number;
}

/** Each activity that completed, with the times of its last attempt. */
export function completedActivities(events: EventLike[]): CompletedActivity[] {
  const scheduled = new Map<string, { type: string; at: number }>();
  const started = new Map<string, { at: number; attempt: number }>();
  const completed: CompletedActivity[] = [];
  for (const event of events) {
    const scheduledAttributes = event.activityTaskScheduledEventAttributes;
    const startedAttributes = event.activityTaskStartedEventAttributes;
    const completedAttributes = event.activityTaskCompletedEventAttributes;
    if (scheduledAttributes) {
      const type = scheduledAttributes.activityType?.name ?? 'unknown';
      scheduled.set(String(event.eventId), { type, at: timeMs(event) });
    } else if (startedAttributes) {
      started.set(String(startedAttributes.scheduledEventId), {
        at: timeMs(event),
        attempt: startedAttributes.attempt ?? 1,
      });
    } else if (completedAttributes) {
      const key = String(completedAttributes.scheduledEventId);
      const task = scheduled.get(key);
      if (!task) continue;
      const attempt = started.get(key);
      completed.push({
        type: task.type,
        scheduledAt: task.at,
        startedAt: attempt?.at ?? task.at,
        completedAt: timeMs(event),
        attempt: attempt?.attempt ?? 1,
      });
    }
  }
  return completed;
}

export async function historyEvents(client: Client, workflowId: string): Promise<EventLike[]> {
  return ((await client.workflow.getHandle(workflowId).fetchHistory()).events ?? []) as EventLike[];
}

/** Per activity type: how many completed, when, and the time they spent queued and running. */
export function historyStats(workflowId: string, events: EventLike[]): HistoryStats {
  const origin = events[0] ? timeMs(events[0]) : 0;
  const scheduled = new Map<string, { type: string; at: number }>();
  const started = new Map<string, number>();
  const activities: Record<string, ActivityStats> = {};
  for (const event of events) {
    const id = String(event.eventId);
    if (event.activityTaskScheduledEventAttributes) {
      const type = event.activityTaskScheduledEventAttributes.activityType?.name ?? 'unknown';
      scheduled.set(id, { type, at: timeMs(event) - origin });
    } else if (event.activityTaskStartedEventAttributes) {
      started.set(String(event.activityTaskStartedEventAttributes.scheduledEventId), timeMs(event) - origin);
    } else if (event.activityTaskCompletedEventAttributes) {
      const key = String(event.activityTaskCompletedEventAttributes.scheduledEventId);
      const task = scheduled.get(key);
      if (!task) continue;
      const at = timeMs(event) - origin;
      const begun = started.get(key) ?? task.at;
      const stats = (activities[task.type] ??= {
        count: 0,
        busyMs: 0,
        spanMs: 0,
        queuedMs: 0,
        firstMs: task.at,
        lastMs: at,
      });
      stats.count++;
      stats.busyMs += at - begun;
      stats.queuedMs += begun - task.at;
      stats.firstMs = Math.min(stats.firstMs, task.at);
      stats.lastMs = Math.max(stats.lastMs, at);
      stats.spanMs = stats.lastMs - stats.firstMs;
    }
  }
  const durationMs = events.length > 1 ? timeMs(events[events.length - 1]!) - origin : 0;
  return { workflowId, events: events.length, durationMs, activities };
}

export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
export const mib = (bytes: number) => `${Math.round(bytes / 1024 ** 2)} MiB`;
export const count = (n: number) => n.toLocaleString('en-US');
export const mark = (met: boolean) => (met ? 'met' : '**not met**');
export const cpu = (value: number | undefined) => (value === undefined ? 'n/a' : `${value.toFixed(1)} s`);

export function textTable(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ')).join('\n');
}

export function markdownTable(rows: string[][]): string {
  const [head, ...body] = rows;
  return [head!, head!.map(() => '---'), ...body].map((row) => `| ${row.join(' | ')} |`).join('\n');
}

/**
 * Puts `block` (which starts and ends with the markers) in place of the one between the markers, or
 * after `heading` at the end when there is none yet; the rest of the file is kept. Formatted as
 * `npm run check` expects, so a fresh run leaves the tree clean.
 */
export async function writeMarkedBlock(
  file: string,
  markers: { start: string; end: string },
  block: string,
  heading: string,
): Promise<void> {
  const existing = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const start = existing.indexOf(markers.start);
  const end = existing.indexOf(markers.end);
  const text =
    start >= 0 && end > start
      ? existing.slice(0, start) + block + existing.slice(end + markers.end.length)
      : `${existing.trimEnd()}\n\n${heading}\n\n${block}\n`;
  const options = (await prettier.resolveConfig(file)) ?? {};
  writeFileSync(file, await prettier.format(text, { ...options, filepath: file }));
}
