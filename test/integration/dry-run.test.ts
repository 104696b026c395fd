/**
 * The enablement dry run, run as integration staff run it (`npm run dry-run -- --config <file>`),
 * against a school whose SIS has one violation of every rule and pending changes: CourseKey's
 * tables stay exactly as they were, and the report lists every problem. A school not enabled yet
 * gets its report too; what retrying cannot fix ends the command at once in one sentence.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { DryRunReport } from '../../src/client/dry-run-report';
import { schoolStatus } from '../../src/read-model/school-status';
import { runCommand } from '../support/cli-process';
import { runSync, startTestEnvironment, type TestEnvironment } from '../support/environment';
import { countRows, rosterChecksum } from '../support/roster-queries';
import { brokenSections, violationsDataset } from '../support/violations-dataset';
import { generateDataset } from '../../src/simulator/generate';

const { broken } = violationsDataset(7);
let env: TestEnvironment;
before(async () => {
  env = await startTestEnvironment({ dataset: generateDataset({ preset: 'small', seed: 7 }) });
});
after(async () => {
  await env?.close();
});

function dryRun(configFile: string, outDir: string, extraEnv: Record<string, string> = {}) {
  return runCommand('dry-run.ts', ['--config', configFile, '--out', outDir], {
    DATABASE_URL: env.databaseUrl,
    ...extraEnv,
  });
}

test('the dry run writes nothing to CourseKey tables and reports every violation', async () => {
  await runSync(env); // the school is live: a dry run must not touch what it has
  env.simulator.replaceDataset(structuredClone(broken));
  const dataset = env.simulator.getDataset();
  const dropped =
    dataset.enrollments[dataset.sections.find((s) => s.status === 'Active')!.scheduledCourseId]![0]!;
  dropped.status = 'Dropped';

  const before = {
    counts: await countRows(env.db, env.config.schoolId),
    checksum: await rosterChecksum(env.db, env.config.schoolId),
  };
  const issuesBefore = await env.db.selectFrom('sync_issues').selectAll().execute();

  const dir = mkdtempSync(path.join(os.tmpdir(), 'dry-run-'));
  const configFile = path.join(dir, 'school.json');
  writeFileSync(configFile, JSON.stringify(env.config));
  const result = await dryRun(configFile, dir);

  assert.equal(result.status, 2, `exit code 2 for blocking problems\n${result.stdout}\n${result.stderr}`);
  assert.match(result.stdout, /fetched so far: \d+ courses/, 'progress is shown');
  assert.match(
    result.stdout,
    /http:\/\/127\.0\.0\.1:8233\/namespaces\/default\/workflows\/dry-run%3A/,
    'Web UI link',
  );
  assert.deepEqual(await countRows(env.db, env.config.schoolId), before.counts);
  assert.equal(await rosterChecksum(env.db, env.config.schoolId), before.checksum);
  assert.deepEqual(await env.db.selectFrom('sync_issues').selectAll().execute(), issuesBefore);
  const history = await schoolStatus(env.db, env.client, env.config.schoolId, 50);
  assert.deepEqual(
    history.runs.filter((run) => !run.workflowId.startsWith('sync:')),
    [],
    "the dry run is not in the school's run history",
  );

  const jsonFile = readdirSync(dir).find((file) => file.endsWith('.json') && file.startsWith('dry-run_'))!;
  const report = JSON.parse(readFileSync(path.join(dir, jsonFile), 'utf8')) as DryRunReport;
  assert.ok(readdirSync(dir).includes(jsonFile.replace(/\.json$/, '.md')), 'Markdown report saved');
  const reported = [...Object.values(report.checklist).flat(), ...report.unmappedDeliveryMethods].map(
    (finding) => [finding.sisKey, finding.rule],
  );
  assert.deepEqual(
    reported.sort(),
    brokenSections()
      .map((item) => [item.sectionId, item.rule])
      .sort(),
  );
  assert.equal(report.usersWithoutEmail.length, dataset.students.filter((s) => !s.email).length);
  assert.equal(report.wouldChange.course_members.deactivated, 1, 'the drop a real run would apply');
  assert.equal(
    report.wouldChange.courses.created,
    brokenSections().length - 1,
    'every new section but the unmapped one',
  );
});

test('a bad configuration file fails fast, naming the file, the field and the fix', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dry-run-'));
  const configFile = path.join(dir, 'bad.json');
  writeFileSync(configFile, JSON.stringify({ ...env.config, timeZone: 'Eastern Time' }));
  const result = await dryRun(configFile, dir);
  assert.equal(result.status, 1);
  assert.match(result.stderr, new RegExp(`${configFile}: invalid School Configuration`));
  assert.match(
    result.stderr,
    /field "timeZone": not an IANA time zone; use a name such as "America\/New_York"/,
  );
});

/** The report the dry run saved in `dir`. */
function savedReport(dir: string): DryRunReport {
  const jsonFile = readdirSync(dir).find((file) => file.endsWith('.json') && file.startsWith('dry-run_'));
  assert.ok(jsonFile, `a report in ${dir}: ${readdirSync(dir).join(', ')}`);
  return JSON.parse(readFileSync(path.join(dir, jsonFile), 'utf8')) as DryRunReport;
}

