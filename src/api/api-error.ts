import type { FastifyReply } from 'fastify';
import type { z } from 'zod';

/** The one error shape of the CourseKey API: a code, a message a person can act on, the field at fault. */
export function sendApiError(
  reply: FastifyReply,
  status: number,
  code: string,
  message: string,
  field?: string,
) {
  return reply.code(status).send({ error: { code, message, ...(field ? { field } : {}) } });
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** Validates input with zod; a failure is a 400 naming the first field at fault. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.join('.') || 'body';
  throw new ApiError(400, 'invalid-input', `${field}: ${issue.message}`, field);
}
