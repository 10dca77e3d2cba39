import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import fp from 'fastify-plugin';

/** Headers a client (or a proxy in front of us) may carry its own request id in, in order of preference. */
export const REQUEST_ID_HEADERS = ['x-request-id', 'x-correlation-id'] as const;
export const CORRELATION_ID_RESPONSE_HEADER = 'x-correlation-id';

/** A client's id is kept only if it is short and plain, so it cannot forge log lines or headers. */
const ACCEPTABLE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** fastify's genReqId: the client's id when it sent a usable one, a fresh UUID otherwise. */
export function genRequestId(request: IncomingMessage): string {
  for (const header of REQUEST_ID_HEADERS) {
    const value = request.headers[header];
    if (typeof value === 'string' && ACCEPTABLE_ID.test(value)) return value;
  }
  return randomUUID();
}

/** Problem documents name the request they answer, so a report can be matched to its logs. */
export function requestUrn(requestId: string): string {
  return `urn:cellar:request:${requestId}`;
}

/** Echoes the request id on every response, errors and 404s included. */
export const requestIdPlugin = fp(
  async (app) => {
    app.addHook('onRequest', async (request, reply) => {
      reply.header(CORRELATION_ID_RESPONSE_HEADER, request.id);
    });
  },
  { name: 'cellar-request-id', fastify: '5.x' },
);
