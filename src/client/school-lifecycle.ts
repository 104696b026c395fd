/**
 * Disabling a school and enabling it again. Disabled: its schedule is paused (with a note saying
 * why) and the school is marked so no run syncs it; its data, configuration and schedule are kept.
 * Enabled again: the stored configuration goes through `enableSchool` as `enable --config` would.
 */
import { ScheduleNotFoundError, type Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { parseSchoolConfig } from '../config/load-school-config';
import type { Database } from '../db/database';
import { scheduleId } from '../temporal/schedules';
import { enableSchool } from './school-schedules';

async function schoolRow(db: Kysely<Database>, schoolId: string) {
  const school = await db
    .selectFrom('schools')
    .select(['id', 'config', 'disabled_at'])
    .where('id', '=', schoolId)
    .executeTakeFirst();
  if (!school)
    throw new Error(
      `School ${schoolId} is not enabled. \`npm run cli -- schools list\` shows the schools; \`enable --config <file>\` adds one.`,
    );
  return school;
}

export async function disableSchool(
  db: Kysely<Database>,
  client: Client,
  schoolId: string,
  reason?: string,
): Promise<{ alreadyDisabled: boolean }> {
  const school = await schoolRow(db, schoolId);
  // Marked first: from now on no run syncs it, whatever the schedule does.
  await db
    .updateTable('schools')
    .set({ disabled_at: sql<Date>`coalesce(disabled_at, now())` })
    .where('id', '=', schoolId)
    .execute();
  try {
    // Paused by an update, not a pause signal: Temporal's scheduler applies a pending pause before a
    // pending update (an enable's, say), whose state would then undo the pause.
    const note = `disabled (school disable)${reason ? `: ${reason}` : ''}`;
    await client.schedule
      .getHandle(scheduleId(schoolId))
      .update((previous) => ({ ...previous, state: { ...previous.state, paused: true, note } }));
  } catch (err) {
    if (!(err instanceof ScheduleNotFoundError)) throw err;
  }
  return { alreadyDisabled: Boolean(school.disabled_at) };
}

/** Enables a school again from its stored configuration; the schedule is recreated if it is gone. */
export async function reenableSchool(
  db: Kysely<Database>,
  client: Client,
  schoolId: string,
): Promise<{ scheduleId: string; wasDisabled: boolean }> {
  const school = await schoolRow(db, schoolId);
  const config = parseSchoolConfig(school.config, `stored configuration of school ${schoolId}`);
  const { scheduleId: id } = await enableSchool(db, client, config);
  return { scheduleId: id, wasDisabled: Boolean(school.disabled_at) };
}

/** `sync-now` of a disabled school: refused, naming the way back. */
export async function refuseDisabledSchool(db: Kysely<Database>, schoolId: string): Promise<void> {
  const school = await db
    .selectFrom('schools')
    .select('disabled_at')
    .where('id', '=', schoolId)
    .executeTakeFirst();
  if (school?.disabled_at)
    throw new Error(
      `School ${schoolId} is disabled (since ${school.disabled_at.toISOString()}): no run started. Run \`npm run cli -- school enable ${schoolId}\` to sync it again.`,
    );
}
