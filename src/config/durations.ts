/** Durations as configuration and environment spell them ("90s", "30m", "1h", "2d") in milliseconds. */
const unitMs = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export function durationMs(text: string): number {
  const match = /^(\d+)(ms|s|m|h|d)$/.exec(text);
  if (!match) throw new Error(`"${text}" is not a duration: use one such as "1h", "30m" or "90s".`);
  return Number(match[1]) * unitMs[match[2] as keyof typeof unitMs];
}
