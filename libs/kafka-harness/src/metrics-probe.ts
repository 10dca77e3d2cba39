import { HarnessError } from './errors';

/**
 * Readiness comes from the nodes' own JMX exporter endpoints, so the harness needs no
 * Kafka client: the controller counts registered (unfenced) brokers, each broker reports
 * its BrokerState (3 = RUNNING).
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

export async function readBrokerState(port: number): Promise<number> {
  const value = gauge(await scrape(port), 'kafka_server_kafkaserver_brokerstate');
  if (value === undefined) throw new HarnessError('the broker does not report its state yet');
  return value;
}
