/**
 * The one HTTP server of CourseKey's side: the CourseKey API for schools' own systems
 * (`/api/v1`, per-school API keys) and the Integrations Insight Dashboard (admin sign-in), with
 * `/healthz` (the process answers) and `/readyz` (it can serve: database, Temporal, migrations).
 * Each part is a Fastify plugin registered here; one error handler answers for all of them.
 */
import type { Client } from '@temporalio/client';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Kysely } from 'kysely';
import { randomUUID } from 'node:crypto';
import { courseKeyApi } from '../api/plugin';
import { insightsApiPlugin } from '../api/insights-routes';
import { dashboardPlugin } from '../dashboard/plugin';
import type { Database } from '../db/database';
import { httpMetrics } from '../metrics/http-metrics';
import type { Logger } from '../logging/logger';
import { checkReadiness, type TemporalPing } from '../ops/readiness';
import { handleHttpError } from './error-handler';
import { httpLogSerializers } from './request-log';

export interface HttpServerDeps {
  db: Kysely<Database>;
  /** Base of the Temporal Web UI, for links to runs. */
  temporalUiUrl: string;
  /** Temporal client for the dashboard's schedule state; without it the dashboard is not served. */
  temporal?: Client;
  /** The request log and error log; without it the server logs nothing. */
  logger?: Logger;
  /**
   * What /readyz pings: a connection without gRPC retries, so a probe of a dead Temporal ends at its
   * deadline and leaves no retry behind. Defaults to the client's connection.
   */
  temporalProbe?: TemporalPing;
  /** Fastify's trustProxy: whom to believe for the client address (X-Forwarded-For). Off by default. */
  trustProxy?: FastifyServerOptions['trustProxy'];
}

export async function createHttpServer(deps: HttpServerDeps): Promise<FastifyInstance> {
  const app = Fastify({
    ...(deps.logger
      ? {
          loggerInstance: deps.logger.child(
            { component: 'http' },
            { serializers: httpLogSerializers },
          ) as FastifyBaseLogger,
        }
      : { logger: false }),
    trustProxy: deps.trustProxy ?? false,
    // Our own ids: an X-Request-Id from outside is not trusted to be unique.
    requestIdHeader: false,
    genReqId: () => randomUUID(),
  });
  // First, so every route's responses are counted; /metrics itself (METRICS_TOKEN when set).
  httpMetrics(app);
  app.setErrorHandler(handleHttpError);

  app.get('/healthz', async () => ({ ok: true }));
  app.get('/readyz', async (request, reply) => {
    const readiness = await checkReadiness({
      db: deps.db,
      temporal: deps.temporalProbe ?? deps.temporal?.connection,
    });
    if (!readiness.ready)
      request.log.warn({ checks: readiness.checks, causes: readiness.causes }, 'not ready');
    const { causes: _causes, ...shown } = readiness;
    return reply.code(readiness.ready ? 200 : 503).send(shown);
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
