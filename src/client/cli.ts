/**
 * Operator CLI: `npm run cli -- <command>`. Enable a school from its configuration (row and
 * schedule), start a sync now, show a school's status, apply migrations. Talks to the same
 * PostgreSQL and Temporal as the worker (embedded defaults, or DATABASE_URL / TEMPORAL_ADDRESS).
 */
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { Command } from 'commander';
import { apiKeyCommand } from './api-key-command';
import { adminCommand } from './admin-command';
import { schoolCommand, schoolsCommand } from './school-command';
import { refuseDisabledSchool } from './school-lifecycle';
import { resolveCredentials } from '../config/credentials';
import { loadSchoolConfig } from '../config/load-school-config';
import { createDb } from '../db/connection';
import { migrateToLatest } from '../db/migrate';
import { requestFullSync } from '../db/sync-watermarks';
import { useSimulatorServiceAccount } from '../infra/local-defaults';
import { temporalConnectionOptions, temporalNamespace, workflowUrl } from '../temporal/connection';
import { describeCounts } from '../workflows/deactivation-approval';
import { rootCause, type SyncWorkflow } from '../workflows/sync';
import { scheduleId, scheduleState } from '../temporal/schedules';
import { approveHeldDeactivations } from './approvals';
import { formatRunCounts, formatStatus } from './format';
import { enableSchool, triggerSync } from './school-schedules';
import { failedRunMessage, schoolStatus } from '../read-model/school-status';
import { preflightSis } from './sis-preflight';
import { fleetHealth } from '../read-model/fleet-health';
import { formatFleet } from './fleet-format';
import { ensureSearchAttributes } from './search-attributes';
import { ensureFleetWatchSchedule } from '../workers/fleet-watch-schedule';

async function withParts<T>(
  body: (parts: { db: ReturnType<typeof createDb>; client: Client }) => Promise<T>,
) {
  const db = createDb();
  const connection = await Connection.connect(temporalConnectionOptions());
  try {
    return await body({ db, client: new Client({ connection, namespace: temporalNamespace() }) });
  } finally {
    await connection.close();
    await db.destroy();
  }
}

const program = new Command('coursekey-sync').description(
  'CourseKey <-> Campus Cloud integration: operator commands',
);

program
  .command('migrate')
  .description('apply database migrations from schema/')
  .action(async () => {
    const db = createDb();
    try {
      const applied = await migrateToLatest(db);
      console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Database is up to date.');
    } finally {
      await db.destroy();
    }
  });

program
  .command('enable')
  .description('enable a school: store its configuration and create or update its schedule sync:<schoolId>')
  .requiredOption('-c, --config <file>', 'School Configuration file (JSON)')
  .option('--paused', 'create the schedule paused')
  .option('--skip-preflight', "skip the call to the school's SIS (when it is not reachable from here yet)")
  .action(async (options: { config: string; paused?: boolean; skipPreflight?: boolean }) => {
    const config = loadSchoolConfig(options.config);
    useSimulatorServiceAccount(config);
    const credentials = resolveCredentials(config, options.config);
    if (options.skipPreflight) {
      console.log(`Preflight skipped: ${config.sis.baseUrl} was not called.`);
    } else {
      const { terms } = await preflightSis(config, credentials, options.config);
      console.log(
        `Preflight: ${config.sis.baseUrl} accepted the service account and lists ${terms} terms for campus ${config.campusId}.`,
      );
    }
    await withParts(async ({ db, client }) => {
      await migrateToLatest(db);
      const result = await enableSchool(db, client, config, { paused: options.paused });
      await ensureFleetWatchSchedule(client);
      console.log(
        `${result.created ? 'Enabled' : 'Updated'} ${config.schoolId}: schedule ${result.scheduleId} every ${config.schedule.interval}${options.paused ? ' (paused)' : ''}.`,
      );
    });
  });

