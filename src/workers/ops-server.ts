/**
 * The worker's operations endpoint (a worker has no other HTTP server): GET /metrics (the
 * project's worker metrics and the Temporal SDK's, one scrape), GET /healthz (the process is
 * alive) and, when a readiness check is given, GET /readyz. Configured by OPS_PORT (default 9464,
 * `off` for none) and HOST (default 127.0.0.1).
 */
import Fastify from 'fastify';
import { metricsRoute } from '../metrics/metrics-route';
import { workerRegistry } from '../metrics/registries';
import { temporalSdkMetrics } from './temporal-runtime';

export const DEFAULT_OPS_PORT = 9464;

/** Ready to take work: database and Temporal reachable, migrations current. 503 when not. */
export type ReadinessCheck = () => Promise<{ ready: boolean } & Record<string, unknown>>;

export interface OpsServerOptions {
  host: string;
  port: number;
  /** The Temporal SDK's Prometheus exporter (temporal-runtime.ts), merged into /metrics. */
  sdkMetricsUrl?: string;
  /** Serves /readyz when given. */
  readiness?: ReadinessCheck;
}

export interface OpsServer {
  url: string;
  close(): Promise<void>;
}

/** OPS_PORT and HOST, checked: undefined when OPS_PORT is `off`. */
export function opsServerSettings(env = process.env): { host: string; port: number } | undefined {
  const raw = env.OPS_PORT?.trim() || String(DEFAULT_OPS_PORT);
  if (raw === 'off') return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`OPS_PORT is "${raw}": set a port number (0-65535) for the worker's /metrics, or "off".`);
  }
  return { host: env.HOST?.trim() || '127.0.0.1', port };
}

export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const app = Fastify({ logger: false });
  const { sdkMetricsUrl, readiness } = options;
  metricsRoute(app, {
    registry: workerRegistry,
    more: sdkMetricsUrl ? () => temporalSdkMetrics(sdkMetricsUrl) : undefined,
  });
  app.get('/healthz', async () => ({ ok: true }));
  if (readiness) {
    app.get('/readyz', async (_request, reply) => {
      const state = await readiness();
      return reply.code(state.ready ? 200 : 503).send(state);
    });
  }
  const url = await app.listen({ host: options.host, port: options.port }).catch((err: unknown) => {
    if ((err as { code?: string }).code === 'EADDRINUSE') {
      throw new Error(
        `The worker's ops server cannot listen on ${options.host}:${options.port}: the port is taken. Set OPS_PORT to a free port, or OPS_PORT=off.`,
      );
    }
    throw err;
  });
  return { url, close: () => app.close() };
}
