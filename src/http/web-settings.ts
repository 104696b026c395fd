/** The web process's settings, from its environment only (docs/deploy.md lists them). */
import type { FastifyServerOptions } from 'fastify';
import { z } from 'zod';
import { logLevel, readProcessEnv, wholeNumber } from '../config/process-env';

/**
 * TRUST_PROXY: unset/false (the client address is the peer's), the proxies' addresses or CIDRs
 * comma-separated (`10.0.0.0/8,127.0.0.1`, or `loopback`/`uniquelocal`), or true (any peer: only
 * when nothing but the proxy can reach the process). Fastify refuses hop counts.
 */
const trustProxy = z
  .string()
  .optional()
  .transform((text): FastifyServerOptions['trustProxy'] => {
    const value = text?.trim() ?? '';
    if (value === '' || value === 'false') return false;
    if (value === 'true') return true;
    return value.split(',').map((address) => address.trim());
  });

const webEnv = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: wholeNumber(3000, 0).refine((port) => port <= 65_535, 'expected a port number, 0 to 65535'),
  TRUST_PROXY: trustProxy,
  LOG_LEVEL: logLevel,
});

export type WebSettings = z.infer<typeof webEnv>;

export const readWebSettings = (env: NodeJS.ProcessEnv = process.env): WebSettings =>
  readProcessEnv(webEnv, env);
