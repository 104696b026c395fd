/**
 * A school's health at a glance, and when that is worth an alert: the one place the rules live
 * (fleet page, `status --all`, alerts).
 * - failing: the last `failingAfter` runs or more failed in a row (since the last completed run);
 * - waiting: a running run holds deactivations for an operator's approval;
 * - paused: its schedule is paused (an operator's decision, so not stale);
 * - stale: no completed run for `staleAfterMs` (counted from enabling when it never completed one);
 * - ok: none of these.
 */
export const healthStates = ['failing', 'stale', 'waiting', 'paused', 'ok'] as const;
/** Worst first, as the fleet page lists schools. */
export type Health = (typeof healthStates)[number];

export interface HealthFacts {
  consecutiveFailures: number;
  lastSuccessAt: Date | null;
  /** When the school was enabled: staleness counts from here until its first completed run. */
  monitoredSince: Date;
  paused: boolean;
  waitingForApproval: boolean;
}

export interface HealthRules {
  failingAfter: number;
  staleAfterMs: number;
}

export function schoolHealth(facts: HealthFacts, rules: HealthRules, now: Date): Health {
  if (facts.consecutiveFailures >= rules.failingAfter) return 'failing';
  if (facts.waitingForApproval) return 'waiting';
  if (facts.paused) return 'paused';
  const since = facts.lastSuccessAt ?? facts.monitoredSince;
  if (now.getTime() - since.getTime() > rules.staleAfterMs) return 'stale';
  return 'ok';
}

/** Worst first; among equals, more consecutive failures first, then the longest without success. */
export function compareHealth(
  a: { health: Health; consecutiveFailures: number; lastSuccessAt: Date | null },
  b: { health: Health; consecutiveFailures: number; lastSuccessAt: Date | null },
): number {
  return (
    healthStates.indexOf(a.health) - healthStates.indexOf(b.health) ||
    b.consecutiveFailures - a.consecutiveFailures ||
    (a.lastSuccessAt?.getTime() ?? 0) - (b.lastSuccessAt?.getTime() ?? 0)
  );
}

/** The states an alert reports; a school never alerted is `ok`. */
export type AlertState = 'ok' | 'failing' | 'stale' | 'waiting';
export type Alert = Exclude<AlertState, 'ok'> | 'recovered';

/**
 * One alert per change of state. A paused school keeps the state last alerted: pausing is no
 * recovery, and a school that failed before its pause and runs well after it has recovered.
 */
export function alertTransition(last: AlertState, health: Health): { alert?: Alert; next: AlertState } {
  if (health === 'paused' || health === last) return { next: last };
  if (health === 'ok') return { alert: 'recovered', next: 'ok' };
  return { alert: health, next: health };
}

/** "25 min", "3.5 h", "2.1 d": an age or a limit as people on call read it. */
export function describeAge(ms: number): string {
  if (ms < 2 * 3_600_000) return `${Math.round(ms / 60_000)} min`;
  if (ms < 2 * 86_400_000) return `${Math.round(ms / 360_000) / 10} h`;
  return `${Math.round(ms / 8_640_000) / 10} d`;
}
