/**
 * The settings a production process (worker, web) reads from its environment, validated with zod
 * at start: a bad or missing variable stops the process with one line naming every variable at
 * fault and what it takes.
 */
import { z } from 'zod';
import { ConfigError } from './load-school-config';

/** Reads `schema` from the environment; every problem in one line. */
export function readProcessEnv<T extends z.ZodType>(
  schema: T,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<T> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const name = issue.path.join('.');
    return `${name}=${JSON.stringify(env[name] ?? '')}: ${issue.message}`;
  });
  throw new ConfigError(`Invalid environment: ${problems.join('; ')}`);
}

/** A number that `valid` accepts (else "expected " + `expected`), `fallback` when unset or empty. */
const numberSetting = (fallback: number, valid: (value: number) => boolean, expected: string) =>
  z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (!text) return fallback;
      const value = Number(text);
      if (!valid(value)) {
        ctx.addIssue({ code: 'custom', message: `expected ${expected}` });
        return z.NEVER;
      }
      return value;
    });

/** A whole number of at least `min`, `fallback` when unset or empty. */
export const wholeNumber = (fallback: number, min = 1) =>
  numberSetting(
    fallback,
    (value) => Number.isInteger(value) && value >= min,
    `a whole number of at least ${min}`,
  );

/** A fraction above 0 and at most 1 (`0.85`), `fallback` when unset or empty. */
export const fraction = (fallback: number) =>
  numberSetting(fallback, (value) => value > 0 && value <= 1, 'a fraction above 0 and at most 1, e.g. 0.85');

/** A duration as seconds: `30`, `30s` or `2m`; `fallback` seconds when unset. */
export const durationSeconds = (fallback: number) =>
  z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (!text) return fallback;
      const match = /^(\d+)\s*(s|m)?$/.exec(text.trim());
      if (!match) {
        ctx.addIssue({ code: 'custom', message: 'expected seconds, e.g. 30, 30s or 2m' });
        return z.NEVER;
      }
      return Number(match[1]) * (match[2] === 'm' ? 60 : 1);
    });

export const logLevel = z
  .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    error: 'expected fatal, error, warn, info, debug, trace or silent',
  })
  .default('info');
