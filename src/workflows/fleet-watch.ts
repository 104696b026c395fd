/**
 * The schedule `fleet-watch` starts this every 15 minutes: every school's health is judged and a
 * change alerted (src/activities/fleet-alerts.ts). Runs alert on their own when they end; this is
 * what notices a school that stopped running at all (stale).
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { HEARTBEAT_TIMEOUT } from './activity-options';

const { watchFleet } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  // The next watch tries again: a watch never piles up behind a webhook that is down.
  retry: { maximumAttempts: 3 },
});

export async function FleetWatchWorkflow(): Promise<{ alerts: string[] }> {
  return watchFleet();
}
