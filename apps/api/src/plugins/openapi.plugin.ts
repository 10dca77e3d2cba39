import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fp from 'fastify-plugin';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

export const DOCS_PREFIX = '/docs';

const IDEMPOTENCY_KEY_PARAMETER = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'Makes a POST safe to retry: the same key with the same request replays the recorded response ' +
    '(header Idempotent-Replayed: true) and creates nothing twice; the same key with another request is ' +
    'refused (422 idempotency_key_reused); while the first is still running, 409 idempotency_request_in_flight. ' +
    'Up to 255 printable ASCII characters; kept 24 hours per principal.',
  schema: { type: 'string', maxLength: 255 },
  example: '5f0c2e9a-3b1d-4c7e-9a55-0d6f3b1e2c44',
};

type OpenApiDocument = ReturnType<typeof jsonSchemaTransformObject>;

/** Every POST takes an Idempotency-Key (the idempotency plugin handles it for all of them). */
function withIdempotencyKey(document: OpenApiDocument): OpenApiDocument {
  const doc = document as { paths?: Record<string, Record<string, { parameters?: unknown[] }>>; components?: Record<string, Record<string, unknown>> };
  doc.components = { ...doc.components, parameters: { ...doc.components?.['parameters'], IdempotencyKey: IDEMPOTENCY_KEY_PARAMETER } };
  for (const operations of Object.values(doc.paths ?? {})) {
    const post = operations['post'];
    if (post) post.parameters = [...(post.parameters ?? []), { $ref: '#/components/parameters/IdempotencyKey' }];
  }
  return document;
}

/**
 * OpenAPI 3.1 generated from the routes' zod schemas, served at /docs/json with a UI at
 * /docs. Register it before any route: @fastify/swagger collects routes as they are added.
 */
export const openapiPlugin = fp(
  async (app) => {
    // The documentation is public: mark its routes so the auth plugin lets them through.
    app.addHook('onRoute', (route) => {
      if (route.url === DOCS_PREFIX || route.url.startsWith(`${DOCS_PREFIX}/`)) {
        route.config = { ...route.config, public: true };
      }
    });

    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Cellar API',
          version: '1',
          description:
            'Multi-tenant control plane for Apache Kafka. Errors are RFC 9457 application/problem+json with a stable `code`.',
        },
        components: {
          securitySchemes: {
            bearerAuth: {
              type: 'http',
              scheme: 'bearer',
              description: 'An operator token, or a tenant token issued by POST /v1/tenants.',
            },
          },
        },
        security: [{ bearerAuth: [] }],
      },
      transform: jsonSchemaTransform,
      transformObject: (input) => withIdempotencyKey(jsonSchemaTransformObject(input)),
    });
    await app.register(swaggerUi, { routePrefix: DOCS_PREFIX });
  },
  { name: 'cellar-openapi', fastify: '5.x' },
);
