/**
 * Integration staff see every school at a glance, worst first: a school whose last three runs
 * failed is listed above one that syncs well, with its failures in a row, on the dashboard's fleet
 * page (a real browser) and from `npm run cli -- status --all` (table and --json).
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser } from 'playwright-core';
import { createAdmin } from '../../src/accounts/admin-accounts';
import { enableSchool } from '../../src/client/school-schedules';
import type { SchoolConfig } from '../../src/config/school-config';
import { projectRoot } from '../../src/infra/paths';
import { fleetHealth, type FleetSchool } from '../../src/read-model/fleet-health';
import { scheduleId } from '../../src/temporal/schedules';
import { SyncWorkflow } from '../../src/workflows/sync';
import { runCommand } from '../support/cli-process';
import { dashboardServer } from '../support/dashboard';
import { runSync, startTestEnvironment, type TestEnvironment } from '../support/environment';

const artifacts = path.join(projectRoot, 'test-artifacts', 'dashboard');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const STAFF = 'fleet-staff@coursekey.example';
const PASSWORD = 'a long enough test password';

let env: TestEnvironment;
let healthy: SchoolConfig;
let app: FastifyInstance;
let browser: Browser;

before(async () => {
  env = await startTestEnvironment({
    configure: (config) => {
      config.name = 'Failing Test College';
    },
  });
  healthy = { ...env.config, schoolId: `${env.config.schoolId}-ok`, name: 'Healthy Test College' };
  await enableSchool(env.db, env.client, healthy, { taskQueue: env.taskQueue });
  await env.client.workflow.execute(SyncWorkflow, {
    taskQueue: env.taskQueue,
    workflowId: `sync:${healthy.schoolId}-test`,
    args: [{ schoolId: healthy.schoolId }],
  });
  env.simulator.setFaults({ deniedEndpoints: ['GetUsers'] });
  for (let i = 0; i < 3; i++) await assert.rejects(runSync(env));
  env.simulator.setFaults({});
  await createAdmin(env.db, { email: STAFF, password: PASSWORD, schoolIds: [], isStaff: true });
  app = await dashboardServer(env);
});
after(async () => {
  await browser?.close();
  await app?.close();
  for (const schoolId of [env?.config.schoolId, healthy?.schoolId]) {
    if (schoolId) await env.client.schedule.getHandle(scheduleId(schoolId)).delete();
  }
  await env?.close();
});

/** The schedule listing trails a change by a moment: wait until it shows the healthy school running. */
async function settledFleet(): Promise<FleetSchool[]> {
  for (let attempt = 0; ; attempt++) {
    const fleet = await fleetHealth(env.db, env.client);
    if (fleet.find((s) => s.schoolId === healthy.schoolId)?.health === 'ok') return fleet;
    if (attempt >= 150)
      throw new Error(`the schedule listing did not settle in 30 s: ${JSON.stringify(fleet)}`);
    await sleep(200);
  }
}

test('the fleet read model puts the failing school first, with its failures in a row', async () => {
  const fleet = await settledFleet();
  assert.deepEqual(
    fleet.map((s) => [s.schoolId, s.health, s.consecutiveFailures]),
    [
      [env.config.schoolId, 'failing', 3],
      [healthy.schoolId, 'ok', 0],
    ],
  );
  assert.equal(fleet[0]!.lastSuccessAt, null, 'the failing school never completed a run');
  assert.ok(fleet[1]!.lastSuccessAgeMs! >= 0 && fleet[1]!.lastSuccessAgeMs! < 600_000);
  assert.ok(fleet[1]!.schedule?.nextRunAt, 'the healthy school has a next run');
});

test('integration staff see the fleet page in a browser: the failing school above the healthy one', async () => {
  await settledFleet();
  mkdirSync(artifacts, { recursive: true });
  const baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${baseUrl}/dashboard`);
  await page.fill('#email', STAFF);
  await page.fill('#password', PASSWORD);
  await page.click('form button.primary');
  await page.waitForSelector('table[data-fleet]');
  await page.screenshot({ path: path.join(artifacts, 'fleet.png'), fullPage: true });

  const rows = page.locator('table[data-fleet] tbody tr');
  assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-school'))), [
    env.config.schoolId,
    healthy.schoolId,
  ]);
  const failing = page.locator(`tr[data-school="${env.config.schoolId}"]`);
  assert.equal(await failing.locator('.pill').first().innerText(), 'Failing');
  assert.equal(await failing.locator('[data-failures]').innerText(), '3');
  assert.match(await failing.innerText(), /Never/);
  const ok = page.locator(`tr[data-school="${healthy.schoolId}"]`);
  assert.equal(await ok.locator('.pill').first().innerText(), 'OK');
  assert.match(await ok.innerText(), /\d+ min ago/);
});

test('status --all prints the same, worst first, as a table and as JSON', async () => {
  await settledFleet();
  const env_ = { DATABASE_URL: env.databaseUrl };
  const table = await runCommand('cli.ts', ['status', '--all'], env_);
  assert.equal(table.status, 0, table.stderr);
  const lines = table.stdout.trim().split('\n');
  assert.match(lines[0]!, /^health\s+school\s+last success\s+failures\s+blocking\s+next run$/);
  assert.match(lines[1]!, new RegExp(`^FAILING\\s+${env.config.schoolId}\\s+never\\s+3\\s`));
  assert.match(lines[2]!, new RegExp(`^OK\\s+${healthy.schoolId}\\s+\\d+ min ago\\s+0\\s`));

  const json = await runCommand('cli.ts', ['status', '--all', '--json'], env_);
  assert.equal(json.status, 0, json.stderr);
  const fleet = JSON.parse(json.stdout) as FleetSchool[];
  assert.deepEqual(
    fleet.map((s) => [s.schoolId, s.health, s.consecutiveFailures]),
    [
      [env.config.schoolId, 'failing', 3],
      [healthy.schoolId, 'ok', 0],
    ],
  );

  const both = await runCommand('cli.ts', ['status', '--all', '--school', healthy.schoolId], env_);
  assert.equal(both.status, 1);
  assert.match(both.stderr, /Use either --school <id> \(one school\) or --all \(every school\)\./);
});
