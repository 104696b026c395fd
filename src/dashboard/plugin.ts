/**
 * The Integrations Insight Dashboard as one Fastify plugin: security headers, cookies and forms
 * for its own routes only, sign-in, the school pages, and the same data as JSON.
 */
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import { registerInsightsJson } from '../api/insights-json';
import type { InsightsApiOptions } from '../api/insights-routes';
import { registerCsvExports } from './csv-exports';
import { loadSession, requireSchoolAccess, requireSignIn, SESSION_JSON_BASE } from './request-guards';
import { schoolData } from '../read-model/school-data';
import { FLEET_PATH, fleetPageHandler } from './fleet-page';
import { registerSchoolPages } from './school-pages';
import { registerSignInRoutes } from './sign-in-routes';
import { dashboardCss } from './styles';

/** The same dependencies as the insights API: database, Temporal client, Web UI base. */
export type DashboardOptions = InsightsApiOptions;

export async function dashboardPlugin(app: FastifyInstance, options: DashboardOptions) {
  await app.register(helmet, {
    // Not helmet's no-referrer: with it browsers send `Origin: null` on form posts, which the CSRF check refuses.
    referrerPolicy: { policy: 'same-origin' },
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
      },
    },
  });
  await app.register(cookie);
  await app.register(formbody, { bodyLimit: 16_384 });
  app.decorateRequest('dashboardSession', null);
  app.addHook('onRequest', loadSession(options.db));
  // Pages show who is signed in and personal data: never cache them.
  app.addHook('onSend', async (_request, reply) => {
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
  });

  app.get('/dashboard/assets/dashboard.css', async (_request, reply) =>
    reply.type('text/css').header('cache-control', 'public, max-age=3600').send(dashboardCss),
  );

  const data = schoolData(options.db, options.temporal);
  registerSignInRoutes(app, options.db);
  const fleetPage = fleetPageHandler(options);
  app.get(FLEET_PATH, { preHandler: requireSignIn }, fleetPage);
  registerSchoolPages(app, {
    db: options.db,
    data,
    temporalUiUrl: options.temporalUiUrl,
    staffHome: fleetPage,
  });
  registerCsvExports(app, data);
  registerInsightsJson(app, {
    data,
    temporalUiUrl: options.temporalUiUrl,
    base: SESSION_JSON_BASE,
    preHandler: [requireSignIn, requireSchoolAccess],
  });
}
