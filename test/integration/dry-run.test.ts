/**
 * The enablement dry run, run as integration staff run it (`npm run dry-run -- --config <file>`),
 * against a school whose SIS has one violation of every rule and pending changes: CourseKey's
 * tables stay exactly as they were, and the report lists every problem.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { DryRunReport } from '../../src/client/dry-run-report';
import { projectRoot } from '../../src/infra/paths';
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

/** Runs the script in its own process; the simulator in this one keeps serving meanwhile. */
function dryRun(
  configFile: string,
  outDir: string,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const args = ['--import', 'tsx', 'src/client/dry-run.ts', '--config', configFile, '--out', outDir];
  const child = spawn(process.execPath, args, {
    cwd: projectRoot,
    env: { ...process.env, DATABASE_URL: env.databaseUrl },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr })));
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
