import { CellarError } from '@cellar/common';
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { problemDetailsPlugin } from './problem-details.plugin';
import { genRequestId, requestIdPlugin } from './request-id.plugin';

/** A bare app with only the problem-details plugin and routes that fail in each way. */
async function buildFailingApp() {
  const app = Fastify({ genReqId: genRequestId, requestIdHeader: false }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await app.register(requestIdPlugin);
  await app.register(problemDetailsPlugin);

  app.post(
    '/things/:thingId',
    {
      schema: {
        params: z.object({ thingId: z.string().regex(/^thing-\d+$/) }),
        body: z.object({ name: z.string().min(3), ckus: z.number().int().positive(), tags: z.array(z.string()).optional() }),
      },
    },
    async () => ({ ok: true }),
  );
  app.get('/domain-error', async () => {
    throw new CellarError('logical_cluster_not_found', 'Logical cluster lkc-7f3k2q does not exist.', {
      status: 404,
      details: { id: 'lkc-7f3k2q' },
    });
  });
  app.get('/domain-server-error', async () => {
    throw new CellarError('kafka_unavailable', 'broker kafka-1:9092 refused SASL for admin/hunter2', {
      status: 503,
      retryable: true,
    });
  });
  app.get('/crash', async () => {
    throw new Error('connection string postgresql://postgres:hunter2@db/cellar is wrong');
  });
  return app;
}

describe('problem-details plugin', () => {
  let app: Awaited<ReturnType<typeof buildFailingApp>>;
  beforeAll(async () => {
    app = await buildFailingApp();
  });
  afterAll(() => app.close());

  it('lists each invalid body field with its path and message', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/things/thing-1',
      headers: { 'x-request-id': 'req-validation-1' },
      payload: { name: 'ab', ckus: -1, tags: ['ok', 7] },
    });

    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problem = response.json();
    expect(problem).toMatchObject({
      type: 'urn:cellar:problem:validation_failed',
      title: 'Bad Request',
      status: 400,
      code: 'validation_failed',
      instance: 'urn:cellar:request:req-validation-1',
      detail: 'The body has 3 invalid fields.',
    });
    expect(problem.errors).toEqual([
      { in: 'body', path: 'name', message: expect.stringMatching(/3/) },
      { in: 'body', path: 'ckus', message: expect.any(String) },
      { in: 'body', path: 'tags.1', message: expect.any(String) },
    ]);
  });

  it('names a missing field and the request part it belongs to', async () => {
    const missing = await app.inject({ method: 'POST', url: '/things/thing-1', payload: { name: 'abc' } });
    expect(missing.json().errors).toEqual([{ in: 'body', path: 'ckus', message: expect.any(String) }]);

    const badParam = await app.inject({ method: 'POST', url: '/things/nope', payload: { name: 'abc', ckus: 1 } });
    expect(badParam.statusCode).toBe(400);
    expect(badParam.json().errors).toEqual([{ in: 'params', path: 'thingId', message: expect.any(String) }]);
  });

  it('maps a CellarError to its status and stable code, keeping its message and details', async () => {
    const response = await app.inject('/domain-error');
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({
      type: 'urn:cellar:problem:logical_cluster_not_found',
      title: 'Not Found',
      status: 404,
      detail: 'Logical cluster lkc-7f3k2q does not exist.',
      instance: expect.stringMatching(/^urn:cellar:request:/),
      code: 'logical_cluster_not_found',
      details: { id: 'lkc-7f3k2q' },
    });
  });

  it('keeps the code of a 5xx CellarError but hides its message', async () => {
    const response = await app.inject('/domain-server-error');
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ status: 503, code: 'kafka_unavailable', title: 'Service Unavailable' });
    expect(response.body).not.toContain('hunter2');
  });

  it('answers unknown errors with internal_error and hides the internals', async () => {
    const response = await app.inject({ url: '/crash', headers: { 'x-correlation-id': 'corr-42' } });
    expect(response.statusCode).toBe(500);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({
      type: 'urn:cellar:problem:internal_error',
      status: 500,
      code: 'internal_error',
      instance: 'urn:cellar:request:corr-42',
    });
    expect(response.body).not.toContain('hunter2');
    expect(response.body).not.toContain('postgresql');
  });

  it('answers unknown routes with not_found', async () => {
    const response = await app.inject('/no/such/route?x=1');
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({
      type: 'urn:cellar:problem:not_found',
      code: 'not_found',
      detail: 'No route matches GET /no/such/route.',
    });
  });

  it("maps fastify's own client errors (malformed JSON, wrong media type)", async () => {
    const malformed = await app.inject({
      method: 'POST',
      url: '/things/thing-1',
      headers: { 'content-type': 'application/json' },
      payload: '{"name":',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({ code: 'bad_request', status: 400 });

    const wrongType = await app.inject({
      method: 'POST',
      url: '/things/thing-1',
      headers: { 'content-type': 'text/csv' },
      payload: 'a,b',
    });
    expect(wrongType.statusCode).toBe(415);
    expect(wrongType.json()).toMatchObject({ code: 'unsupported_media_type', status: 415 });
  });
});
