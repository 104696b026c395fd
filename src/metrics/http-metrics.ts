/**
 * The web process's request metrics: counts and latencies by route pattern (`/api/v1/schools/:schoolId/...`,
 * never a URL with its ids) and status code, and its /metrics endpoint.
 */
import type { FastifyInstance } from 'fastify';
import { Counter, Histogram } from 'prom-client';
import { metricsRoute } from './metrics-route';
import { webRegistry } from './registries';

const labelNames = ['method', 'route', 'status_code'] as const;
const requests = new Counter({
  name: 'coursekey_http_requests_total',
  help: 'HTTP requests the web process answered, by method, route pattern and status code.',
  labelNames,
  registers: [webRegistry],
});
const requestDuration = new Histogram({
  name: 'coursekey_http_request_duration_seconds',
  help: 'How long the web process took to answer a request, by method, route pattern and status code.',
  labelNames,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [webRegistry],
});

/** Register on the root instance before the routes, so every route's responses are counted. */
export function httpMetrics(app: FastifyInstance, options: { token?: string } = {}): void {
  app.addHook('onResponse', async (request, reply) => {
    const labels = {
      method: request.method,
      // A request no route matched has no pattern: one label for all of them, not one per URL.
      route: request.routeOptions.url ?? 'unmatched',
      status_code: String(reply.statusCode),
    };
    requests.inc(labels);
    requestDuration.observe(labels, reply.elapsedTime / 1000);
  });
  metricsRoute(app, { registry: webRegistry, token: options.token });
}
