/** The HTTP server with the dashboard over a test environment, and a signed-in request helper. */
import type { FastifyInstance } from 'fastify';
import { createHttpServer } from '../../src/http/server';
import type { TestEnvironment } from './environment';

export const TEST_TEMPORAL_UI = 'http://temporal-ui.test:8233';

export function dashboardServer(env: TestEnvironment): Promise<FastifyInstance> {
  return createHttpServer({ db: env.db, temporal: env.client, temporalUiUrl: TEST_TEMPORAL_UI });
}

function cookiesOf(response: { cookies: { name: string; value: string }[] }): Record<string, string> {
  return Object.fromEntries(response.cookies.map((c) => [c.name, c.value]));
}

/**
 * Posts the sign-in form as a browser would: fetch the form (and its CSRF cookie), then submit.
 * `from` is the client's address (the TCP peer) and any headers it sends, e.g. X-Forwarded-For.
 */
export async function postSignIn(
  app: FastifyInstance,
  email: string,
  password: string,
  from: { remoteAddress?: string; headers?: Record<string, string> } = {},
) {
  const form = await app.inject({ method: 'GET', url: '/dashboard/sign-in', ...from });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!;
  return app.inject({
    method: 'POST',
    url: '/dashboard/sign-in',
    cookies: cookiesOf(form),
    payload: { email, password, _csrf: csrf, next: '/dashboard' },
    ...from,
  });
}

/** Signs in and returns the session cookie for later requests. */
export async function signedInCookies(app: FastifyInstance, email: string, password: string) {
  const response = await postSignIn(app, email, password);
  if (response.statusCode !== 303) throw new Error(`sign-in failed with ${response.statusCode}`);
  return cookiesOf(response);
}
