import { Base } from '@platformatic/kafka';
import { platformaticOptions } from './client-options';
import { attempt } from './errors';
import type { KafkaConnectionConfig } from './types';

/** What one broker answered to a Metadata request for one topic, and how fast. */
export interface BrokerView {
  latencyMs: number;
  /** The brokers this broker lists as alive (registered and not fenced). */
  liveBrokers: number[];
  partitions: { partition: number; leader: number; replicas: number[]; isr: number[] }[];
}

/**
 * A connection to exactly one broker, used to time a request on that broker's own
 * connection. Metadata goes to the bootstrap connection, and the bootstrap list holds only
 * this broker, so a frozen or slow broker shows up here and nowhere else. No retries: the
 * caller's timeout is the measurement.
 */
export class BrokerConnectionProbe {
  private readonly client: Base;

  constructor(config: KafkaConnectionConfig, brokerAddress: string) {
    const options = platformaticOptions({ ...config, bootstrapServers: [brokerAddress] }, { clientId: 'cellar-probe', requestTimeoutMs: config.requestTimeoutMs ?? 5_000, retries: 0 });
    this.client = new Base({ ...options, retries: 0 });
  }

  /** One Metadata request for `topic` to this broker (never served from a cache). */
  async view(topic: string): Promise<BrokerView> {
    const started = performance.now();
    const metadata = await attempt('probe metadata', () => this.client.metadata({ topics: [topic], forceUpdate: true, autocreateTopics: false }));
    const latencyMs = performance.now() - started;
    const partitions = metadata.topics.get(topic)?.partitions ?? [];
    return {
      latencyMs,
      liveBrokers: [...metadata.brokers.keys()].sort((a, b) => a - b),
      partitions: partitions.map((p, partition) => ({ partition, leader: p.leader, replicas: [...p.replicas], isr: [...(p.isr ?? [])] })),
    };
  }

  async close(): Promise<void> {
    await this.client.close().catch(() => undefined);
  }
}
