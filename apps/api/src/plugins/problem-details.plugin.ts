import { STATUS_CODES } from 'node:http';
import { CellarError, isCellarError } from '@cellar/common';
import { KafkaAdapterError } from '@cellar/kafka-adapter';
import type { FastifyError, FastifyReply, FastifyRequest, FastifySchemaValidationError } from 'fastify';
import fp from 'fastify-plugin';
import { z } from 'zod';
import { requestUrn } from './request-id.plugin';

/** Codes the HTTP layer itself answers with; domain errors bring their own (CellarError.code). */
export const httpProblemCodes = [
  'bad_request',
  'validation_failed',
  'unauthorized',
  'forbidden',
  'not_found',
  'method_not_allowed',
  'conflict',
  'payload_too_large',
  'unsupported_media_type',
  'too_many_requests',
  'internal_error',
  'service_unavailable',
] as const;
export type HttpProblemCode = (typeof httpProblemCodes)[number];

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export const fieldErrorSchema = z.object({
  in: z.enum(['body', 'querystring', 'params', 'headers']),
  path: z.string().meta({ description: 'Dotted path of the bad field; empty for the whole part.' }),
  message: z.string(),
});
export type FieldError = z.infer<typeof fieldErrorSchema>;

/** RFC 9457 problem details with Cellar's stable `code`. */
export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string(),
    code: z.string(),
    errors: z.array(fieldErrorSchema).optional(),
    details: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ id: 'Problem' });
export type Problem = z.infer<typeof problemSchema>;

export function problemType(code: string): string {
  return `urn:cellar:problem:${code}`;
}

const codeByStatus: Partial<Record<number, HttpProblemCode>> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
  503: 'service_unavailable',
};

function codeForStatus(status: number): HttpProblemCode {
  return codeByStatus[status] ?? (status >= 500 ? 'internal_error' : 'bad_request');
}

function isKafkaAdapterError(value: unknown): value is KafkaAdapterError {
  return value instanceof KafkaAdapterError;
}

function isHttpErrorStatus(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 400 && value <= 599;
}

function fieldPath(issue: FastifySchemaValidationError): string {
  const segments = issue.instancePath.split('/').filter((segment) => segment !== '');
  // JSON-schema (ajv) validators report a missing property on its parent.
  const missing = issue.params['missingProperty'];
  if (typeof missing === 'string') segments.push(missing);
  return segments.join('.');
}

function fieldErrors(error: FastifyError): FieldError[] {
  const part = error.validationContext ?? 'body';
  return (error.validation ?? []).map((issue) => ({
    in: part,
    path: fieldPath(issue),
    message: issue.message ?? 'is invalid',
  }));
}

/**
 * Maps anything a request can fail with to one problem document. 4xx details are the
 * client's to read; 5xx keep their code and title but hide the message (the log has it).
 */
export function toProblem(error: unknown, request: FastifyRequest): Problem {
  const instance = requestUrn(request.id);
  const problem = (status: number, code: string, detail: string): Problem => ({
    type: problemType(code),
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail,
    instance,
    code,
  });
  const hidden = 'The server could not complete the request; quote the instance when reporting it.';

  if (isCellarError(error)) {
    const status = isHttpErrorStatus(error.status) ? error.status : 500;
    if (status >= 500) return problem(status, error.code, hidden);
    return { ...problem(status, error.code, error.message), ...(error.details ? { details: error.details } : {}) };
  }
  if (isKafkaAdapterError(error)) {
    // The cluster did not do what was asked: retryable failures (unreachable, timeouts) are 503
    // so clients back off and retry; the rest are 502. The code says which, the log says why.
    return problem(error.retryable ? 503 : 502, error.code, hidden);
  }
  const fastifyError = error as Partial<FastifyError> | undefined;
  if (fastifyError?.validation) {
    const errors = fieldErrors(fastifyError as FastifyError);
    const where = fastifyError.validationContext ?? 'request';
    return {
      ...problem(400, 'validation_failed', `The ${where} has ${errors.length} invalid field${errors.length === 1 ? '' : 's'}.`),
      errors,
    };
  }
  const status = isHttpErrorStatus(fastifyError?.statusCode) ? fastifyError.statusCode : 500;
  if (status >= 500) return problem(status, codeForStatus(status), hidden);
  // fastify's own client errors (bad JSON, wrong content type, body too large) have safe messages.
  return problem(status, codeForStatus(status), fastifyError?.message ?? STATUS_CODES[status] ?? 'Bad request');
}

export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  return reply.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(problem);
}

/** The one error handler and the 404 handler of the app. */
export const problemDetailsPlugin = fp(
  async (app) => {
    app.setErrorHandler((error, request, reply) => {
      const problem = toProblem(error, request);
      if (problem.status >= 500) request.log.error({ err: error, code: problem.code }, 'request failed');
      else request.log.info({ code: problem.code, detail: problem.detail }, 'request rejected');
      return sendProblem(reply, problem);
    });

    app.setNotFoundHandler((request, reply) => {
      const path = request.url.split('?')[0] ?? request.url;
      const error = new CellarError('not_found', `No route matches ${request.method} ${path}.`, { status: 404 });
      return sendProblem(reply, toProblem(error, request));
    });
  },
  { name: 'cellar-problem-details', fastify: '5.x' },
);
