import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { runSync, startTestEnvironment, type TestEnvironment } from '../support/environment';

let env: TestEnvironment;
before(async () => {
  env = await startTestEnvironment();
});
after(async () => {
  await env?.close();
});

test('a full sync of the small dataset stores the rows the dataset implies', async () => {
  const summary = await runSync(env);
  console.log(JSON.stringify(summary, null, 2));
  const courses = await env.db.selectFrom('courses').select(({ fn }) => fn.countAll().as('n')).executeTakeFirst();
  console.log(courses);
});
