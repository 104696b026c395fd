/**
 * The CourseKey API (registered under /api/v1): JSON for a school's own systems, authenticated by
 * the school's API key. Errors share one shape, `{error: {code, message, field?}}` (ApiError,
 * answered by the server's one error handler, src/http/error-handler.ts), and never echo a key or
 * a person's data.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import { apiKeyAuth } from './api-key-auth';
import { registerAttendanceRoutes } from './attendance-routes';

export const courseKeyApi: FastifyPluginAsync<{ db: Kysely<Database> }> = async (app, { db }) => {
  app.addHook('preHandler', apiKeyAuth(db));
  registerAttendanceRoutes(app, db);
};
