/**
 * `npm run cli -- enable` refuses a configuration that cannot work, naming the file, the field and
 * the fix, before it stores anything: unknown keys, a delivery method mapped twice, credentials that
 * are not there, and an SIS that refuses the service account (its preflight), which a flag skips
 * while the SIS is not reachable yet.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ScheduleNotFoundError } from '@temporalio/client';
import { scheduleId } from '../../src/temporal/schedules';
import type { SchoolConfig } from '../../src/config/school-config';
import { freePort } from '../../src/infra/ports';
import { DEFAULT_PASSWORD, DEFAULT_USERNAME } from '../../src/simulator/server';
import { runCommand } from '../support/cli-process';
import { startTestEnvironment, type TestEnvironment } from '../support/environment';

let env: TestEnvironment;
const enabled: string[] = [];
before(async () => {
  env = await startTestEnvironment();
});
after(async () => {
  for (const schoolId of enabled) await env.client.schedule.getHandle(scheduleId(schoolId)).delete();
  await env?.close();
});

const credentialEnv = { ENABLE_SIS_USERNAME: DEFAULT_USERNAME, ENABLE_SIS_PASSWORD: DEFAULT_PASSWORD };

/** A new school's configuration file, against the test simulator, changed by `edit`. */
function configFile(edit: (config: Record<string, unknown> & SchoolConfig) => void = () => {}) {
  const config = structuredClone(env.config) as Record<string, unknown> & SchoolConfig;
  config.schoolId = `new-${randomUUID().slice(0, 8)}`;
  config.sis.credentials = { usernameEnv: 'ENABLE_SIS_USERNAME', passwordEnv: 'ENABLE_SIS_PASSWORD' };
  edit(config);
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'enable-')), `${config.schoolId}.json`);
  writeFileSync(file, JSON.stringify(config));
  return { file, schoolId: config.schoolId };
}

function enable(file: string, extraArgs: string[] = [], extraEnv: Record<string, string> = credentialEnv) {
  return runCommand('cli.ts', ['enable', '--config', file, '--paused', ...extraArgs], {
    DATABASE_URL: env.databaseUrl,
    ...extraEnv,
  });
}

async function isEnabled(schoolId: string): Promise<boolean> {
  const row = await env.db.selectFrom('schools').select('id').where('id', '=', schoolId).executeTakeFirst();
  let schedule = true;
  try {
    await env.client.schedule.getHandle(scheduleId(schoolId)).describe();
  } catch (err) {
    if (!(err instanceof ScheduleNotFoundError)) throw err;
    schedule = false;
  }
  assert.equal(schedule, Boolean(row), 'the row and the schedule go together');
  return Boolean(row);
}

test('a misspelt key and a delivery method mapped twice are refused, naming file, field and fix', async () => {
  const { file, schoolId } = configFile((config) => {
    config.posting = { afterEditWindw: true } as never;
    config.deliveryMethods.push({ sisId: '1', attendanceMethod: 'Hybrid' });
  });
  const result = await enable(file);
  assert.equal(result.status, 1, result.stdout);
  assert.match(result.stderr, new RegExp(`^${file}: invalid School Configuration`));
  assert.match(
    result.stderr,
    /field "posting\.afterEditWindw": unknown key; did you mean "afterEditWindow"\? Fix the spelling/,
  );
  assert.match(
    result.stderr,
    /field "deliveryMethods\.3\.sisId": SIS delivery method "1" is already mapped by deliveryMethods\.0/,
  );
  assert.equal(await isEnabled(schoolId), false);
});

test('credential variables that are not set and a secrets file that does not exist are refused', async () => {
  const unset = configFile();
  const result = await enable(unset.file, [], {});
  assert.equal(result.status, 1, result.stdout);
  assert.match(result.stderr, new RegExp(`^${unset.file}: the SIS credentials of school ${unset.schoolId}`));
  assert.match(
    result.stderr,
    /field "sis\.credentials\.usernameEnv": the environment variable ENABLE_SIS_USERNAME is not set\. Fix: set it/,
  );
  assert.equal(await isEnabled(unset.schoolId), false);

  const missing = path.join(os.tmpdir(), `no-such-${randomUUID()}`, 'secrets.json');
  const noFile = configFile((config) => (config.sis.credentials = { secretsFile: missing }));
  const second = await enable(noFile.file);
  assert.equal(second.status, 1, second.stdout);
  assert.match(
    second.stderr,
    /field "sis\.credentials\.secretsFile": .*secrets\.json does not exist\. Fix: create it/,
  );
  assert.equal(await isEnabled(noFile.schoolId), false);
});

test('the preflight refuses credentials the SIS refuses, without echoing them', async () => {
  const { file, schoolId } = configFile();
  const result = await enable(file, [], { ...credentialEnv, ENABLE_SIS_PASSWORD: 'wrong-password-4711' });
  assert.equal(result.status, 1, result.stdout);
  assert.match(
    result.stderr,
    /preflight against the SIS at http:\/\/127\.0\.0\.1:\d+\/api \(campus MAIN\) failed: Authenticate: the SIS refused the service-account credentials \(HTTP 401\)/,
  );
  assert.match(result.stderr, /pass --skip-preflight while the SIS is not reachable yet/);
  assert.doesNotMatch(`${result.stdout}${result.stderr}`, /wrong-password-4711/);
  assert.equal(await isEnabled(schoolId), false);
});

test('an SIS not reachable yet fails the preflight; --skip-preflight enables the school anyway', async () => {
  const port = await freePort(); // nothing listens there
  const { file, schoolId } = configFile((config) => {
    config.sis.baseUrl = `http://127.0.0.1:${port}/api`;
  });
  const refused = await enable(file);
  assert.equal(refused.status, 1, refused.stdout);
  assert.match(refused.stderr, new RegExp(`cannot reach the SIS at http://127\\.0\\.0\\.1:${port}/api`));
  assert.equal(await isEnabled(schoolId), false);

  const skipped = await enable(file, ['--skip-preflight']);
  assert.equal(skipped.status, 0, skipped.stderr);
  enabled.push(schoolId);
  assert.match(skipped.stdout, /Preflight skipped/);
  assert.match(skipped.stdout, new RegExp(`Enabled ${schoolId}: schedule sync:${schoolId}`));
  assert.equal(await isEnabled(schoolId), true);
});

test('a configuration that works passes the preflight and is enabled', async () => {
  const { file, schoolId } = configFile();
  const result = await enable(file);
  assert.equal(result.status, 0, result.stderr);
  enabled.push(schoolId);
  assert.match(
    result.stdout,
    /Preflight: http:\/\/127\.0\.0\.1:\d+\/api accepted the service account and lists \d+ terms for campus MAIN\./,
  );
  assert.equal(await isEnabled(schoolId), true);
});
