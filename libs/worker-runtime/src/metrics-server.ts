import { createServer } from 'node:http';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';

export interface MetricsServer {
  close(): Promise<void>;
}

/** Serves a worker's registry as Prometheus text on GET /metrics (workers have no other HTTP). */
export async function serveMetrics(registry: Registry, address: { host: string; port: number }, logger: Logger): Promise<MetricsServer> {
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (error: unknown) => {
        logger.error({ err: error }, 'metrics collection failed');
        response.writeHead(500).end();
      },
    );
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(address.port, address.host, resolve));
  logger.info({ metrics: `http://${address.host}:${address.port}/metrics` }, 'serving metrics');
  return { close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
