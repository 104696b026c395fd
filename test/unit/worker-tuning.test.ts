import assert from 'node:assert/strict';
import { test } from 'node:test';
import { workerTuning } from '../../src/workers/worker-tuning';

test('a worker defaults to 64 activity slots, 10 database connections and the SDK defaults for the rest', () => {
  assert.deepEqual(workerTuning({}), { dbConnections: 10, maxConcurrentActivityTaskExecutions: 64 });
});

test('worker slots come from the environment', () => {
  assert.deepEqual(
    workerTuning({
      WORKER_MAX_CONCURRENT_ACTIVITIES: '100',
      WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '20',
      WORKER_MAX_CACHED_WORKFLOWS: '0',
      WORKER_DB_CONNECTIONS: '20',
    }),
    {
      dbConnections: 20,
      maxConcurrentActivityTaskExecutions: 100,
      maxConcurrentWorkflowTaskExecutions: 20,
      maxCachedWorkflows: 0,
    },
  );
});

test('a setting that is not a whole number is refused, naming the variable and the fix', () => {
  assert.throws(
    () => workerTuning({ WORKER_MAX_CONCURRENT_ACTIVITIES: 'lots' }),
    /WORKER_MAX_CONCURRENT_ACTIVITIES=lots is not valid: .*Set a whole number of slots/,
  );
  assert.throws(
    () => workerTuning({ WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '0' }),
    /WORKER_MAX_CONCURRENT_WORKFLOW_TASKS=0/,
  );
});
