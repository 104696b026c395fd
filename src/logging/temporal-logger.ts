/**
 * The Temporal SDK's logger (Runtime.install({ logger })) writing into ours: each SDK message,
 * a failed activity attempt included, is one JSON line with the activity's ids and the error's
 * type and message; the stack is kept only for errors (a workflow task failure, a bug), not for
 * the warning each retried attempt logs.
 */
import type { LogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/worker';
import type { Logger } from './logger';

const LEVELS = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;

interface BriefError {
  type: string;
  message: string;
  cause?: string;
  stack?: string;
}

function briefError(error: unknown, withStack: boolean): BriefError {
  if (!(error instanceof Error)) return { type: typeof error, message: String(error) };
  const failureType = (error as { type?: unknown }).type;
  return {
    type: typeof failureType === 'string' && failureType ? failureType : error.name,
    message: error.message,
    ...(error.cause instanceof Error ? { cause: `${error.cause.name}: ${error.cause.message}` } : {}),
    ...(withStack && error.stack ? { stack: error.stack } : {}),
  };
}

/**
 * The SDK core's notice that a workflow task ran longer than 5 s: a workflow task that runs a run's
 * local activities (its bookkeeping, src/workflows/activity-options.ts) lasts as long as they do,
 * so in a burst this is expected, not a warning; it stays visible at debug level.
 */
const LONG_WORKFLOW_TASK = 'TMPRL1104';

export function temporalLogger(logger: Logger): TemporalLogger {
  const sdk = logger.child({ component: 'temporal' });
  const log = (given: LogLevel, message: string, meta: LogMetadata = {}) => {
    const level = given === 'WARN' && message.includes(LONG_WORKFLOW_TASK) ? 'DEBUG' : given;
    const { error, failure, ...fields } = meta as Record<string, unknown>;
    const problem = error ?? failure;
    const line =
      problem === undefined ? fields : { ...fields, error: briefError(problem, level === 'ERROR') };
    sdk[LEVELS[level]](line, message);
  };
  return {
    log,
    trace: (message, meta) => log('TRACE', message, meta),
    debug: (message, meta) => log('DEBUG', message, meta),
    info: (message, meta) => log('INFO', message, meta),
    warn: (message, meta) => log('WARN', message, meta),
    error: (message, meta) => log('ERROR', message, meta),
  };
}
