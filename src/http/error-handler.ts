/**
 * The one error handler of the HTTP server. A client sees the message of a refusal it can act on
 * (an ApiError, a 4xx such as a validation failure or a body too large) and, for anything else,
 * a generic message with the request id: never the text of a database or Temporal error, which
 * goes to the log, under that id, instead.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, sendApiError } from '../api/api-error';

export const INTERNAL_ERROR_MESSAGE = 'Something went wrong on our side; try again.';

const wantsHtml = (request: FastifyRequest) =>
  request.url.startsWith('/dashboard') &&
  !request.url.startsWith('/dashboard/api/') &&
  (request.headers.accept ?? '').includes('text/html');

export function handleHttpError(
  error: FastifyError | ApiError,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  if (error instanceof ApiError)
    return sendApiError(reply, error.status, error.code, error.message, error.field);
  const status = error.statusCode ?? 500;
  if (status < 500) {
    request.log.info(
      { error: { type: error.code ?? error.name, message: error.message }, status },
      'request refused',
    );
    return sendApiError(reply, status, 'invalid-request', error.message, 'body');
  }
  request.log.error({ err: error }, 'request failed');
  reply.header('x-request-id', request.id);
  if (wantsHtml(request)) {
    return reply
      .code(status)
      .type('text/plain; charset=utf-8')
      .send(`${INTERNAL_ERROR_MESSAGE} (request ${request.id})`);
  }
  return reply
    .code(status)
    .send({ error: { code: 'internal', message: INTERNAL_ERROR_MESSAGE, requestId: request.id } });
}
