import { connect } from 'node:net';
import { HarnessError } from './errors';

/**
 * Readiness comes from the controller's own JMX exporter endpoint, so the harness needs
 * no Kafka client: the controller counts registered and fenced brokers.
 */
async function scrape(port: number): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(3_000) });
  if (!response.ok) throw new HarnessError(`metrics endpoint on port ${port} answered ${response.status}`);
  return response.text();
}

function gauge(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  if (!line) return undefined;
  return Number(line.slice(line.lastIndexOf(' ') + 1));
}

export async function readControllerBrokerCounts(port: number): Promise<{ active: number; fenced: number }> {
  const text = await scrape(port);
  const active = gauge(text, 'kafka_controller_kafkacontroller_activebrokercount');
  const fenced = gauge(text, 'kafka_controller_kafkacontroller_fencedbrokercount');
  if (active === undefined || fenced === undefined) throw new HarnessError('the controller does not report broker counts yet');
  return { active, fenced };
}

export function acceptsConnections(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host, timeout: 2_000 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}
