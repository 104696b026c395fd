/**
 * Fleet health and alert settings of a deployment, from the environment:
 * ALERT_WEBHOOK_URL (Slack-compatible incoming webhook; no alerts without it),
 * ALERT_AFTER_FAILURES (consecutive failed runs that make a school failing, default 3),
 * STALE_AFTER (no completed run for this long makes it stale, default 3h),
 * DASHBOARD_URL (the dashboard's public base URL, for the links in alerts).
 */
import { z } from 'zod';
import { durationMs } from './durations';

const settingsSchema = z.object({
  ALERT_WEBHOOK_URL: z
    .url({ message: 'set it to the webhook URL (https://...) or leave it unset' })
    .optional(),
  ALERT_AFTER_FAILURES: z.coerce.number().int().min(1).default(3),
  STALE_AFTER: z
    .string()
    .regex(/^\d+(ms|s|m|h|d)$/, 'use a duration such as "3h" or "90m"')
    .default('3h'),
  DASHBOARD_URL: z
    .url({ message: 'set it to the dashboard base URL (https://...) or leave it unset' })
    .optional(),
});

export interface FleetSettings {
  webhookUrl: string | undefined;
  dashboardUrl: string | undefined;
  rules: { failingAfter: number; staleAfterMs: number };
}

export function fleetSettings(env: NodeJS.ProcessEnv = process.env): FleetSettings {
  const parsed = settingsSchema.safeParse(env);
  if (!parsed.success) {
    const problem = parsed.error.issues[0]!;
    throw new Error(`Environment variable ${problem.path.join('.')}: ${problem.message}.`);
  }
  const settings = parsed.data;
  return {
    webhookUrl: settings.ALERT_WEBHOOK_URL,
    dashboardUrl: settings.DASHBOARD_URL?.replace(/\/$/, ''),
    rules: { failingAfter: settings.ALERT_AFTER_FAILURES, staleAfterMs: durationMs(settings.STALE_AFTER) },
  };
}
