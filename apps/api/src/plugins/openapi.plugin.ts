import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fp from 'fastify-plugin';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

export const DOCS_PREFIX = '/docs';

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
      transformObject: jsonSchemaTransformObject,
    });
    await app.register(swaggerUi, { routePrefix: DOCS_PREFIX });
  },
  { name: 'cellar-openapi', fastify: '5.x' },
);
