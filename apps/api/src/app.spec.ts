import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CellarApp } from './app';
import { DEFAULT_CKU_PROFILE } from '@cellar/ckus';
import { createPrismaClient } from '@cellar/db';
import { KafkaAdminRegistry } from '@cellar/tenancy';
import { buildTestApp, operatorAuth, SECRET_KEY_BASE64 } from './test-fixtures';

describe('buildApp', () => {
  let app: CellarApp;
  beforeAll(async () => {
    app = await buildTestApp();
  });
  afterAll(() => app.close());

  describe('request ids', () => {
    it("echoes the client's X-Request-Id or X-Correlation-Id as x-correlation-id", async () => {
      const byRequestId = await app.inject({ url: '/healthz', headers: { 'x-request-id': 'client-id-1' } });
      expect(byRequestId.headers['x-correlation-id']).toBe('client-id-1');
      const byCorrelationId = await app.inject({ url: '/healthz', headers: { 'x-correlation-id': 'client-id-2' } });
      expect(byCorrelationId.headers['x-correlation-id']).toBe('client-id-2');
    });

    it('generates one when the client sent none or an unusable one', async () => {
      const none = await app.inject('/healthz');
      expect(none.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
      const forged = await app.inject({ url: '/healthz', headers: { 'x-request-id': 'a b\tinjected' } });
      expect(forged.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('puts the id in problem instances, on 401s too', async () => {
      const response = await app.inject({ url: '/v1/whoami', headers: { 'x-request-id': 'req-401' } });
      expect(response.headers['x-correlation-id']).toBe('req-401');
      expect(response.json().instance).toBe('urn:cellar:request:req-401');
    });
  });

  describe('metrics', () => {
    it('exposes the request duration histogram by route pattern and the default metrics, prefixed', async () => {
      await app.inject({ url: '/v1/whoami', headers: operatorAuth });
      await app.inject({ url: '/v1/nope/123', headers: operatorAuth });
      const response = await app.inject('/metrics');
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/plain/);
      expect(response.body).toContain('# TYPE cellar_http_request_duration_seconds histogram');
      expect(response.body).toMatch(
        /cellar_http_request_duration_seconds_count\{method="GET",route="\/v1\/whoami",status_code="200"\} 1/,
      );
      // Unmatched URLs share one label value, so scanners cannot grow the series count.
      expect(response.body).toMatch(/route="unmatched",status_code="404"/);
      expect(response.body).not.toContain('/v1/nope/123');
      expect(response.body).toContain('cellar_api_process_cpu_seconds_total');
    });

    it('keeps one registry per app, so two apps in one process do not clash', async () => {
      const other = await buildTestApp();
      expect(other.metrics.registry).not.toBe(app.metrics.registry);
      await other.close();
    });
  });

  describe('OpenAPI', () => {
    it('serves an OpenAPI 3.1 document with bearer auth at /docs/json', async () => {
      const response = await app.inject('/docs/json');
      expect(response.statusCode).toBe(200);
      const document = response.json();
      expect(document.openapi).toBe('3.1.0');
      expect(document.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
      expect(document.security).toEqual([{ bearerAuth: [] }]);
      expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/healthz', '/readyz', '/v1/whoami']));
      expect(document.paths['/healthz'].get.security).toEqual([]);
      expect(Object.keys(document.paths)).not.toContain('/metrics');
    });

    it('documents every tenancy route, each POST with the Idempotency-Key header and every response with a schema', async () => {
      // Nothing here is called: registering the routes only reads their schemas. The client
      // connects lazily, so no database is needed to render the document.
      const prisma = createPrismaClient('postgresql://nobody@127.0.0.1:1/none');
      const tenancyApp = await buildTestApp({
        tenancy: {
          prisma,
          kafkaAdmins: new KafkaAdminRegistry(prisma, SECRET_KEY_BASE64, 'docs'),
          jobs: { enqueue: async () => undefined, close: async () => undefined },
          secretKey: SECRET_KEY_BASE64,
          ckuProfile: DEFAULT_CKU_PROFILE,
          detectorJobs: { mitigate: async () => undefined, override: async () => undefined, close: async () => undefined },
        },
      });
      try {
        const document = (await tenancyApp.inject('/docs/json')).json();
        const paths = Object.keys(document.paths);
        expect(paths).toEqual(
          expect.arrayContaining([
            '/v1/tenants',
            '/v1/kafka-clusters',
            '/v1/kafka-clusters/{id}/cells',
            '/v1/logical-clusters',
            '/v1/logical-clusters/{id}',
            '/v1/logical-clusters/{id}/topics',
            '/v1/logical-clusters/{id}/api-keys',
            '/v1/logical-clusters/{id}/usage',
            '/v1/logical-clusters/{id}/quarantine',
            '/v1/kafka-clusters/{id}/health',
            '/v1/kafka-clusters/{id}/brokers/{brokerId}/health',
            '/v1/kafka-clusters/{id}/brokers/{brokerId}/demote',
            '/v1/kafka-clusters/{id}/brokers/{brokerId}/drain',
            '/v1/kafka-clusters/{id}/brokers/{brokerId}/restore',
            '/v1/mitigations',
            '/v1/mitigations/{mitigationId}',
          ]),
        );
        for (const [path, operations] of Object.entries<Record<string, { parameters?: { $ref?: string }[]; responses: Record<string, unknown> }>>(document.paths)) {
          const post = operations['post'];
          if (path.startsWith('/v1/') && post) {
            expect(post.parameters, path).toContainEqual({ $ref: '#/components/parameters/IdempotencyKey' });
          }
        }
        expect(document.components.parameters.IdempotencyKey).toMatchObject({ name: 'Idempotency-Key', in: 'header' });
      } finally {
        await tenancyApp.close();
        await prisma.$disconnect();
      }
    });
  });
});
