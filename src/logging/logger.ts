/**
 * The one logger of every process: pino, JSON lines on stdout (or the stream given), with
 * secrets and personal data masked before a line is written. Keys that name a secret or a
 * person (passwords, tokens, keys, authorization headers, cookies, emails, names) are redacted
 * up to three levels deep, and email addresses are scrubbed from every string, the message and
 * error messages included, since an SIS or database error can quote a record.
 */
import pino, { type DestinationStream, type Level, type Logger } from 'pino';

export type { Logger } from 'pino';

/** Keys whose values never reach a log line. */
const SENSITIVE_KEYS = [
  'password',
  'passwordHash',
  'password_hash',
  'secret',
  'token',
  'accessToken',
  'refreshToken',
  'apiKey',
  'api_key',
  'key',
  'authorization',
  'cookie',
  'set-cookie',
  'email',
  'firstName',
  'lastName',
  'first_name',
  'last_name',
  'fullName',
  'full_name',
];

const REDACT_PATHS = SENSITIVE_KEYS.flatMap((key) => {
  const name = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`;
  const dot = name.startsWith('[') ? '' : '.';
  return [name, `*${dot}${name}`, `*.*${dot}${name}`];
});

const EMAIL = /[^\s@"'<>()[\],;:]+@[^\s@"'<>()[\],;:]+\.[A-Za-z]{2,}/g;

/** A string with every email address replaced by `[email]`. */
export function scrubEmails(text: string): string {
  return text.replace(EMAIL, '[email]');
}

/**
 * An error as pino's plain error object, with the other class instances it carries (pg attaches
 * its client, with its socket and connection parameters, to a lost connection's error) named,
 * not written out.
 */
function plainError(err: Error): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(pino.stdSerializers.err(err)).map(([key, field]) => [
      key,
      field !== null &&
      typeof field === 'object' &&
      !Array.isArray(field) &&
      !(field instanceof Date) &&
      ![Object.prototype, null].includes(Object.getPrototypeOf(field))
        ? `[${(field as object).constructor.name}]`
        : field,
    ]),
  );
}

/** A copy with emails scrubbed from every string; errors become plain objects first. */
function scrubbed(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubEmails(value);
  if (value === null || typeof value !== 'object' || depth > 6) return value;
  if (value instanceof Error) return scrubbed(plainError(value), depth);
  if (Array.isArray(value)) return value.map((item) => scrubbed(item, depth + 1));
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, scrubbed(field, depth + 1)]));
}

/** LOG_LEVEL when it is a level; else `info` (a process's settings check reports a bad one). */
function envLevel(): Level | 'silent' {
  const level = process.env.LOG_LEVEL;
  return level && (level === 'silent' || level in pino.levels.values) ? (level as Level) : 'info';
}

export interface LoggerOptions {
  /** The process: `worker`, `web`, `dev`, `cli`. */
  name: string;
  /** Defaults to LOG_LEVEL, else `info`. */
  level?: Level | 'silent';
  /** Defaults to stdout. */
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      name: options.name,
      level: options.level ?? envLevel(),
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      // Errors are already plain objects here (formatters.log runs first): keep them as they are.
      serializers: { err: (value: unknown) => (value instanceof Error ? scrubbed(value) : value) },
      formatters: {
        level: (label) => ({ level: label }),
        log: (object) => scrubbed(object) as Record<string, unknown>,
      },
      hooks: {
        logMethod(args, method) {
          const scrubbedArgs = args.map((arg) => (typeof arg === 'string' ? scrubEmails(arg) : arg));
          return method.apply(this, scrubbedArgs as Parameters<typeof method>);
        },
      },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination,
  );
}
