/**
 * The operator lifecycle from the CLI, against the test database and Temporal: `schools list`,
 * `school disable` (schedule paused, data kept, never synced, `sync-now` refused) and
 * `school enable`; `admin list` (no hashes, lock state), `admin reset-password`, `admin unlock`,
 * `admin remove`; `api-key list` (never a key nor its hash).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createApiKey, hashApiKey, revokeApiKey, schoolOfApiKey } from '../../src/accounts/api-keys';
import { createAdmin } from '../../src/accounts/admin-accounts';
import { verifyPassword } from '../../src/accounts/password';
import { THROTTLE } from '../../src/accounts/sign-in-throttle';
import { disableSchool, reenableSchool } from '../../src/client/school-lifecycle';
import { openSession } from '../../src/dashboard/admin-sessions';
import { scheduleId } from '../../src/temporal/schedules';
import { rootCause, SyncWorkflow } from '../../src/workflows/sync';
import { runCommand } from '../support/cli-process';
import { startTestEnvironment, type TestEnvironment } from '../support/environment';

let env: TestEnvironment;
before(async () => {
  env = await startTestEnvironment(); // its schedule is created paused
});
after(async () => {
  await env?.client.schedule.getHandle(scheduleId(env.config.schoolId)).delete();
  await env?.close();
});

function cli(args: string[], input?: string) {
  return runCommand(
    'cli.ts',
    args,
    { DATABASE_URL: env.databaseUrl, TEMPORAL_TASK_QUEUE: env.taskQueue },
    input,
  );
}

async function ok(args: string[], input?: string): Promise<string> {
  const result = await cli(args, input);
  assert.equal(result.status, 0, `${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

const lineOf = (output: string, needle: string) =>
  output.split('\n').find((line) => line.includes(needle)) ?? '';

test('schools list, school disable (paused, kept, never synced, sync-now refused) and school enable', async () => {
  const schoolId = env.config.schoolId;
  const schedule = env.client.schedule.getHandle(scheduleId(schoolId));
  await schedule.unpause('test: running');
  await env.db
    .insertInto('sync_runs')
    .values({
      school_id: schoolId,
      workflow_id: `sync:${schoolId}-earlier`,
      temporal_run_id: `earlier-${schoolId}`,
      kind: 'sync',
      status: 'completed',
    })
    .execute();

  const listed = lineOf(await ok(['schools', 'list']), schoolId);
  assert.match(listed, /Demo Career College/);
  assert.match(listed, /\benabled\b/);
  assert.match(listed, /every 1h/);
  assert.match(listed, /completed/);

  assert.match(await ok(['school', 'disable', schoolId, '--reason', 'contract paused']), /Disabled/);
  const school = await env.db
    .selectFrom('schools')
    .select(['disabled_at', 'config'])
    .where('id', '=', schoolId)
    .executeTakeFirstOrThrow();
  assert.ok(school.disabled_at, 'marked disabled');
  const paused = await schedule.describe();
  assert.equal(paused.state.paused, true, 'schedule paused');
  assert.match(paused.state.note ?? '', /contract paused/);
  // The schedule was running until now: at its hourly offset it may have started a run.
  const actionsTaken = paused.info.numActionsTaken;
  const runs = await env.db
    .selectFrom('sync_runs')
    .select('workflow_id')
    .where('school_id', '=', schoolId)
    .execute();
  assert.ok(
    runs.some((run) => run.workflow_id === `sync:${schoolId}-earlier`),
    'its data is kept',
  );

  const disabledLine = lineOf(await ok(['schools', 'list']), schoolId);
  assert.match(disabledLine, /disabled/);
  assert.match(disabledLine, /paused/);

  const refused = await cli(['sync-now', '--school', schoolId, '--force']);
  assert.equal(refused.status, 1);
  assert.match(
    refused.stderr,
    new RegExp(
      `School ${schoolId} is disabled .*: no run started\\. Run \`npm run cli -- school enable ${schoolId}\``,
    ),
  );
  assert.equal((await schedule.describe()).info.numActionsTaken, actionsTaken, 'no run was started');

  // A run started anyway (a schedule unpaused behind the CLI's back) does not sync it.
  await assert.rejects(
    env.client.workflow.execute(SyncWorkflow, {
      taskQueue: env.taskQueue,
      workflowId: `sync:${schoolId}-while-disabled`,
      args: [{ schoolId }],
    }),
    (err: Error) => {
      assert.match(rootCause(err), /is disabled: not synced/);
      return true;
    },
  );
  assert.equal(
    (await env.db.selectFrom('sync_runs').select('id').where('school_id', '=', schoolId).execute()).length,
    runs.length,
    'no run recorded',
  );

  assert.match(await ok(['school', 'enable', schoolId]), /Enabled .* again: schedule .* resumed/);
  const enabled = await env.db
    .selectFrom('schools')
    .select('disabled_at')
    .where('id', '=', schoolId)
    .executeTakeFirstOrThrow();
  assert.equal(enabled.disabled_at, null);
  const resumed = await schedule.describe();
  assert.equal(resumed.state.paused, false, 'schedule resumed');
  assert.equal(resumed.action.type === 'startWorkflow' && resumed.action.taskQueue, env.taskQueue);
  assert.match(lineOf(await ok(['schools', 'list']), schoolId), /\benabled\b/);

  // Disabled and enabled again in quick succession, the schedule always ends resumed.
  for (let round = 1; round <= 5; round++) {
    await disableSchool(env.db, env.client, schoolId, `round ${round}`);
    await reenableSchool(env.db, env.client, schoolId);
    assert.equal((await schedule.describe()).state.paused, false, `resumed in round ${round}`);
  }
  await schedule.pause('test: done');
});

test('admin list shows schools and locks but no hash; reset-password, unlock and remove', async () => {
  const password = 'the first password of it';
  const admin = await createAdmin(env.db, {
    email: 'pat.admin@school.example',
    password,
    schoolIds: [env.config.schoolId],
    isStaff: false,
  });
  await createAdmin(env.db, { email: 'staff@coursekey.example', password, schoolIds: [], isStaff: true });
  await env.db
    .insertInto('sign_in_failures')
    .values(
      Array.from({ length: THROTTLE.perAccountAndAddress }, () => ({
        email: admin.email,
        client_ip: '198.51.100.7',
      })),
    )
    .execute();

  const listed = await ok(['admin', 'list']);
  const hashes = await env.db.selectFrom('admin_accounts').select('password_hash').execute();
  for (const { password_hash: hash } of hashes) assert.ok(!listed.includes(hash), 'no hash');
  assert.doesNotMatch(listed, /scrypt/);
  const line = lineOf(listed, admin.email);
  assert.match(line, new RegExp(`^${admin.id}\\s`));
  assert.match(line, new RegExp(env.config.schoolId));
  assert.match(line, /locked from 1 address/);
  assert.match(lineOf(listed, 'staff@coursekey.example'), /staff \(all schools\)/);

  assert.match(
    await ok(['admin', 'unlock', admin.email]),
    /Unlocked pat\.admin@school\.example \(5 failed sign-ins cleared\)/,
  );
  const failures = await env.db
    .selectFrom('sign_in_failures')
    .select('id')
    .where('email', '=', admin.email)
    .execute();
  assert.equal(failures.length, 0);
  assert.doesNotMatch(lineOf(await ok(['admin', 'list']), admin.email), /locked/);

  // Generated: printed once, and it is the password now; the old one and the sessions are gone.
  await openSession(env.db, admin.id);
  const reset = await ok(['admin', 'reset-password', admin.id]);
  const generated = /Password \(shown once, store it now\): (\S+)/.exec(reset)?.[1];
  assert.ok(generated, reset);
  const storedHash = async () =>
    (
      await env.db
        .selectFrom('admin_accounts')
        .select('password_hash')
        .where('id', '=', admin.id)
        .executeTakeFirstOrThrow()
    ).password_hash;
  assert.equal(await verifyPassword(generated, await storedHash()), true);
  assert.equal(await verifyPassword(password, await storedHash()), false);
  const sessions = await env.db
    .selectFrom('admin_sessions')
    .select('admin_id')
    .where('admin_id', '=', admin.id)
    .execute();
  assert.equal(sessions.length, 0, 'signed out everywhere');

  // From stdin: set, never printed.
  const chosen = 'a chosen password from stdin';
  const fromStdin = await cli(['admin', 'reset-password', admin.email, '--password-stdin'], `${chosen}\n`);
  assert.equal(fromStdin.status, 0, fromStdin.stderr);
  assert.ok(!fromStdin.stdout.includes(chosen) && !fromStdin.stderr.includes(chosen), 'never printed');
  assert.equal(await verifyPassword(chosen, await storedHash()), true);
  const tooShort = await cli(['admin', 'reset-password', admin.email, '--password-stdin'], 'short\n');
  assert.equal(tooShort.status, 1);
  assert.match(tooShort.stderr, /at least 12 characters/);

  assert.match(await ok(['admin', 'remove', admin.email]), /Removed admin pat\.admin@school\.example/);
  const left = await env.db.selectFrom('admin_accounts').select('email').execute();
  assert.deepEqual(
    left.map((row) => row.email),
    ['staff@coursekey.example'],
  );
  assert.ok(!(await ok(['admin', 'list'])).includes(admin.email));
  const unknown = await cli(['admin', 'remove', 'nobody@school.example']);
  assert.equal(unknown.status, 1);
  assert.match(
    unknown.stderr,
    /No admin nobody@school\.example\. `npm run cli -- admin list` shows the admins/,
  );
});

test('api-key list shows id, school, label, use and state, never the key nor its hash', async () => {
  const used = await createApiKey(env.db, env.config.schoolId, 'student app');
  const revoked = await createApiKey(env.db, env.config.schoolId, 'old importer');
  assert.equal(await schoolOfApiKey(env.db, used.key), env.config.schoolId);
  await revokeApiKey(env.db, revoked.id);

  const listed = await ok(['api-key', 'list', '--school', env.config.schoolId]);
  for (const { key } of [used, revoked]) {
    assert.ok(!listed.includes(key), 'never the key');
    assert.ok(!listed.includes(key.slice(3, 15)), 'nor part of it');
    assert.ok(!listed.includes(hashApiKey(key)), 'nor its hash');
  }
  const usedLine = lineOf(listed, 'student app');
  assert.match(
    usedLine,
    new RegExp(
      `^${used.id}\\s+${env.config.schoolId}\\s+student app\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\dZ\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\dZ\\s+active$`,
    ),
  );
  assert.match(lineOf(listed, 'old importer'), new RegExp(`^${revoked.id}\\s.*\\s-\\s+revoked \\d{4}`));
  const json = JSON.parse(await ok(['api-key', 'list', '--json']));
  assert.deepEqual(
    json.map((key: { id: string }) => key.id),
    [revoked.id, used.id],
  );
  assert.ok(!JSON.stringify(json).includes(hashApiKey(used.key)));
});
