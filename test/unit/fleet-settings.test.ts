import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fleetSettings } from '../../src/config/fleet-settings';

test('fleet settings default to 3 failures and 3 hours, without a webhook', () => {
  assert.deepEqual(fleetSettings({}), {
    webhookUrl: undefined,
    dashboardUrl: undefined,
    rules: { failingAfter: 3, staleAfterMs: 3 * 3_600_000 },
  });
  const set = fleetSettings({
    ALERT_WEBHOOK_URL: 'https://hooks.example.com/services/T/B/x',
    ALERT_AFTER_FAILURES: '5',
    STALE_AFTER: '90m',
    DASHBOARD_URL: 'https://insight.example.com/',
  });
  assert.equal(set.rules.failingAfter, 5);
  assert.equal(set.rules.staleAfterMs, 90 * 60_000);
  assert.equal(set.dashboardUrl, 'https://insight.example.com');
});

test('a bad setting names the variable and the fix', () => {
  assert.throws(
    () => fleetSettings({ STALE_AFTER: '3 hours' }),
    /^Error: Environment variable STALE_AFTER: use a duration such as "3h" or "90m"\.$/,
  );
  assert.throws(
    () => fleetSettings({ ALERT_AFTER_FAILURES: '0' }),
    /Environment variable ALERT_AFTER_FAILURES/,
  );
  assert.throws(
    () => fleetSettings({ ALERT_WEBHOOK_URL: 'hooks' }),
    /Environment variable ALERT_WEBHOOK_URL: set it to the webhook URL/,
  );
});
