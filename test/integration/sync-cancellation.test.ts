/**
 * A run cancelled mid-roster (`temporal workflow cancel`, or a handle's cancel()) still finishes its
 * bookkeeping: its sync_runs row says cancelled and it leaves no scratch rows behind, not even from
 * the activities that were in flight when it was cancelled.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import { CancelledFailure, WorkflowFailedError, WorkflowNotFoundError } from '@temporalio/client';
import { postingWorkflowId, SyncWorkflow } from '../../src/workflows/sync';
import { runSync, startTestEnvironment, type TestEnvironment } from '../support/environment';

let env: TestEnvironment;
before(async () => {
  env = await startTestEnvironment();
});
after(async () => {
  await env?.close();
});

async function scratchRows(syncRunId: string): Promise<number> {
  let total = 0;
  for (const table of ['sync_seen', 'pending_deactivations'] as const) {
    const row = await env.db
      .selectFrom(table)
      .select(({ fn }) => fn.countAll<string>().as('n'))
      .where('sync_run_id', '=', syncRunId)
      .executeTakeFirstOrThrow();
    total += Number(row.n);
  }
  return total;
}

test('a run cancelled mid-roster is recorded as cancelled and leaves no scratch rows', async () => {
  // Slow SIS answers: several page activities are in flight when the cancellation comes.
  env.simulator.setFaults({ latencyMs: 400 });
  const handle = await env.client.workflow.start(SyncWorkflow, {
    taskQueue: env.taskQueue,
    workflowId: `sync:${env.config.schoolId}-cancel-${Date.now()}`,
    args: [{ schoolId: env.config.schoolId }],
  });
  let run: { id: string } | undefined;
  for (let i = 0; i < 200 && !(run && (await scratchRows(run.id)) > 0); i++) {
    await sleep(100);
    run = await env.db
      .selectFrom('sync_runs')
      .select('id')
      .where('workflow_id', '=', handle.workflowId)
      .executeTakeFirst();
  }
  assert.ok(run && (await scratchRows(run.id)) > 0, 'the run has written scratch rows');

  await handle.cancel();
  const err = await handle.result().then(
    () => assert.fail('a cancelled run does not complete'),
    (error: unknown) => error,
  );
  assert.ok(err instanceof WorkflowFailedError && err.cause instanceof CancelledFailure, String(err));
  assert.equal((await handle.describe()).status.name, 'CANCELLED');

  const row = await env.db
    .selectFrom('sync_runs')
    .select(['status', 'message', 'finished_at'])
    .where('id', '=', run.id)
    .executeTakeFirstOrThrow();
  assert.equal(row.status, 'cancelled');
  assert.ok(row.finished_at, 'finished');
  assert.equal(await scratchRows(run.id), 0, 'scratch rows are gone when the run ends');
  // Activities that were in flight had finished before the run ended: none writes scratch rows later.
  await sleep(2_000);
  assert.equal(await scratchRows(run.id), 0, 'no activity wrote scratch rows after the run ended');
  await assert.rejects(
    env.client.workflow.getHandle(postingWorkflowId(handle.workflowId)).describe(),
    WorkflowNotFoundError,
    'no attendance was posted for a cancelled roster',
  );

  env.simulator.setFaults({});
  const next = await runSync(env);
  assert.equal(next.status, 'completed', 'the next run starts afresh');
});
