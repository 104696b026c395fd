/**
 * Authentication of the CourseKey API (and the dashboard's JSON endpoints): `Authorization: Bearer
 * <key>` with a per-school key. `apiKeyAuth(db)` is a preHandler that sets `request.apiSchoolId`
 * or answers 401; `requireSchool` answers 403 when a route's school is not the key's.
 */
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import { sendApiError } from './api-error';
import { schoolOfApiKey } from '../accounts/api-keys';

declare module 'fastify' {
  interface FastifyRequest {
    /** The school whose API key authenticated this request. */
    apiSchoolId?: string;
  }
}

const BEARER = /^Bearer\s+(\S+)$/i;

export function apiKeyAuth(db: Kysely<Database>): preHandlerAsyncHookHandler {
  return async (request, reply) => {
    const key = BEARER.exec(request.headers.authorization ?? '')?.[1];
    if (!key) {
      return sendApiError(
        reply,
        401,
        'unauthenticated',
        'Send the school API key as "Authorization: Bearer <key>".',
      );
    }
    const schoolId = await schoolOfApiKey(db, key);
    if (!schoolId) return sendApiError(reply, 401, 'unauthenticated', 'The API key is unknown or revoked.');
    request.apiSchoolId = schoolId;
  };
}

/** True when the key's school is `schoolId`; otherwise answers 403 and returns false. */
export function requireSchool(request: FastifyRequest, reply: FastifyReply, schoolId: string): boolean {
  if (request.apiSchoolId === schoolId) return true;
  void sendApiError(reply, 403, 'forbidden', "This API key does not give access to that school's data.");
  return false;
}
