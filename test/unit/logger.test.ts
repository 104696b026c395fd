import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { createLogger } from '../../src/logging/logger';
import { temporalLogger } from '../../src/logging/temporal-logger';

/** A logger writing into an array of parsed JSON lines. */
function capturedLogger() {
  const text: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text.push(chunk.toString());
      done();
    },
  });
  const logger = createLogger({ name: 'test', level: 'trace', destination });
  const lines = () =>
    text
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, text: () => text.join(''), lines };
}

test('passwords, tokens, keys, authorization headers, emails and names are masked', () => {
  const { logger, text, lines } = capturedLogger();
  logger.info(
    {
      password: 'hunter2-password',
      token: 'tok-123456',
      apiKey: 'ck_live_secret',
      school: { credentials: { password: 'sis-pass-77', username: 'svc' } },
      req: { headers: { authorization: 'Bearer ck_bearer_99', cookie: 'session=abc123' } },
      user: { email: 'ada.lovelace@school.edu', firstName: 'Ada', lastName: 'Lovelace', id: 'u-1' },
      note: 'sent to grace.hopper@school.edu',
    },
    'admin bob.smith@school.edu signed in',
  );
  logger.error(new Error('duplicate key for alan.turing@school.edu'), 'query failed');

  const output = text();
  for (const secret of [
    'hunter2-password',
    'tok-123456',
    'ck_live_secret',
    'sis-pass-77',
    'ck_bearer_99',
    'abc123',
    'ada.lovelace@school.edu',
    'Lovelace',
    'grace.hopper@school.edu',
    'bob.smith@school.edu',
    'alan.turing@school.edu',
  ]) {
    assert.ok(!output.includes(secret), `${secret} is masked:\n${output}`);
  }
  const [first, second] = lines();
  assert.equal(first!.msg, 'admin [email] signed in');
  assert.equal(first!.password, '[redacted]');
  assert.deepEqual(first!.user, {
    email: '[redacted]',
    firstName: '[redacted]',
    lastName: '[redacted]',
    id: 'u-1',
  });
  assert.equal((first!.school as { credentials: { username: string } }).credentials.username, 'svc');
  assert.equal(first!.note, 'sent to [email]');
  assert.equal(first!.level, 'info');
  assert.deepEqual(
    { type: (second!.err as { type: string }).type, message: (second!.err as { message: string }).message },
    { type: 'Error', message: 'duplicate key for [email]' },
  );
});

test("a failed activity attempt from the Temporal SDK is one line with the error's type and message", () => {
  const { logger, text, lines } = capturedLogger();
  const failure = new Error('connect ECONNREFUSED 127.0.0.1:5432');
  temporalLogger(logger).warn('Activity failed', {
    error: failure,
    activityType: 'syncCoursesPage',
    attempt: 3,
    workflowId: 'roster:demo-1',
  });
  assert.equal(text().trim().split('\n').length, 1, 'one line');
  const [line] = lines();
  assert.equal(line!.msg, 'Activity failed');
  assert.equal(line!.level, 'warn');
  assert.equal(line!.component, 'temporal');
  assert.equal(line!.activityType, 'syncCoursesPage');
  assert.equal(line!.attempt, 3);
  assert.deepEqual(line!.error, { type: 'Error', message: 'connect ECONNREFUSED 127.0.0.1:5432' });
});

test("the core's long-workflow-task notice is debug: tasks that run local activities last as long as they do", () => {
  const { logger, lines } = capturedLogger();
  const sdk = temporalLogger(logger);
  sdk.warn('[TMPRL1104] 01a2:52:1 Workflow task duration exceeded 5 seconds.', {
    workflow_type: 'SyncWorkflow',
  });
  sdk.warn('Activity failed', { activityType: 'syncUsersPage' });
  assert.deepEqual(
    lines().map((line) => line.level),
    ['debug', 'warn'],
  );
});

test('an error carrying a client object logs its name, not the client', () => {
  const { logger, lines } = capturedLogger();
  class Client {
    connectionParameters = { user: 'postgres', host: '127.0.0.1' };
  }
  const err = Object.assign(new Error('terminating connection due to administrator command'), {
    code: '57P01',
    client: new Client(),
  });
  logger.warn({ err, at: new Date('2026-12-02T12:00:00Z') }, 'PostgreSQL connection lost');
  const [line] = lines();
  const logged = line!.err as Record<string, unknown>;
  assert.equal(logged.message, 'terminating connection due to administrator command');
  assert.equal(logged.code, '57P01');
  assert.equal(logged.client, '[Client]');
  assert.equal(line!.at, '2026-12-02T12:00:00.000Z');
});
