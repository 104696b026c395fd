/**
 * The one HTTP server of CourseKey's side: the CourseKey API for schools' own systems
 * (`/api/v1`, per-school API keys) and the Integrations Insight Dashboard (admin sign-in).
 * Each part is a Fastify plugin registered here.
 */
import type { Client } from '@temporalio/client';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { courseKeyApi } from '../api/plugin';
import { insightsApiPlugin } from '../api/insights-routes';
import { dashboardPlugin } from '../dashboard/plugin';
import type { Database } from '../db/database';
import { httpMetrics } from '../metrics/http-metrics';

export interface HttpServerDeps {
  db: Kysely<Database>;
  /** Base of the Temporal Web UI, for links to runs. */
  temporalUiUrl: string;
  /** Temporal client for the dashboard's schedule state; without it the dashboard is not served. */
  temporal?: Client;
}

export async function createHttpServer(deps: HttpServerDeps): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, trustProxy: false });
  // First, so every route's responses are counted; /metrics itself (METRICS_TOKEN when set).
  httpMetrics(app);
  app.get('/healthz', async () => {
    await deps.db.selectFrom('schools').select('id').limit(1).execute();
    return { ok: true };
  });
  await app.register(courseKeyApi, { prefix: '/api/v1', db: deps.db });
  const temporal = deps.temporal;
  if (temporal) {
    const dashboard = { db: deps.db, temporal, temporalUiUrl: deps.temporalUiUrl };
    await app.register(dashboardPlugin, dashboard);
    await app.register(insightsApiPlugin, dashboard);
  }
  return app;
}
