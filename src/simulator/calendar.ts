/** Calendar arithmetic on YYYY-MM-DD strings (UTC based, so no time zone can shift a day). */
const DAY_MS = 86_400_000;

export function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** 0 = Sunday .. 6 = Saturday, as in the contract. */
export function dayOfWeek(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

export function mondayOnOrBefore(date: string): string {
  return addDays(date, -((dayOfWeek(date) + 6) % 7));
}

/** Number of days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}
