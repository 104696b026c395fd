/**
 * `npm run cli -- schools list`: every school, enabled or disabled, its schedule and its last run.
 * `school disable <id> [--reason <text>]` pauses its schedule and stops it being synced, keeping its
 * data; `school enable <id>` enables it again from its stored configuration.
 */
import type { Client } from '@temporalio/client';
import { Command } from 'commander';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import { migrateToLatest } from '../db/migrate';
import { listSchools, type SchoolListing } from '../read-model/school-list';
import { disableSchool, reenableSchool } from './school-lifecycle';
import { formatTable, listTime } from './table';

/** cli.ts's connection to PostgreSQL and Temporal for one command. */
export type WithParts = <T>(
  body: (parts: { db: Kysely<Database>; client: Client }) => Promise<T>,
) => Promise<T>;

function scheduleText(school: SchoolListing): string {
  const schedule = school.schedule;
  if (!schedule) return 'none';
  if (schedule.paused) return 'paused';
  return `every ${schedule.interval ?? '?'}, next ${listTime(schedule.nextRunAt)}`;
}

export function schoolsCommand(withParts: WithParts): Command {
  const schools = new Command('schools').description('the schools this deployment syncs');
  schools
    .command('list')
    .description('every school: enabled or disabled, schedule state, last run')
    .option('--json', 'print as JSON')
    .action(async (options: { json?: boolean }) => {
      await withParts(async ({ db, client }) => {
        await migrateToLatest(db);
        const list = await listSchools(db, client);
        if (options.json) return console.log(JSON.stringify(list, null, 2));
        if (!list.length)
          return console.log('No schools. Enable one with `npm run cli -- enable --config <file>`.');
        console.log(
          formatTable(
            ['school', 'name', 'state', 'schedule', 'last run'],
            list.map((school) => [
              school.id,
              school.name,
              school.disabledAt ? `disabled ${listTime(school.disabledAt)}` : 'enabled',
              scheduleText(school),
              school.lastRun ? `${school.lastRun.status} ${listTime(school.lastRun.startedAt)}` : '-',
            ]),
          ),
        );
      });
    });
  return schools;
}

export function schoolCommand(withParts: WithParts): Command {
  const school = new Command('school').description('disable a school or enable it again');
  school
    .command('disable')
    .description('stop syncing a school: its schedule is paused, its data and configuration are kept')
    .argument('<id>', 'School ID')
    .option('--reason <text>', 'why, shown with the paused schedule')
    .action(async (schoolId: string, options: { reason?: string }) => {
      await withParts(async ({ db, client }) => {
        await migrateToLatest(db);
        const { alreadyDisabled } = await disableSchool(db, client, schoolId, options.reason);
        console.log(
          alreadyDisabled
            ? `${schoolId} was already disabled.`
            : `Disabled ${schoolId}: schedule paused, no run syncs it; its data is kept. \`school enable ${schoolId}\` resumes it.`,
        );
      });
    });
  school
    .command('enable')
    .description('enable a disabled school again with its stored configuration (resumes its schedule)')
    .argument('<id>', 'School ID')
    .action(async (schoolId: string) => {
      await withParts(async ({ db, client }) => {
        await migrateToLatest(db);
        const result = await reenableSchool(db, client, schoolId);
        console.log(
          result.wasDisabled
            ? `Enabled ${schoolId} again: schedule ${result.scheduleId} resumed.`
            : `${schoolId} was not disabled; schedule ${result.scheduleId} updated from its stored configuration.`,
        );
      });
    });
  return school;
}
