/**
 * Where in its interval a school's schedule fires: a stable offset derived from the school id, so
 * hundreds of hourly schedules spread over the hour instead of all starting at :00 (and the SIS
 * and the workers see a steady load). Whole seconds; the same id always gets the same offset.
 */
import { durationMs } from '../config/durations';

/** FNV-1a, 32 bits: stable across processes and versions (unlike a language's own string hash). */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** The offset in milliseconds within `interval` ("1h"): 0 <= offset < interval, in whole seconds. */
export function scheduleOffsetMs(schoolId: string, interval: string): number {
  const seconds = Math.floor(durationMs(interval) / 1000);
  return seconds <= 1 ? 0 : (fnv1a(schoolId) % seconds) * 1000;
}
