/** How the dashboard writes times, durations and numbers: in the school's time zone, for people. */
import { DateTime } from 'luxon';

export function formatTime(iso: string | null | undefined, timeZone: string): string {
  if (!iso) return '—';
  return DateTime.fromISO(iso, { zone: timeZone }).toFormat('LLL d, yyyy, h:mm a ZZZZ');
}

export function formatDate(date: string | null | undefined): string {
  if (!date) return '—';
  return DateTime.fromISO(date).toFormat('LLL d, yyyy');
}

export function durationSeconds(startedAt: string, finishedAt: string | null): number | null {
  return finishedAt === null ? null : (Date.parse(finishedAt) - Date.parse(startedAt)) / 1000;
}

export function formatDuration(seconds: number | null): string {
  if (seconds === null) return 'running';
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export { recordTypeLabels } from '../coursekey/record-types';
