/** A school's Temporal Schedule: its id and the state operators and admins are shown. */
import { ScheduleNotFoundError, type Client, type ScheduleSummary } from '@temporalio/client';

export const scheduleId = (schoolId: string) => `sync:${schoolId}`;
const SCHOOL_SCHEDULE = /^sync:(.+)$/;

export interface ScheduleState {
  id: string;
  paused: boolean;
  interval: string | undefined;
  nextRunAt: string | undefined;
  note: string | undefined;
}

function humanDuration(ms: number): string {
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

function stateOf(schedule: ScheduleSummary): ScheduleState {
  const interval = schedule.spec?.intervals?.[0]?.every;
  return {
    id: schedule.scheduleId,
    paused: schedule.state.paused,
    interval: interval === undefined ? undefined : humanDuration(Number(interval)),
    nextRunAt: schedule.info.nextActionTimes[0]?.toISOString(),
    note: schedule.state.note,
  };
}

/**
 * Every school's schedule state by school id, in one listing (the fleet's hundreds of schools).
 * The listing trails a change by a moment; one school's page describes its schedule instead.
 */
export async function schoolScheduleStates(client: Client): Promise<Map<string, ScheduleState>> {
  const states = new Map<string, ScheduleState>();
  for await (const schedule of client.schedule.list()) {
    const schoolId = SCHOOL_SCHEDULE.exec(schedule.scheduleId)?.[1];
    if (schoolId) states.set(schoolId, stateOf(schedule));
  }
  return states;
}

/** The schedule's state, or undefined when the school has none (not enabled, or removed). */
export async function scheduleState(client: Client, schoolId: string): Promise<ScheduleState | undefined> {
  try {
    return stateOf(await client.schedule.getHandle(scheduleId(schoolId)).describe());
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return undefined;
    throw err;
  }
}
