/**
 * Fleet alerts: a school that turns failing, stale or waiting for approval, or recovers, is
 * announced once to the deployment's webhook (ALERT_WEBHOOK_URL, Slack-compatible `{ "text" }`).
 * Judged after each run and by FleetWatchWorkflow every 15 minutes (staleness needs no run). The
 * state alerted is kept per school and changed only once the webhook took the alert, under a row
 * lock, so two judges at once send it once and a webhook that is down is tried again next time.
 * Alerts carry the school's id and name, counts, run ids and links: never personal data.
 */
import type { Kysely } from 'kysely';
import { fleetSettings, type FleetSettings } from '../config/fleet-settings';
import {
  alertTransition,
  describeAge,
  schoolHealth,
  type Alert,
  type AlertState,
} from '../coursekey/school-health';
import { recordTypeLabels, type RecordType } from '../coursekey/record-types';
import type { Database } from '../db/database';
import { schoolHealthFacts, type SchoolHealthFacts } from '../db/school-health-facts';

/** What only Temporal knows, given by the worker: paused schedules and the Web UI links. */
export interface FleetContext {
  /** The schools whose schedule runs (not paused, not removed); without it none counts as paused. */
  scheduledSchools?(): Promise<Set<string>>;
  workflowUrl?(workflowId: string): string;
}

const headline: Record<Alert, string> = {
  failing: ':red_circle: failing',
  stale: ':hourglass: stale',
  waiting: ':raised_hand: waiting for approval',
  recovered: ':large_green_circle: recovered',
};

function alertText(
  alert: Alert,
  was: AlertState,
  facts: SchoolHealthFacts,
  settings: FleetSettings,
  context: FleetContext,
  now: Date,
): string {
  const lastSuccess = facts.lastSuccessAt
    ? `last completed run ${describeAge(now.getTime() - facts.lastSuccessAt.getTime())} ago`
    : 'no completed run yet';
  const detail = {
    failing: `${facts.consecutiveFailures} runs failed in a row; ${lastSuccess}`,
    stale: `${lastSuccess} (limit ${describeAge(settings.rules.staleAfterMs)})`,
    waiting: `run ${facts.waiting?.syncRunId} holds deactivations of ${Object.entries(
      facts.waiting?.held ?? {},
    )
      .map(([type, n]) => `${n} ${recordTypeLabels[type as RecordType]?.toLowerCase() ?? type}`)
      .join(', ')} for approval (\`npm run cli -- approve --school ${facts.schoolId}\`)`,
    recovered: `was ${was}; ${lastSuccess}`,
  }[alert];
  const lines = [`${headline[alert]}: ${facts.name} (${facts.schoolId}): ${detail}.`];
  if (facts.latestRun) {
    const link = context.workflowUrl?.(facts.latestRun.workflowId);
    lines.push(
      `Latest run ${facts.latestRun.syncRunId} (${facts.latestRun.status})${link ? `: ${link}` : ''}`,
    );
  }
  if (settings.dashboardUrl)
    lines.push(`${settings.dashboardUrl}/dashboard/schools/${encodeURIComponent(facts.schoolId)}`);
  return lines.join('\n');
}

async function postAlert(webhookUrl: string, text: string): Promise<void> {
  const response = await fetch(webhookUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text }),
    signal: AbortSignal.timeout(10_000),
  });
  // The URL's path is the webhook's secret: only its host is named.
  if (!response.ok)
    throw new Error(`The alert webhook at ${new URL(webhookUrl).host} answered ${response.status}.`);
}

/** Judges the schools (all enabled ones when omitted) and sends what changed; returns the alerts sent. */
export async function evaluateFleetAlerts(
  db: Kysely<Database>,
  context: FleetContext,
  schoolIds?: readonly string[],
): Promise<Alert[]> {
  const settings = fleetSettings();
  if (!settings.webhookUrl) return [];
  const scheduled = await context.scheduledSchools?.();
  const sent: Alert[] = [];
  const ids =
    schoolIds ?? (await db.selectFrom('schools').select('id').orderBy('id').execute()).map((s) => s.id);
  const failures: string[] = [];
  for (const schoolId of ids) {
    // One school's alert that cannot go out does not keep the others' from going.
    try {
      await db
        .insertInto('school_alert_state')
        .values({ school_id: schoolId, state: 'ok' })
        .onConflict((conflict) => conflict.column('school_id').doNothing())
        .execute();
      await db.transaction().execute(async (trx) => {
        const last = await trx
          .selectFrom('school_alert_state')
          .select('state')
          .where('school_id', '=', schoolId)
          .forUpdate()
          .executeTakeFirstOrThrow();
        const [facts] = await schoolHealthFacts(trx, [schoolId]);
        if (!facts) return;
        const now = new Date();
        const health = schoolHealth(
          {
            consecutiveFailures: facts.consecutiveFailures,
            lastSuccessAt: facts.lastSuccessAt,
            monitoredSince: facts.enabledAt,
            paused: scheduled ? !scheduled.has(schoolId) : false,
            waitingForApproval: facts.waiting !== null,
          },
          settings.rules,
          now,
        );
        const { alert, next } = alertTransition(last.state, health);
        if (!alert) return;
        await postAlert(settings.webhookUrl!, alertText(alert, last.state, facts, settings, context, now));
        await trx
          .updateTable('school_alert_state')
          .set({ state: next, sync_run_id: facts.latestRun?.syncRunId ?? null, changed_at: now })
          .where('school_id', '=', schoolId)
          .execute();
        sent.push(alert);
      });
    } catch (err) {
      failures.push(`${schoolId}: ${(err as Error).message}`);
    }
  }
  if (failures.length)
    throw new Error(`Fleet alerts not sent for ${failures.length} schools (${failures.join('; ')})`);
  return sent;
}

/**
 * After a run or a hold: alerting is best effort there, so a webhook that is down never fails a run's
 * bookkeeping; the next run or watch tries again.
 */
export async function alertIfChanged(db: Kysely<Database>, context: FleetContext, schoolId: string) {
  try {
    await evaluateFleetAlerts(db, context, [schoolId]);
  } catch (err) {
    console.warn(`Fleet alert for ${schoolId} not sent: ${(err as Error).message}`);
  }
}

export function createFleetAlertActivities(db: Kysely<Database>, context: FleetContext) {
  return {
    /** FleetWatchWorkflow's one activity: every school judged, staleness included. */
    async watchFleet(): Promise<{ alerts: Alert[] }> {
      return { alerts: await evaluateFleetAlerts(db, context) };
    },
  };
}
