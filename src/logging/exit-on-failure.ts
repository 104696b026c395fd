/**
 * A process that cannot start (a bad variable, a file it cannot read, a server it cannot reach) or
 * that stops on an error says why in one log line and exits 1, rather than printing a stack trace
 * per layer the error went through. LOG_LEVEL=debug adds the stack.
 */
import type { Logger } from './logger';

/** The message and those of its causes, `: `-joined. */
export function messageChain(err: unknown): string {
  const parts: string[] = [];
  for (let cause: unknown = err; cause !== undefined && parts.length < 5;) {
    const message = cause instanceof Error ? cause.message : String(cause);
    // A cause its wrapper already quotes adds nothing.
    if (!parts.some((part) => part.includes(message))) parts.push(message);
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  return parts.join(': ');
}

export function exitOnFailure(logger: Logger, err: unknown, what: string): never {
  const type = err instanceof Error ? err.name : typeof err;
  const stack = logger.isLevelEnabled('debug') && err instanceof Error ? { stack: err.stack } : {};
  logger.fatal({ err: { type, ...stack } }, `${what}: ${messageChain(err)}`);
  process.exit(1);
}
