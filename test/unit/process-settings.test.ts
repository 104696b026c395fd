import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../src/config/load-school-config';
import { readWebSettings } from '../../src/http/web-settings';
import { temporalConnectionOptions } from '../../src/temporal/connection';
import { readWorkerSettings } from '../../src/workers/worker-settings';

function withEnv<T>(vars: Record<string, string | undefined>, body: () => T): T {
  const saved = Object.fromEntries(Object.keys(vars).map((name) => [name, process.env[name]]));
  Object.assign(process.env, vars);
  for (const [name, value] of Object.entries(vars)) if (value === undefined) delete process.env[name];
  try {
    return body();
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

test('the worker reads its slots and shutdown grace from the environment, with defaults', () => {
  assert.deepEqual(readWorkerSettings({}), {
    WORKER_SHUTDOWN_GRACE: 30,
    WORKER_MAX_CONCURRENT_ACTIVITIES: 128,
    WORKER_ACTIVITY_CPU_TARGET: 0.85,
    WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: 40,
    WORKER_MAX_CACHED_WORKFLOWS: 1000,
    DATABASE_POOL_MAX: 20,
    LOG_LEVEL: 'info',
  });
  const set = readWorkerSettings({
    WORKER_SHUTDOWN_GRACE: '2m',
    WORKER_MAX_CONCURRENT_ACTIVITIES: '4',
    WORKER_ACTIVITY_CPU_TARGET: '1',
    WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '8',
    LOG_LEVEL: 'warn',
  });
  assert.equal(set.WORKER_SHUTDOWN_GRACE, 120);
  assert.equal(set.WORKER_MAX_CONCURRENT_ACTIVITIES, 4);
  assert.equal(set.WORKER_ACTIVITY_CPU_TARGET, 1);
  assert.equal(set.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS, 8);
  assert.equal(set.LOG_LEVEL, 'warn');
});

test('bad variables are one error naming each of them', () => {
  assert.throws(
    () =>
      readWorkerSettings({
        WORKER_MAX_CONCURRENT_ACTIVITIES: '0',
        WORKER_ACTIVITY_CPU_TARGET: '85',
        LOG_LEVEL: 'loud',
      }),
    (err: unknown) =>
      err instanceof ConfigError &&
      !err.message.includes('\n') &&
      err.message.includes('WORKER_MAX_CONCURRENT_ACTIVITIES="0": expected a whole number of at least 1') &&
      err.message.includes('WORKER_ACTIVITY_CPU_TARGET="85": expected a fraction above 0 and at most 1') &&
      err.message.includes('LOG_LEVEL="loud"'),
  );
  assert.throws(() => readWebSettings({ PORT: '70000' }), /PORT="70000": expected a port number/);
});

test('the web process listens on loopback by default and trusts a proxy only when told', () => {
  const defaults = readWebSettings({});
  assert.deepEqual([defaults.HOST, defaults.PORT, defaults.TRUST_PROXY], ['127.0.0.1', 3000, false]);
  assert.deepEqual(readWebSettings({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).TRUST_PROXY, [
    '10.0.0.0/8',
    '127.0.0.1',
  ]);
  assert.equal(readWebSettings({ TRUST_PROXY: 'true' }).TRUST_PROXY, true);
});

test('Temporal Cloud by API key turns TLS on; a certificate without its key is refused', () => {
  const cloud = withEnv(
    { TEMPORAL_API_KEY: 'tc-key', TEMPORAL_TLS_CERT: undefined, TEMPORAL_TLS_KEY: undefined },
    temporalConnectionOptions,
  );
  assert.equal(cloud.apiKey, 'tc-key');
  assert.equal(cloud.tls, true);
  const local = withEnv(
    { TEMPORAL_API_KEY: undefined, TEMPORAL_TLS_CERT: undefined, TEMPORAL_TLS_KEY: undefined },
    temporalConnectionOptions,
  );
  assert.equal(local.tls, undefined);
  assert.ok(!('apiKey' in local));
  assert.throws(
    () =>
      withEnv(
        { TEMPORAL_API_KEY: undefined, TEMPORAL_TLS_CERT: '/certs/client.pem', TEMPORAL_TLS_KEY: undefined },
        temporalConnectionOptions,
      ),
    /TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY are set together/,
  );
});
