import fp from 'fastify-plugin';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

declare module 'fastify' {
  interface FastifyInstance {
    /** The app's own registry: plugins and routes register their metrics here, never globally. */
    metrics: { registry: Registry };
  }
}

/** The route label for requests no route matched, so scanners cannot grow the label set. */
export const UNMATCHED_ROUTE = 'unmatched';

export const metricsPlugin = fp(
  async (app) => {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry, prefix: 'cellar_api_' });

    const requestDuration = new Histogram({
      name: 'cellar_http_request_duration_seconds',
      help: 'Time from receiving an HTTP request to sending its response, by route pattern.',
      labelNames: ['method', 'route', 'status_code'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });

    app.decorate('metrics', { registry });

    app.addHook('onResponse', async (request, reply) => {
      requestDuration.observe(
        {
          method: request.method,
          // The pattern (/v1/tenants/:id), never the raw URL: labels stay bounded.
          route: request.routeOptions.url ?? UNMATCHED_ROUTE,
          status_code: String(reply.statusCode),
        },
        reply.elapsedTime / 1000,
      );
    });

    app.get('/metrics', { config: { public: true }, schema: { hide: true } }, async (_request, reply) => {
      reply.type(registry.contentType);
      return registry.metrics();
    });

    app.addHook('onClose', async () => {
      registry.clear();
    });
  },
  { name: 'cellar-metrics', fastify: '5.x' },
);