test('a dry run of a school that is not enabled yet reports, and writes nothing of the school', async () => {
  env.simulator.replaceDataset(generateDataset({ preset: 'small', seed: 7 }));
  const schoolId = `new-${randomUUID().slice(0, 8)}`;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dry-run-'));
  const configFile = path.join(dir, 'new-school.json');
  writeFileSync(configFile, JSON.stringify({ ...env.config, schoolId }));

  const started = Date.now();
  const result = await dryRun(configFile, dir);
  const output = `${result.stdout}\n${result.stderr}`;
  assert.ok([0, 2].includes(result.status!), `exit code 0 or 2, not ${result.status}\n${output}`);
  assert.ok(Date.now() - started < 120_000, 'no retrying for minutes');
  const report = savedReport(dir);
  assert.equal(report.schoolId, schoolId);
  assert.equal(report.status, 'completed');
  assert.equal(result.status, report.blockingProblems > 0 ? 2 : 0);
  assert.ok(report.wouldChange.courses.created > 0, 'a new school would get every course');
  assert.ok(report.wouldChange.users.created > 0, 'and every user');

  const school = await env.db.selectFrom('schools').select('id').where('id', '=', schoolId).execute();
  assert.deepEqual(school, [], 'the school is not enabled by a dry run');
  assert.deepEqual(await countRows(env.db, schoolId), {
    courses: 0,
    users: 0,
    courseMembers: 0,
    activeCourseMembers: 0,
    classSessions: 0,
  });
  const issues = await env.db
    .selectFrom('sync_issues')
    .select('id')
    .where('school_id', '=', schoolId)
    .execute();
  assert.deepEqual(issues, []);
});

test('a dry run the SIS refuses ends at once with one clear sentence and no secret', async () => {
  const schoolId = `new-${randomUUID().slice(0, 8)}`;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dry-run-'));
  const configFile = path.join(dir, 'new-school.json');
  const config = structuredClone(env.config);
  config.schoolId = schoolId;
  config.sis.credentials = { usernameEnv: 'NEW_SIS_USERNAME', passwordEnv: 'NEW_SIS_PASSWORD' };
  writeFileSync(configFile, JSON.stringify(config));

  const started = Date.now();
  const result = await dryRun(configFile, dir, {
    NEW_SIS_USERNAME: 'svc-new',
    NEW_SIS_PASSWORD: 'not-the-password-4711',
  });
  const output = `${result.stdout}\n${result.stderr}`;
  assert.equal(result.status, 1, output);
  assert.ok(Date.now() - started < 60_000, `ends at once, not after retries (${Date.now() - started} ms)`);
  const errorLines = result.stderr.split('\n').filter((line) => line.trim());
  assert.equal(errorLines.length, 1, `one line on stderr:\n${result.stderr}`);
  assert.match(errorLines[0]!, /refused the service-account credentials/);
  assert.doesNotMatch(output, /not-the-password-4711/, 'the secret never shows');
  assert.doesNotMatch(output, /^\s+at /m, 'no stack traces');
});

test('the dry run refuses a misspelt key and unset credential variables before it starts', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dry-run-'));
  const misspelt = path.join(dir, 'misspelt.json');
  writeFileSync(misspelt, JSON.stringify({ ...env.config, posting: { afterEditWindw: true } }));
  const first = await dryRun(misspelt, dir);
  assert.equal(first.status, 1);
  assert.match(
    first.stderr,
    new RegExp(
      `${misspelt}: invalid School Configuration\n  - field "posting\\.afterEditWindw": unknown key; did you mean "afterEditWindow"\\?`,
    ),
  );

  const unset = path.join(dir, 'unset.json');
  const config = structuredClone(env.config);
  config.sis.credentials = { usernameEnv: 'UNSET_DRY_RUN_USER', passwordEnv: 'UNSET_DRY_RUN_PASSWORD' };
  writeFileSync(unset, JSON.stringify(config));
  const second = await dryRun(unset, dir);
  assert.equal(second.status, 1);
  assert.match(
    second.stderr,
    /field "sis\.credentials\.usernameEnv": the environment variable UNSET_DRY_RUN_USER is not set/,
  );
  assert.doesNotMatch(second.stdout, /Dry run of/, 'nothing started');
  assert.deepEqual(
    readdirSync(dir).filter((file) => file.startsWith('dry-run_')),
    [],
    'no report',
  );
});