program
  .command('sync-now')
  .description('start a sync of a school now (through its schedule; a run in progress is reused)')
  .requiredOption('-s, --school <id>', 'School ID')
  .option('--no-wait', 'return once the run has started')
  .option('--force', 'run even though the schedule is paused')
  .option('--full', 'a full reconciliation: read everything, not only what changed since the last run')
  .option('--json', 'print the result as JSON')
  .action(
    async (options: { school: string; wait: boolean; force?: boolean; full?: boolean; json?: boolean }) => {
      await withParts(async ({ db, client }) => {
        await refuseDisabledSchool(db, options.school);
        const schedule = await scheduleState(client, options.school);
        if (!schedule) {
          throw new Error(
            `School ${options.school} has no schedule ${scheduleId(options.school)}. Run \`npm run cli -- enable --config <file>\` first.`,
          );
        }
        if (schedule.paused) {
          const why = schedule.note ? ` ("${schedule.note}")` : '';
          if (!options.force) {
            throw new Error(
              `Schedule ${schedule.id} is paused${why}: no run started. Resume it, or pass --force to run once anyway.`,
            );
          }
          console.error(`Warning: schedule ${schedule.id} is paused${why}; running once anyway (--force).`);
        }
        // The schedule starts the run; the request waits in the database for the school's next run.
        if (options.full && !(await requestFullSync(db, options.school)) && !options.json) {
          console.log(`${options.school} has no completed run yet: its next run is a full one anyway.`);
        }
        const workflowId = await triggerSync(client, options.school);
        if (!options.json) console.log(`Run ${workflowId}\n  ${workflowUrl(workflowId)}`);
        if (!options.wait) return;
        let summary: Awaited<ReturnType<typeof SyncWorkflow>>;
        try {
          summary = await client.workflow.getHandle<typeof SyncWorkflow>(workflowId).result();
        } catch (err) {
          if (!(err instanceof WorkflowFailedError)) throw err;
          // The reason as `status` shows it: what the run recorded, else what failed the workflow.
          const reason = (await failedRunMessage(db, workflowId)) ?? rootCause(err);
          if (options.json)
            console.log(JSON.stringify({ workflowId, status: 'failed', message: reason }, null, 2));
          throw new Error(`Run ${workflowId} failed: ${reason}`);
        }
        console.log(
          options.json
            ? JSON.stringify({ workflowId, ...summary }, null, 2)
            : formatRunCounts(summary.counts),
        );
      });
    },
  );

program
  .command('approve')
  .description("apply the deactivations a school's running sync holds back (mass-change safety)")
  .requiredOption('-s, --school <id>', 'School ID')
  .action(async (options: { school: string }) => {
    await withParts(async ({ db, client }) => {
      const approval = await approveHeldDeactivations(db, client, options.school);
      console.log(
        `Approved run ${approval.syncRunId} (held ${describeCounts(approval.held)}): deactivated ${describeCounts(approval.applied)}\n  ${workflowUrl(approval.workflowId)}`,
      );
    });
  });

program
  .command('status')
  .description(
    "a school's schedule, recent runs and their counts, records held and open issues; --all: every school's health, worst first",
  )
  .option('-s, --school <id>', 'School ID')
  .option(
    '--all',
    'every school at a glance: health, last success, failures in a row, blocking issues, next run',
  )
  .option('--runs <n>', 'how many recent runs', '5')
  .option('--json', 'print as JSON')
  .action(async (options: { school?: string; all?: boolean; runs: string; json?: boolean }) => {
    if (Boolean(options.all) === Boolean(options.school))
      throw new Error('Use either --school <id> (one school) or --all (every school).');
    await withParts(async ({ db, client }) => {
      if (options.all) {
        const fleet = await fleetHealth(db, client);
        console.log(options.json ? JSON.stringify(fleet, null, 2) : formatFleet(fleet));
        return;
      }
      const status = await schoolStatus(db, client, options.school!, Number(options.runs));
      console.log(
        options.json ? JSON.stringify(status, null, 2) : formatStatus(status, (id) => workflowUrl(id)),
      );
    });
  });

program
  .command('search-attributes')
  .description('register the search attribute schoolId (Keyword) in the namespace (idempotent)')
  .action(async () => {
    await withParts(async ({ client }) => {
      const added = await ensureSearchAttributes(client);
      console.log(added.length ? `Registered: ${added.join(', ')}.` : 'Already registered: schoolId.');
    });
  });

program.addCommand(adminCommand());
program.addCommand(apiKeyCommand());
program.addCommand(schoolsCommand(withParts));
program.addCommand(schoolCommand(withParts));

async function main() {
  // A request that never settles (fetch to a port it refuses, e.g. 9) would otherwise end the process
  // with 0 once nothing is left to run, as if the command had succeeded.
  process.exitCode = 1;
  await program.parseAsync(process.argv);
  process.exitCode = 0;
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
