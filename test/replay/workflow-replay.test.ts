/**
 * Replays saved SyncWorkflow and RosterSyncWorkflow histories against the current workflow code:
 * a change that would break running workflows (non-determinism) fails here first.
 * Refresh the fixtures deliberately with `SAVE_HISTORIES=1 npm test -- test/integration/roster-sync.test.ts`.
 */
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { projectRoot } from '../../src/infra/paths';
import { workflowCode } from '../../src/workers/workflow-bundle';

Runtime.install({ logger: new DefaultLogger('WARN') });
const dir = path.join(projectRoot, 'test', 'histories');

test('saved workflow histories replay against the current code', async () => {
  const files = readdirSync(dir).filter((file) => file.endsWith('.json'));
  assert.ok(files.length >= 2, 'fixtures for SyncWorkflow and RosterSyncWorkflow exist');
  const histories = files.map((file) => {
    const fixture = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as {
      workflowId: string;
      history: unknown;
    };
    return { workflowId: fixture.workflowId, history: historyFromJSON(fixture.history) };
  });
  const results = Worker.runReplayHistories(await workflowCode(), histories);
  let replayed = 0;
  for await (const result of results) {
    assert.equal(
      result.error,
      undefined,
      `${result.workflowId} replays without error: ${String(result.error)}`,
    );
    replayed++;
  }
  assert.equal(replayed, files.length);
});
