/**
 * Sign-in and sign-out. Failed sign-ins are counted per (account, client address); too many are
 * refused for a while (accounts/sign-in-throttle). A password hashed at an older cost is rehashed.
 */
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import { checkAdminPassword, findAdminByEmail, normalizeEmail } from '../accounts/admin-accounts';
import { closeSession, openSession, randomToken } from './admin-sessions';
import { page } from './layout';
import { verifyDecoy } from '../accounts/password';
import { cookieOptions, isGenuineForm, refuse, safeNext, SESSION_COOKIE } from './request-guards';
import { clearSignInFailures, recordSignInFailure, signInWaitSeconds } from '../accounts/sign-in-throttle';
import { signInBody } from './simple-pages';

/** Before there is a session, the sign-in form's CSRF token is a cookie the form must echo. */
const SIGN_IN_COOKIE = 'ck_dashboard_signin';

export function registerSignInRoutes(app: FastifyInstance, db: Kysely<Database>) {
  const signInPage = (token: string, next: string, extra: { email?: string; error?: string } = {}) =>
    page({ title: 'Sign in', body: signInBody({ csrfToken: token, next, ...extra }) });

  app.get('/dashboard/sign-in', async (request, reply) => {
    const next = safeNext((request.query as { next?: unknown }).next);
    if (request.dashboardSession) return reply.redirect(next, 303);
    const token = randomToken();
    reply.setCookie(SIGN_IN_COOKIE, token, cookieOptions(request));
    return reply.type('text/html').send(signInPage(token, next));
  });

  app.post('/dashboard/sign-in', async (request, reply) => {
    const token = request.cookies[SIGN_IN_COOKIE];
    if (!isGenuineForm(request, token))
      return refuse(
        reply,
        403,
        'Form expired',
        'The sign-in form expired. Open the sign-in page again.',
        false,
      );
    const body = request.body as { email?: unknown; password?: unknown; next?: unknown };
    const email = normalizeEmail(typeof body.email === 'string' ? body.email : '');
    const password = typeof body.password === 'string' ? body.password : '';
    const next = safeNext(body.next);

    const wait = await signInWaitSeconds(db, email, request.ip);
    if (wait > 0) {
      const minutes = Math.ceil(wait / 60);
      return reply
        .code(429)
        .header('retry-after', String(wait))
        .type('text/html')
        .send(
          signInPage(token!, next, {
            email,
            error: `Too many failed sign-ins. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
          }),
        );
    }

    const admin = await findAdminByEmail(db, email);
    const valid = admin ? await checkAdminPassword(db, admin, password) : await verifyDecoy(password);
    if (!admin || !valid) {
      await recordSignInFailure(db, email, request.ip);
      return reply
        .code(401)
        .type('text/html')
        .send(
          signInPage(token!, next, {
            email,
            error: 'That email and password do not match an admin account.',
          }),
        );
    }

    await clearSignInFailures(db, email, request.ip);
    const session = await openSession(db, admin.id);
    reply.clearCookie(SIGN_IN_COOKIE, cookieOptions(request));
    reply.setCookie(SESSION_COOKIE, session.token, cookieOptions(request, session.expiresAt));
    return reply.redirect(next, 303);
  });

  app.post('/dashboard/sign-out', async (request, reply) => {
    const session = request.dashboardSession;
    if (!isGenuineForm(request, session?.csrfToken))
      return refuse(reply, 403, 'Form expired', 'Reload the page and sign out again.', false);
    await closeSession(db, request.cookies[SESSION_COOKIE]!);
    reply.clearCookie(SESSION_COOKIE, cookieOptions(request));
    return reply.redirect('/dashboard/sign-in', 303);
  });
}
