/** How a run ends when the SIS is misconfigured or serves bad records. */
import assert from 'node:assert/strict';
import { WorkflowFailedError } from '@temporalio/client';
import { after, before, test } from 'node:test';
import { latestRun, runSync, startTestEnvironment, type TestEnvironment } from '../support/environment';
import { assertCountsAddUp } from '../support/run-counts';

let env: TestEnvironment;
before(async () => {
  env = await startTestEnvironment();
});
after(async () => {
  await env?.close();
});

test('a permission error fails the run at once with a message that names the endpoint and the fix', async () => {
  env.simulator.setFaults({ deniedEndpoints: ['GetInstructors'] });
  const started = Date.now();
  await assert.rejects(runSync(env), WorkflowFailedError);
  env.simulator.setFaults({});
  assert.ok(Date.now() - started < 20_000, 'not retried for minutes');
  const run = await latestRun(env);
  assert.equal(run.status, 'failed');
  assert.match(
    run.message!,
    /GetInstructors: the service account has no access to this endpoint \(HTTP 403\)/,
  );
});

test('malformed SIS records are quarantined as issues and the run completes', async () => {
  await runSync(env); // a clean baseline, so that a bad record could look like a vanished one
  env.simulator.setFaults({ malformedRate: 0.2, seed: 4 });
  const summary = await runSync(env);
  env.simulator.setFaults({});
  assert.equal(summary.status, 'completed');
  const failed = Object.values(summary.counts).reduce((n, c) => n + c.failed, 0);
  assert.ok(failed > 0, 'some records failed');
  assertCountsAddUp(summary.counts, 'a run with malformed records');
  for (const [type, counts] of Object.entries(summary.counts)) {
    assert.equal(counts.deactivated, 0, `a bad ${type} record is not taken for a deleted one`);
  }
  const issues = await env.db
    .selectFrom('sync_issues')
    .select(['record_type', 'sis_key', 'message'])
    .where('school_id', '=', env.config.schoolId)
    .where('rule', '=', 'invalid-sis-record')
    .execute();
  assert.ok(issues.length > 0);
  for (const issue of issues) assert.match(issue.message, /Correct the .* in Campus Cloud/);
});
