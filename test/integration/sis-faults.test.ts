/**
 * A flaky SIS (5xx, 429 with Retry-After, requests that hang past the client's timeout) slows a
 * run down but changes nothing in its result: same rows as a run against a healthy SIS.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { generateDataset } from '../../src/simulator/generate';
import { runSync, startTestEnvironment, type TestEnvironment } from '../support/environment';
import { countRows, rosterChecksum } from '../support/roster-queries';

let healthy: TestEnvironment;
let flaky: TestEnvironment;
before(async () => {
  [healthy, flaky] = await Promise.all([
    startTestEnvironment({
      dataset: generateDataset({ preset: 'small', seed: 11 }),
      schoolId: 'faults-healthy',
    }),
    startTestEnvironment({
      dataset: generateDataset({ preset: 'small', seed: 11 }),
      schoolId: 'faults-flaky',
      configure: (config) => {
        config.sis.requestTimeoutMs = 400;
      },
    }),
  ]);
});
after(async () => {
  await Promise.all([healthy?.close(), flaky?.close()]);
});

test('faults injected in the SIS still end in a complete, identical result', async () => {
  flaky.simulator.setFaults({
    errorRate: 0.08,
    rateLimitRate: 0.05,
    retryAfterSeconds: 1,
    timeoutRate: 0.03,
    timeoutMs: 1_000,
    seed: 5,
  });
  const [clean, faulty] = await Promise.all([runSync(healthy), runSync(flaky)]);
  const stats = flaky.simulator.getStats();
  const byStatus = stats.byStatus as Record<string, number>;
  assert.ok((byStatus['503'] ?? 0) > 0, 'some requests got 503');
  assert.ok((byStatus['429'] ?? 0) > 0, 'some requests got 429');
  assert.equal(stats.byFault.error, byStatus['503'], 'every 503 counted as an injected fault');
  assert.ok((stats.byFault.timeout ?? 0) > 0, 'some requests hung');

  assert.equal(faulty.status, 'completed');
  assert.deepEqual(await countRows(flaky.db, 'faults-flaky'), await countRows(healthy.db, 'faults-healthy'));
  assert.equal(
    await rosterChecksum(flaky.db, 'faults-flaky', true),
    await rosterChecksum(healthy.db, 'faults-healthy', true),
  );
  for (const type of Object.keys(clean.counts) as (keyof typeof clean.counts)[]) {
    assert.equal(faulty.counts[type].created, clean.counts[type].created, `${type} created`);
    assert.equal(faulty.counts[type].failed, 0, `${type} failed`);
  }
});

test('a bad day (20% 503, 10% 429 with Retry-After 2 s, 2% timeouts) is slower, not different', async () => {
  const stormy = await startTestEnvironment({
    dataset: generateDataset({ preset: 'small', seed: 11 }),
    schoolId: 'faults-storm',
    configure: (config) => {
      config.sis.requestTimeoutMs = 400;
    },
  });
  try {
    stormy.simulator.setFaults({
      errorRate: 0.2,
      rateLimitRate: 0.1,
      retryAfterSeconds: 2,
      timeoutRate: 0.02,
      timeoutMs: 1_000,
      seed: 8,
    });
    const result = await runSync(stormy);
    assert.equal(result.status, 'completed');
    assert.equal(
      await rosterChecksum(stormy.db, 'faults-storm', true),
      await rosterChecksum(healthy.db, 'faults-healthy', true),
    );
  } finally {
    await stormy.close();
  }
});
