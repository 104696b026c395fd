/** The client against the simulator over HTTP: auth, token refresh, and each error class. */
import assert from 'node:assert/strict';
import pLimit from 'p-limit';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { CampusCloudClient } from '../../src/campus-cloud/client';
import {
  SisConfigurationError,
  SisRateLimitedError,
  SisRequestError,
  SisTransientError,
} from '../../src/campus-cloud/errors';
import { generateDataset } from '../../src/simulator/generate';
import {
  createSimulator,
  DEFAULT_PASSWORD,
  DEFAULT_USERNAME,
  type Simulator,
} from '../../src/simulator/server';

let simulator: Simulator;
before(async () => {
  simulator = await createSimulator({ dataset: generateDataset({ preset: 'small', seed: 3 }) });
});
after(async () => {
  await simulator?.close();
});

const client = (overrides: Partial<ConstructorParameters<typeof CampusCloudClient>[0]> = {}) =>
  new CampusCloudClient({
    baseUrl: simulator.url,
    username: DEFAULT_USERNAME,
    password: DEFAULT_PASSWORD,
    timeoutMs: 5_000, // a loaded machine is slow; the timeout case sets its own
    limit: pLimit(4),
    tries: 1,
    ...overrides,
  });

test('pages are validated and complete', async () => {
  const sis = client();
  const first = await sis.getStudents('MAIN', 1, 50);
  assert.equal(first.items.length, 50);
  assert.equal(first.totalCount, simulator.getDataset().students.length);
  assert.deepEqual(first.rejected, []);
});

test('an expired token is refreshed once, transparently', async () => {
  const sis = client();
  await sis.getUsers('MAIN', 1, 10);
  simulator.revokeTokens();
  const again = await sis.getUsers('MAIN', 1, 10);
  assert.equal(again.items.length, 10);
});

test('wrong credentials and a denied endpoint are configuration errors', async () => {
  await assert.rejects(client({ password: 'wrong' }).getUsers('MAIN', 1, 10), (err: Error) => {
    assert.ok(err instanceof SisConfigurationError);
    assert.ok(!err.message.includes('wrong'), 'the password is not in the message');
    return true;
  });
  simulator.setFaults({ deniedEndpoints: ['GetInstructors'] });
  await assert.rejects(client().getInstructors('MAIN', 1, 10), SisConfigurationError);
  simulator.setFaults({});
});

test('429 carries Retry-After; 5xx and timeouts are transient; 404 is a request error', async () => {
  simulator.setFaults({ rateLimitRate: 1, retryAfterSeconds: 7 });
  await assert.rejects(client().getUsers('MAIN', 1, 10), (err: unknown) => {
    assert.ok(err instanceof SisRateLimitedError);
    assert.equal(err.retryAfterSeconds, 7);
    return true;
  });
  simulator.setFaults({ errorRate: 1 });
  await assert.rejects(client().getUsers('MAIN', 1, 10), SisTransientError);
  simulator.setFaults({ timeoutRate: 1, timeoutMs: 3_000 });
  await assert.rejects(client({ timeoutMs: 1_000 }).getUsers('MAIN', 1, 10), SisTransientError);
  simulator.setFaults({});
  await assert.rejects(client().getStudentById('no-such-student'), (err: unknown) => {
    assert.ok(err instanceof SisRequestError);
    assert.equal(err.status, 404);
    return true;
  });
});

test('in-request retries ride out a flaky SIS', async () => {
  simulator.setFaults({ errorRate: 0.3, rateLimitRate: 0.1, retryAfterSeconds: 0, seed: 9 });
  const sis = client({ tries: 7 });
  const pages = await Promise.all([1, 2, 3, 4].map((page) => sis.getStudents('MAIN', page, 50)));
  assert.equal(
    pages.reduce((n, p) => n + p.items.length, 0),
    simulator.getDataset().students.length,
  );
  simulator.setFaults({});
});

test('one retry policy: a failing SIS is asked eight times per request, a 404 page once, a dead one not at all', async () => {
  const sis = client({ tries: undefined });
  await sis.getUsers('MAIN', 1, 10); // a token first, so only the calls below are counted
  simulator.setFaults({ errorRate: 1 });
  simulator.resetStats();
  await assert.rejects(sis.getUsers('MAIN', 1, 10), SisTransientError);
  assert.equal(simulator.getStats().byEndpoint.GetUsers, 8, 'one request and seven quick retries');

  // Dead, not flaky: once nearly every recent request failed, requests fail without being sent.
  await Promise.allSettled([1, 2, 3, 4, 5, 6, 7, 8].map((page) => sis.getUsers('MAIN', page, 10)));
  simulator.resetStats();
  await assert.rejects(sis.getUsers('MAIN', 1, 10), /failed nearly every recent request/);
  assert.equal(simulator.getStats().total, 0, 'an open circuit sends nothing');
  simulator.setFaults({});
  await sleep(5_100);
  const recovered = await sis.getUsers('MAIN', 1, 10);
  assert.equal(recovered.items.length, 10, 'a probe after a few seconds finds the SIS back');

  simulator.resetStats();
  await assert.rejects(sis.getEnrollment('no-such-section', 1, 10), (err: unknown) => {
    assert.ok(err instanceof SisRequestError);
    assert.equal(err.status, 404);
    return true;
  });
  assert.equal(simulator.getStats().byEndpoint.GetEnrollment, 1, 'a 404 is never retried');

  simulator.setFaults({ rateLimitRate: 1, retryAfterSeconds: 30 });
  simulator.resetStats();
  await assert.rejects(sis.getUsers('MAIN', 1, 10), SisRateLimitedError);
  assert.equal(simulator.getStats().byEndpoint.GetUsers, 1, 'a long Retry-After is left to Temporal');
  simulator.setFaults({});
});

test('a malformed record is rejected alone; the rest of the page is kept', async () => {
  simulator.setFaults({ malformedRate: 1 });
  const page = await client().getStudents('MAIN', 1, 20);
  simulator.setFaults({});
  assert.equal(page.rejected.length, 1);
  assert.equal(page.items.length, 19);
  assert.match(page.rejected[0]!.reason, /^GetStudents: studentId/);
});

test('a record that lost its own id is not named by another id it carries', async () => {
  simulator.setFaults({ malformedRate: 1 });
  const term = simulator.getDataset().sections[0]!.termId;
  const page = await client().getTermSchedule(term, 1, 50);
  simulator.setFaults({});
  assert.equal(page.rejected.length, 1);
  // The entry still carries its catalog courseId; naming it by that would make its section look vanished.
  assert.equal(page.rejected[0]!.sisId, undefined);
});
