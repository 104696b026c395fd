/** A school's Temporal Schedule: its id and the state operators and admins are shown. */
import { ScheduleNotFoundError, type Client } from '@temporalio/client';

export const scheduleId = (schoolId: string) => `sync:${schoolId}`;

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

/** The schedule's state, or undefined when the school has none (not enabled, or removed). */
export async function scheduleState(client: Client, schoolId: string): Promise<ScheduleState | undefined> {
  try {
    const description = await client.schedule.getHandle(scheduleId(schoolId)).describe();
    const interval = description.spec.intervals?.[0]?.every;
    return {
      id: description.scheduleId,
      paused: description.state.paused,
      interval: interval === undefined ? undefined : humanDuration(Number(interval)),
      nextRunAt: description.info.nextActionTimes[0]?.toISOString(),
      note: description.state.note,
    };
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return undefined;
    throw err;
  }
}
