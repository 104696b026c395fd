/**
 * What every dashboard request goes through: the session from the cookie, the redirect to
 * sign-in when there is none, the school check (403 for another school's data), and the CSRF
 * check of forms (a per-session token, plus the browser's Origin when it sends one).
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import { canSeeSchool, type Admin } from '../accounts/admin-accounts';
import { sessionAdmin } from './admin-sessions';
import { page } from './layout';
import { refusalBody } from './simple-pages';

export const SESSION_COOKIE = 'ck_dashboard_session';

export interface DashboardSession {
  admin: Admin;
  csrfToken: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    dashboardSession: DashboardSession | null;
  }
}

const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Cookies are Secure except on plain-HTTP loopback (local development), so TLS is required elsewhere. */
export function cookieOptions(request: FastifyRequest, expires?: Date) {
  return {
    path: '/dashboard',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: request.protocol === 'https' || !loopbackHosts.has(request.hostname),
    ...(expires ? { expires } : {}),
  };
}

/** Only a dashboard path may follow sign-in: never another site. */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/dashboard(\/[^/\\]|$)/.test(next) ? next : '/dashboard';
}

export function loadSession(db: Kysely<Database>) {
  return async (request: FastifyRequest) => {
    const token = request.cookies[SESSION_COOKIE];
    request.dashboardSession = token ? ((await sessionAdmin(db, token)) ?? null) : null;
  };
}

/** The dashboard's JSON (same data as the pages) lives under this path, behind the same session. */
export const SESSION_JSON_BASE = '/dashboard/api/schools/:schoolId';
const isJsonRequest = (request: FastifyRequest) => request.url.startsWith('/dashboard/api/');

/** Pages: to sign-in and back. JSON: 401, as a program cannot follow a sign-in form. */
export async function requireSignIn(request: FastifyRequest, reply: FastifyReply) {
  if (request.dashboardSession) return;
  if (isJsonRequest(request)) return reply.code(401).send({ error: 'Sign in first.' });
  return reply.redirect(`/dashboard/sign-in?next=${encodeURIComponent(request.url)}`, 303);
}

export function refuse(reply: FastifyReply, code: 403 | 404, title: string, message: string, json: boolean) {
  if (json) return reply.code(code).send({ error: message });
  return reply
    .code(code)
    .type('text/html')
    .send(page({ title, body: refusalBody(title, message) }));
}

/** For school routes: the school in the path must be one the admin may see. */
export async function requireSchoolAccess(request: FastifyRequest, reply: FastifyReply) {
  const { schoolId } = request.params as { schoolId: string };
  const session = request.dashboardSession!;
  if (!canSeeSchool(session.admin, schoolId))
    return refuse(
      reply,
      403,
      'Not your school',
      'Your account does not give access to this school.',
      isJsonRequest(request),
    );
}

function sameToken(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** A form post is genuine when it carries the expected token and, if the browser says, our origin. */
export function isGenuineForm(request: FastifyRequest, expectedToken: string | undefined): boolean {
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== `${request.protocol}://${request.host}`) return false;
  const posted = (request.body as Record<string, unknown> | undefined)?._csrf;
  return typeof posted === 'string' && expectedToken !== undefined && sameToken(posted, expectedToken);
}
