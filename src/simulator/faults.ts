/**
 * Fault injection for /api: latency, outages, rate limits, hangs, malformed items, denied endpoints,
 * listings that shift between page reads and PostAttendance answers that leave records out.
 */
import { z } from 'zod';
import { createRandom, type Random } from './random';

const rate = z.number().min(0).max(1);

export const faultSettingsSchema = z.strictObject({
  /** Added to every /api request, Authenticate included. */
  latencyMs: z.number().int().min(0).default(0),
  /** Share of requests answered 503. */
  errorRate: rate.default(0),
  /** Share of requests answered 429 with Retry-After. */
  rateLimitRate: rate.default(0),
  retryAfterSeconds: z.number().int().min(0).default(1),
  /** Share of requests that hang for timeoutMs before being answered normally. */
  timeoutRate: rate.default(0),
  timeoutMs: z.number().int().min(0).default(30_000),
  /** Share of list responses in which one item gets a broken field. */
  malformedRate: rate.default(0),
  /** Endpoint names (e.g. "GetInstructors") answered 403, as for a service account lacking access. */
  deniedEndpoints: z.array(z.string()).default([]),
  /**
   * List endpoints (e.g. "GetStudents") whose pages after the first are served as if `listingShift`
   * records had been inserted at the front of the listing (removed, when negative) after page 1 was
   * read: later pages repeat (or skip) records and report a different totalCount.
   */
  shiftedListings: z.array(z.string()).default([]),
  listingShift: z.number().int().default(1),
  /** PostAttendance stores these students' records but leaves them out of its answer, as a partial response. */
  unansweredStudentIds: z.array(z.string()).default([]),
  seed: z.number().int().default(1),
});
export type FaultSettings = z.output<typeof faultSettingsSchema>;
export type FaultSettingsInput = z.input<typeof faultSettingsSchema>;

export type RequestFault = 'rateLimit' | 'error' | 'timeout';

/** How to break one item of each list endpoint's response so that the contract's schemas reject it. */
const BREAK_ITEM: Record<string, (item: object) => object> = {
  GetTerm: (item) => ({ ...item, startDate: '13/45/2024' }),
  GetSessions: (item) => ({ ...item, endDate: 'soon' }),
  GetTermSchedule: (item) => ({ ...item, scheduledCourseId: null }),
  GetUsers: (item) => ({ ...item, userId: null }),
  GetInstructors: (item) => ({ ...item, instructorId: null }),
  GetStudents: (item) => ({ ...item, studentId: null }),
  GetEnrollment: (item) => ({ ...item, studentId: null }),
  GetSchedule: (item) => ({ ...item, dayOfWeek: 9 }),
};

export class FaultInjector {
  // Both are set by configure(), which the constructor calls.
  settings!: FaultSettings;
  private random!: Random;
  private readonly stopping = new AbortController();

  constructor(settings: FaultSettings) {
    this.configure(settings);
  }

  /** Replaces all settings and restarts the seeded sequence, so a run with the same requests repeats. */
  configure(settings: FaultSettings): void {
    this.settings = settings;
    this.random = createRandom(this.settings.seed);
  }

  /** One draw per request, so the configured rates partition the requests. */
  drawRequestFault(): RequestFault | undefined {
    const { rateLimitRate, errorRate, timeoutRate } = this.settings;
    if (rateLimitRate + errorRate + timeoutRate === 0) return undefined;
    const roll = this.random.next();
    if (roll < rateLimitRate) return 'rateLimit';
    if (roll < rateLimitRate + errorRate) return 'error';
    if (roll < rateLimitRate + errorRate + timeoutRate) return 'timeout';
    return undefined;
  }

  /** The list items to send, one of them broken when a malformed response is drawn. */
  maybeBreak(endpoint: string, items: object[]): object[] {
    const breakItem = BREAK_ITEM[endpoint];
    if (!breakItem || items.length === 0 || this.settings.malformedRate === 0) return items;
    if (this.random.next() >= this.settings.malformedRate) return items;
    const broken = [...items];
    const at = this.random.int(0, items.length - 1);
    broken[at] = breakItem(items[at]!);
    return broken;
  }

  /** Where a page of a listing of `total` items starts, and the totalCount it reports. */
  pageWindow(endpoint: string, page: number, pageSize: number, total: number) {
    const shift =
      page > 1 && this.settings.shiftedListings.includes(endpoint) ? this.settings.listingShift : 0;
    return { start: Math.max(0, (page - 1) * pageSize - shift), totalCount: Math.max(0, total + shift) };
  }

  /** Waits, but returns at once when the simulator closes so no timer outlives it. */
  sleep(ms: number): Promise<void> {
    if (ms <= 0 || this.stopping.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.stopping.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.stopping.signal.addEventListener('abort', done);
    });
  }

  stop(): void {
    this.stopping.abort();
  }
}
