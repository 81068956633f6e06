import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, isAppError } from '@smartmirror/api';
import type { z } from 'zod';

/** Parses a value with a zod schema, or throws one VALIDATION_FAILED naming the first bad field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, what = 'body'): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const path = issue && issue.path.length > 0 ? `${what}.${issue.path.join('.')}` : what;
  throw new AppError('VALIDATION_FAILED', `Invalid ${path}: ${issue?.message ?? 'invalid value'}`);
}

/** Maps any thrown error to an AppError; unknown ones become INTERNAL (and are logged by the caller). */
export function toAppError(err: unknown): AppError {
  if (isAppError(err)) return err;
  if (hasZodFastifySchemaValidationErrors(err)) {
    const v = err.validation[0];
    const where = `${err.validationContext ?? 'request'}${v?.instancePath ? v.instancePath.replace(/\//g, '.') : ''}`;
    return new AppError('VALIDATION_FAILED', `Invalid ${where}: ${v?.message ?? 'invalid value'}`);
  }
  const fe = err as Partial<FastifyError>;
  if (fe.validation) return new AppError('VALIDATION_FAILED', fe.message ?? 'Invalid request.');
  switch (fe.statusCode) {
    case 413:
      return new AppError('PAYLOAD_TOO_LARGE', 'The request body is too large.');
    case 415:
      return new AppError('UNSUPPORTED_MEDIA_TYPE', 'Unsupported Content-Type.');
    case undefined:
      break;
    default:
      // Fastify's own 4xx (malformed JSON, bad multipart…) carry safe, fixed messages.
      if (fe.statusCode >= 400 && fe.statusCode < 500) return new AppError('BAD_REQUEST', fe.message ?? 'Bad request.', { status: fe.statusCode });
  }
  return new AppError('INTERNAL', 'Internal error.');
}

/** The one error handler: AppError → its status and body; everything else → 500 without internals. */
export function errorHandler(err: unknown, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const e = toAppError(err);
  if (e.status >= 500) req.log.error({ err }, 'request failed');
  return reply.status(e.status).type('application/json; charset=utf-8').send(e.toJSON());
}
