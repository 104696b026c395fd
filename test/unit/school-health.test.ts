import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  alertTransition,
  compareHealth,
  schoolHealth,
  type HealthFacts,
} from '../../src/coursekey/school-health';

const now = new Date('2026-11-30T12:00:00Z');
const rules = { failingAfter: 3, staleAfterMs: 3 * 3_600_000 };
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000);
const healthy: HealthFacts = {
  consecutiveFailures: 0,
  lastSuccessAt: hoursAgo(1),
  monitoredSince: hoursAgo(100),
  paused: false,
  waitingForApproval: false,
};
const health = (facts: Partial<HealthFacts>) => schoolHealth({ ...healthy, ...facts }, rules, now);

test('failing after N consecutive failures, not before', () => {
  assert.equal(health({ consecutiveFailures: 2 }), 'ok');
  assert.equal(health({ consecutiveFailures: 3 }), 'failing');
  assert.equal(health({ consecutiveFailures: 3, paused: true, waitingForApproval: true }), 'failing');
});

test('stale after the set time without a completed run, counted from enabling when there was none', () => {
  assert.equal(health({ lastSuccessAt: hoursAgo(2.9) }), 'ok');
  assert.equal(health({ lastSuccessAt: hoursAgo(3.1) }), 'stale');
  assert.equal(health({ lastSuccessAt: null, monitoredSince: hoursAgo(1) }), 'ok');
  assert.equal(health({ lastSuccessAt: null, monitoredSince: hoursAgo(4) }), 'stale');
});

test('paused and waiting for approval', () => {
  assert.equal(
    health({ paused: true, lastSuccessAt: hoursAgo(50) }),
    'paused',
    'a paused school is not stale',
  );
  assert.equal(health({ waitingForApproval: true, paused: true }), 'waiting');
});

test('worst first: failing, stale, waiting, paused, ok; more failures first among failing', () => {
  const row = (h: ReturnType<typeof health>, consecutiveFailures = 0) => ({
    health: h,
    consecutiveFailures,
    lastSuccessAt: hoursAgo(1),
  });
  const sorted = [
    row('ok'),
    row('paused'),
    row('failing', 3),
    row('waiting'),
    row('stale'),
    row('failing', 7),
  ].sort(compareHealth);
  assert.deepEqual(
    sorted.map((r) => `${r.health}${r.consecutiveFailures || ''}`),
    ['failing7', 'failing3', 'stale', 'waiting', 'paused', 'ok'],
  );
});

test('one alert per change of state; paused keeps the state last alerted', () => {
  assert.deepEqual(alertTransition('ok', 'ok'), { next: 'ok' });
  assert.deepEqual(alertTransition('ok', 'failing'), { alert: 'failing', next: 'failing' });
  assert.deepEqual(alertTransition('failing', 'failing'), { next: 'failing' });
  assert.deepEqual(alertTransition('failing', 'paused'), { next: 'failing' });
  assert.deepEqual(alertTransition('failing', 'ok'), { alert: 'recovered', next: 'ok' });
  assert.deepEqual(alertTransition('waiting', 'stale'), { alert: 'stale', next: 'stale' });
  assert.deepEqual(alertTransition('ok', 'paused'), { next: 'ok' });
});
