/**
 * What the request log keeps of a request and its response: method, path (no query string, which
 * can carry a searched name or email), the client address, the status. Never headers (API keys,
 * session cookies) nor bodies (passwords, attendance).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

export const httpLogSerializers = {
  req: (request: FastifyRequest) => ({
    method: request.method,
    path: request.url.split('?')[0],
    remoteAddress: request.ip,
  }),
  res: (reply: FastifyReply) => ({ statusCode: reply.statusCode }),
};
