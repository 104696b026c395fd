/**
 * The CourseKey API (registered under /api/v1): JSON for a school's own systems, authenticated by
 * the school's API key. Errors share one shape, `{error: {code, message, field?}}`, and never echo
 * a key or a person's data.
 */
import type { FastifyError, FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import { ApiError, sendApiError } from './api-error';
import { apiKeyAuth } from './api-key-auth';
import { registerAttendanceRoutes } from './attendance-routes';

export const courseKeyApi: FastifyPluginAsync<{ db: Kysely<Database> }> = async (app, { db }) => {
  app.setErrorHandler((error: FastifyError | ApiError, request, reply) => {
    if (error instanceof ApiError)
      return sendApiError(reply, error.status, error.code, error.message, error.field);
    const status = error.statusCode ?? 500;
    if (status < 500) return sendApiError(reply, status, 'invalid-request', error.message, 'body');
    request.log.error({ err: error }, 'CourseKey API error');
    return sendApiError(reply, 500, 'internal', 'Something went wrong on our side; try again.');
  });
  app.addHook('preHandler', apiKeyAuth(db));
  registerAttendanceRoutes(app, db);
};
