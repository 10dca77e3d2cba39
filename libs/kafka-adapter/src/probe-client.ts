import kafkajs, { type Producer } from 'kafkajs';
import { Consumer } from '@platformatic/kafka';
import { kafkaJsOptions, platformaticOptions } from './client-options';
import { attempt, KafkaAdapterError } from './errors';

// kafkajs is CommonJS: see kafka-admin.ts.
const { Kafka } = kafkajs;
import type { FetchedRecord, KafkaConnectionConfig, ProducedRecord } from './types';

/**
 * Produce to and fetch from one chosen partition, straight to its leader: what a canary
 * needs to judge one broker. kafkajs produces; kafkajs cannot fetch a partition outside
 * a consumer group, so fetching uses @platformatic/kafka's low-level fetch.
 */
export class KafkaPartitionClient {
  private readonly producer: Producer;
  private readonly consumer: Consumer<Buffer, Buffer, Buffer, Buffer>;
  private producerReady: Promise<void> | undefined;

  constructor(config: KafkaConnectionConfig) {
    // Probes fail fast: a slow answer is the signal, not something to retry through.
    const tuning = { clientId: 'cellar-probe', requestTimeoutMs: 10_000, retries: 1 };
    this.producer = new Kafka(kafkaJsOptions(config, tuning)).producer({ allowAutoTopicCreation: false, idempotent: false, maxInFlightRequests: 5 });
    const base = platformaticOptions(config, tuning);
    this.consumer = new Consumer<Buffer, Buffer, Buffer, Buffer>({ ...base, groupId: `${base.clientId}-fetch` });
  }

  /**
   * Produces one record to exactly this partition, with acks=all unless told `acks: 1`
   * (a canary that should time the leader alone, not its slowest follower).
   */
  async produce(topic: string, partition: number, value: string, key?: string, options: { acks?: -1 | 1 } = {}): Promise<ProducedRecord> {
    this.producerReady ??= attempt('connect producer', () => this.producer.connect()).catch((error: unknown) => {
      this.producerReady = undefined;
      throw error;
    });
    await this.producerReady;
    const [result] = await attempt(`produce to ${topic}-${partition}`, () =>
      this.producer.send({ topic, acks: options.acks ?? -1, timeout: 10_000, messages: [{ partition, value, key: key ?? null }] }),
    );
    if (!result) throw new KafkaAdapterError('kafka_error', `produce to ${topic}-${partition}: no result`, true);
    return { topic, partition, offset: result.baseOffset ?? result.offset ?? '-1' };
  }

  /** Fetches records from `offset` on, from the partition's current leader. */
  async fetch(topic: string, partition: number, offset: string, options: { maxWaitMs?: number; maxBytes?: number } = {}): Promise<FetchedRecord[]> {
    const metadata = await attempt('fetch metadata', () => this.consumer.metadata({ topics: [topic] }));
    const topicMetadata = metadata.topics.get(topic);
    const leader = topicMetadata?.partitions[partition]?.leader;
    if (!topicMetadata || leader === undefined || leader < 0) {
      throw new KafkaAdapterError('kafka_unknown_topic', `fetch ${topic}-${partition}: no leader known`, true);
    }
    const response = await attempt(`fetch ${topic}-${partition} from broker ${leader}`, () =>
      this.consumer.fetch({
        node: leader,
        maxWaitTime: options.maxWaitMs ?? 500,
        minBytes: 1,
        maxBytes: options.maxBytes ?? 1_048_576,
        topics: [{
          topicId: topicMetadata.id,
          partitions: [{ partition, fetchOffset: BigInt(offset), currentLeaderEpoch: -1, lastFetchedEpoch: -1, partitionMaxBytes: options.maxBytes ?? 1_048_576 }],
        }],
      }),
    );
    const records: FetchedRecord[] = [];
    for (const t of response.responses) {
      for (const p of t.partitions) {
        if (p.errorCode !== 0) throw new KafkaAdapterError('kafka_error', `fetch ${topic}-${partition}: error ${p.errorCode}`, true);
        for (const batch of p.records ?? []) {
          for (const record of batch.records) {
            const recordOffset = batch.firstOffset + BigInt(record.offsetDelta);
            if (recordOffset < BigInt(offset)) continue;
            records.push({
              offset: recordOffset.toString(),
              key: record.key ? record.key.toString('utf8') : null,
              value: record.value ? record.value.toString('utf8') : null,
              timestamp: Number(batch.firstTimestamp + record.timestampDelta),
            });
          }
        }
      }
    }
    return records;
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.producer.disconnect(), this.consumer.close(true)]);
    this.producerReady = undefined;
  }
}
