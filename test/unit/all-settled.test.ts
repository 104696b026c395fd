import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { allSettled } from '../../src/activities/all-settled';

test('an activity part that fails is thrown only once the other parts have stopped', async () => {
  let slowPartDone = false;
  const failing = Promise.reject(new Error('GetSchedule failed'));
  const slow = sleep(50).then(() => {
    slowPartDone = true;
    return 2;
  });
  await assert.rejects(allSettled<number>([failing, slow]), /GetSchedule failed/);
  assert.equal(slowPartDone, true, 'the slow part had finished when the failure was thrown');
  assert.deepEqual(await allSettled([Promise.resolve(1), sleep(10).then(() => 2)]), [1, 2]);
});
