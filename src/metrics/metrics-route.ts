/**
 * GET /metrics in Prometheus's text format, for the web process and the worker's ops server. With
 * METRICS_TOKEN set, a scrape must send `Authorization: Bearer <token>` (Prometheus's
 * `authorization` setting); without it the endpoint is open, for a private network or loopback.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';

export interface MetricsRouteOptions {
  registry: Registry;
  /** Bearer token a scrape must present; default METRICS_TOKEN, none when unset or empty. */
  token?: string;
  /** More exposition text appended to the registry's, e.g. the Temporal SDK's metrics. */
  more?: () => Promise<string>;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

export function metricsRoute(app: FastifyInstance, options: MetricsRouteOptions): void {
  const token = options.token ?? process.env.METRICS_TOKEN ?? '';
  app.get('/metrics', async (request, reply) => {
    if (token) {
      const presented = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
      // Compared as digests: same length, constant time.
      if (!timingSafeEqual(digest(presented), digest(token))) {
        return reply.code(401).header('WWW-Authenticate', 'Bearer').send({
          error: 'Unauthorized',
          message: 'Send the metrics token as Authorization: Bearer <token>.',
        });
      }
    }
    const [own, more] = await Promise.all([options.registry.metrics(), options.more?.() ?? '']);
    return reply.type(options.registry.contentType).send(more ? `${own.trimEnd()}\n${more}` : own);
  });
}
