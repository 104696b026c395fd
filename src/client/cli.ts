/**
 * Operator CLI: `npm run cli -- <command>`. Enable a school from its configuration (row and
 * schedule), start a sync now, show a school's status, apply migrations. Talks to the same
 * PostgreSQL and Temporal as the worker (embedded defaults, or DATABASE_URL / TEMPORAL_ADDRESS).
 */
import { Client, Connection } from '@temporalio/client';
import { Command } from 'commander';
import { apiKeyCommand } from './api-key-command';
import { adminCommand } from './admin-command';
import { loadSchoolConfig } from '../config/load-school-config';
import { createDb } from '../db/connection';
import { migrateToLatest } from '../db/migrate';
import { temporalConnectionOptions, temporalNamespace, workflowUrl } from '../temporal/connection';
import { describeCounts } from '../workflows/deactivation-approval';
import type { SyncWorkflow } from '../workflows/sync';
import { approveHeldDeactivations } from './approvals';
import { formatRunCounts, formatStatus } from './format';
import { enableSchool, triggerSync } from './school-schedules';
import { schoolStatus } from '../read-model/school-status';

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
  .action(async (options: { config: string; paused?: boolean }) => {
    const config = loadSchoolConfig(options.config);
    await withParts(async ({ db, client }) => {
      await migrateToLatest(db);
      const result = await enableSchool(db, client, config, { paused: options.paused });
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
  .option('--json', 'print the result as JSON')
  .action(async (options: { school: string; wait: boolean; json?: boolean }) => {
    await withParts(async ({ client }) => {
      const workflowId = await triggerSync(client, options.school);
      if (!options.json) console.log(`Run ${workflowId}\n  ${workflowUrl(workflowId)}`);
      if (!options.wait) return;
      const summary = await client.workflow.getHandle<typeof SyncWorkflow>(workflowId).result();
      console.log(
        options.json ? JSON.stringify({ workflowId, ...summary }, null, 2) : formatRunCounts(summary.counts),
      );
    });
  });

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
  .description("a school's schedule, recent runs and their counts, records held and open issues")
  .requiredOption('-s, --school <id>', 'School ID')
  .option('--runs <n>', 'how many recent runs', '5')
  .option('--json', 'print as JSON')
  .action(async (options: { school: string; runs: string; json?: boolean }) => {
    await withParts(async ({ db, client }) => {
      const status = await schoolStatus(db, client, options.school, Number(options.runs));
      console.log(
        options.json ? JSON.stringify(status, null, 2) : formatStatus(status, (id) => workflowUrl(id)),
      );
    });
  });

program.addCommand(adminCommand());
program.addCommand(apiKeyCommand());

async function main() {
  await program.parseAsync(process.argv);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
