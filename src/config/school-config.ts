/**
 * The School Configuration file: one per CourseKey School ID. It holds *references* to
 * credentials (environment variable names or a secrets file), never the secrets themselves.
 * Every object is strict: a misspelt key is an error, not a setting silently left at its default.
 */
import { DateTime } from 'luxon';
import { z } from 'zod';

const ianaZone = z.string().refine((zone) => DateTime.local().setZone(zone).isValid, {
  message: 'not an IANA time zone; use a name such as "America/New_York"',
});
/** The simulator and the demo run on this machine; every real SIS is reached over the network. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/**
 * The service account's password and every student record travel over this URL: https only, except
 * for http on a loopback host (the simulator, the demo).
 */
const sisBaseUrl = z
  .url({ message: 'must be the Campus Cloud API base URL, e.g. "https://sis.example.edu/api"' })
  .refine(
    (url) => {
      const { protocol, hostname } = new URL(url);
      return protocol === 'https:' || (protocol === 'http:' && LOOPBACK_HOSTS.has(hostname));
    },
    {
      message:
        'must use https (the SIS credentials and student data travel over it): write "https://..."; http is accepted only for a loopback host (127.0.0.1, localhost, [::1]) such as the simulator',
    },
  );

const duration = z.string().regex(/^\d+(ms|s|m|h|d)$/, 'use a duration such as "1h", "30m" or "90s"');

const durationUnits = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** "90s" -> 90000: a duration as the configuration writes it (see `duration`), in milliseconds. */
export function durationMs(text: string): number {
  const match = /^(\d+)(ms|s|m|h|d)$/.exec(text);
  if (!match) throw new Error(`"${text}" is not a duration such as "1h", "30m" or "90s"`);
  return Number(match[1]) * durationUnits[match[2] as keyof typeof durationUnits];
}

const window = z.strictObject({
  beforeMinutes: z.number().int().min(0).max(240),
  afterMinutes: z.number().int().min(0).max(240),
});

export const attendanceMethodSchema = z.strictObject({
  modality: z.enum(['in-person', 'online', 'blended']),
  verification: z.enum(['sound', 'gps', 'qr', 'face-scan']),
  checkInWindow: window.describe('minutes before/after the session start when check-in is allowed'),
  checkOutWindow: window.describe('minutes before/after the session end when check-out is allowed'),
  tardyThresholdMinutes: z.number().int().min(0).max(240),
  instructorEditWindowDays: z.number().int().min(0).max(60),
  /** Online/async sessions: award the scheduled minutes when the student engaged that week. */
  asyncAwardedMinutes: z.enum(['scheduled', 'none']).default('scheduled'),
});

const credentials = z.union(
  [
    z.strictObject({
      usernameEnv: z
        .string()
        .regex(/^[A-Z_][A-Z0-9_]*$/, 'name an environment variable, e.g. "SIS_USERNAME"'),
      passwordEnv: z
        .string()
        .regex(/^[A-Z_][A-Z0-9_]*$/, 'name an environment variable, e.g. "SIS_PASSWORD"'),
    }),
    z.strictObject({ secretsFile: z.string().min(1) }),
  ],
  {
    error:
      'give "usernameEnv" and "passwordEnv" (names of environment variables) or "secretsFile" (a JSON file with username and password); never the secrets themselves',
  },
);

export const schoolConfigSchema = z
  .strictObject({
    schoolId: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'use lowercase letters, digits and dashes, e.g. "acme-main"'),
    name: z.string().min(1),
    campusId: z.string().min(1),
    timeZone: ianaZone,
    environment: z.enum(['test', 'production']),
    sis: z.strictObject({
      baseUrl: sisBaseUrl,
      credentials,
      maxConcurrentRequests: z.number().int().min(1).max(64).default(8),
      requestTimeoutMs: z.number().int().min(100).max(120_000).default(15_000),
      pageSize: z.number().int().min(1).max(1000).default(500),
    }),
    deliveryMethods: z
      .array(
        z.strictObject({
          sisId: z.string().optional(),
          sisName: z.string().optional(),
          attendanceMethod: z.string().min(1),
        }),
      )
      .min(1, 'map at least one SIS delivery method to an attendance method'),
    attendanceMethods: z.record(z.string(), attendanceMethodSchema),
    syncWindow: z
      .strictObject({
        daysBeforeStart: z.number().int().min(0).max(365).default(21),
        daysAfterEnd: z.number().int().min(0).max(365).default(14),
      })
      .prefault({}),
    schedule: z
      .strictObject({
        interval: duration.default('1h'),
        catchupWindow: duration.default('10m'),
        /**
         * How often a run is a full reconciliation (everything read again); the runs between read
         * only what the SIS marks modified since the last run. "0s": every run is a full one.
         */
        fullSyncEvery: duration.default('1d'),
      })
      .prefault({}),
    posting: z
      .strictObject({
        /**
         * The school's go-live with CourseKey (a campus date): sessions and makeup minutes before it are
         * never posted, so a school enabled mid-term gets no absences for the weeks before it used CourseKey.
         */
        startDate: z.iso.date({ message: 'use a date such as "2026-09-01"' }).optional(),
        /** Post a session once its instructor edit window has closed rather than when it ends. */
        afterEditWindow: z.boolean().default(false),
      })
      .prefault({}),
    safety: z
      .strictObject({
        maxDeactivationShare: z.number().min(0).max(1).default(0.1),
        /** How long a run with held deactivations waits for approval; keep it below the interval. */
        approvalWait: duration.default('45m'),
        applyScheduleChangesToFutureSessions: z.boolean().default(false),
      })
      .prefault({}),
  })
  .superRefine((config, ctx) => {
    // One SIS delivery method, one mapping: with two, which attendance method applies is a guess.
    const firstMapping = new Map<string, number>();
    const mappedOnce = (key: 'sisId' | 'sisName', value: string | undefined, index: number) => {
      if (value === undefined) return;
      const seen = `${key}:${key === 'sisName' ? value.toLowerCase() : value}`;
      const first = firstMapping.get(seen);
      if (first === undefined) {
        firstMapping.set(seen, index);
        return;
      }
      ctx.addIssue({
        code: 'custom',
        path: ['deliveryMethods', index, key],
        message: `SIS delivery method "${value}" is already mapped by deliveryMethods.${first}; map each SIS delivery method once (remove or merge one of them)`,
      });
    };
    config.deliveryMethods.forEach((mapping, index) => {
      mappedOnce('sisId', mapping.sisId, index);
      mappedOnce('sisName', mapping.sisName, index);
      if (!mapping.sisId && !mapping.sisName) {
        ctx.addIssue({
          code: 'custom',
          path: ['deliveryMethods', index],
          message: 'give the SIS delivery method as "sisId" or "sisName"',
        });
      }
      if (!config.attendanceMethods[mapping.attendanceMethod]) {
        ctx.addIssue({
          code: 'custom',
          path: ['deliveryMethods', index, 'attendanceMethod'],
          message: `"${mapping.attendanceMethod}" is not defined under "attendanceMethods"; add it there or fix the name`,
        });
      }
    });
  });

export type SchoolConfig = z.infer<typeof schoolConfigSchema>;
export type AttendanceMethod = z.infer<typeof attendanceMethodSchema>;
