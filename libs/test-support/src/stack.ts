import type { KafkaClusterInfo } from '@cellar/kafka-harness';

/** What one integration test run shares: a real Kafka, a fresh database and a Redis prefix. */
export interface TestStack {
  kafka: KafkaClusterInfo;
  databaseUrl: string;
  redisUrl: string;
  /** Every queue and key of this run lives under it; teardown deletes it. */
  redisPrefix: string;
  runId: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    stack: TestStack;
  }
}
