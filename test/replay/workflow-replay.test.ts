/**
 * Replays every kept workflow history (test/histories/<date recorded>/*.json) against the current
 * workflow code: a change that would break running workflows (non-determinism) fails here first.
 * Fixtures are append-only (docs/deploy.md, "Workflow versioning"): new ones go into a folder of
 * the day they are recorded (`SAVE_HISTORIES=1 npm test -- test/integration/roster-sync.test.ts`),
 * old ones are never rewritten or deleted, and a change that alters command order uses patched().
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

/** Every .json under test/histories, as paths relative to it. */
const fixtures = readdirSync(dir, { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.json'))
  .sort();

test('every kept fixture lives in a folder named after the day it was recorded', () => {
  assert.ok(fixtures.length >= 6, `the kept fixtures are found (${fixtures.length})`);
  for (const file of fixtures) {
    assert.match(
      file,
      /^\d{4}-\d{2}-\d{2}\/[^/]+\.json$/,
      `${file}: move it to test/histories/<YYYY-MM-DD>/`,
    );
  }
});

test('every kept workflow history replays against the current code', async () => {
  for (const workflow of ['sync-workflow', 'roster-sync-workflow', 'attendance-posting-workflow']) {
    assert.ok(
      fixtures.some((file) => path.basename(file).startsWith(workflow)),
      `a fixture of ${workflow} is kept`,
    );
  }
  // Replayed under their own workflow ids (child ids derive from them); the file names the failure.
  const fileOf = new Map<string, string>();
  const histories = fixtures.map((file) => {
    const fixture = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as {
      workflowId: string;
      history: unknown;
    };
    fileOf.set(fixture.workflowId, [fileOf.get(fixture.workflowId), file].filter(Boolean).join(' or '));
    return { workflowId: fixture.workflowId, history: historyFromJSON(fixture.history) };
  });
  let replayed = 0;
  for await (const result of Worker.runReplayHistories(await workflowCode(), histories)) {
    const file = fileOf.get(result.workflowId);
    assert.equal(result.error, undefined, `${file} replays without error: ${String(result.error)}`);
    replayed++;
  }
  assert.equal(replayed, fixtures.length, 'every fixture was replayed');
});
