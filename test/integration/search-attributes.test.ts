/**
 * Every workflow of a school carries the search attribute schoolId, so `temporal workflow list
 * --query 'schoolId="..."'` and the Web UI filter by school: a scheduled run and its children are
 * found by their school's id and never by another's. The schedule fires at the school's own offset.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import { enableSchool, triggerSync } from '../../src/client/school-schedules';
import type { SchoolConfig } from '../../src/config/school-config';
import { scheduleOffsetMs } from '../../src/coursekey/schedule-offset';
import { scheduleId } from '../../src/temporal/schedules';
import { startTestEnvironment, type TestEnvironment } from '../support/environment';

let env: TestEnvironment;
let other: SchoolConfig;
before(async () => {
  env = await startTestEnvironment(); // its schedule is created paused
  other = { ...env.config, schoolId: `${env.config.schoolId}-other` };
  await enableSchool(env.db, env.client, other, { taskQueue: env.taskQueue, paused: true });
});
after(async () => {
  for (const schoolId of [env?.config.schoolId, other?.schoolId]) {
    if (schoolId) await env.client.schedule.getHandle(scheduleId(schoolId)).delete();
  }
  await env?.close();
});

async function workflowsOf(schoolId: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const workflow of env.client.workflow.list({ query: `schoolId="${schoolId}"` })) {
    ids.push(workflow.workflowId);
  }
  return ids.sort();
}

/** Visibility follows the histories by a moment: lists until `count` are listed (or 10 s pass). */
async function listedEventually(schoolId: string, count: number): Promise<string[]> {
  let listed = await workflowsOf(schoolId);
  for (let attempt = 0; attempt < 50 && listed.length < count; attempt++) {
    await sleep(200);
    listed = await workflowsOf(schoolId);
  }
  return listed;
}

async function runThroughSchedule(schoolId: string): Promise<string> {
  const workflowId = await triggerSync(env.client, schoolId);
  await env.client.workflow.getHandle(workflowId).result();
  return workflowId;
}

test("a school's run and its children are listed by schoolId, another school's are not", async () => {
  const ours = await runThroughSchedule(env.config.schoolId);
  const theirs = await runThroughSchedule(other.schoolId);
  const expected = [ours, ours.replace(/^sync:/, 'posting:'), ours.replace(/^sync:/, 'roster:')].sort();
  const theirExpected = [theirs, theirs.replace(/^sync:/, 'posting:'), theirs.replace(/^sync:/, 'roster:')];

  const listed = await listedEventually(env.config.schoolId, expected.length);
  assert.deepEqual(listed, expected);
  for (const id of theirExpected) assert.ok(!listed.includes(id), `${id} listed under another school`);
  assert.deepEqual(await listedEventually(other.schoolId, theirExpected.length), theirExpected.sort());
});

test("the schedule fires at the school's own offset within its interval", async () => {
  for (const config of [env.config, other]) {
    const description = await env.client.schedule.getHandle(scheduleId(config.schoolId)).describe();
    const interval = description.spec.intervals?.[0];
    assert.equal(Number(interval?.every), 3_600_000);
    assert.equal(Number(interval?.offset), scheduleOffsetMs(config.schoolId, '1h'));
  }
  assert.notEqual(scheduleOffsetMs(env.config.schoolId, '1h'), scheduleOffsetMs(other.schoolId, '1h'));
});
