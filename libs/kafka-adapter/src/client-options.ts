import kafkajs, { type KafkaConfig } from 'kafkajs';
import type { BaseOptions } from '@platformatic/kafka';
import type { KafkaConnectionConfig } from './types';

export interface ClientTuning {
  clientId: string;
  requestTimeoutMs: number;
  retries: number;
}

/**
 * One connection config, two clients: the SCRAM credentials, timeouts and retries are
 * mapped here once for kafkajs and once for @platformatic/kafka.
 */
export function kafkaJsOptions(config: KafkaConnectionConfig, tuning: ClientTuning): KafkaConfig {
  return {
    clientId: config.clientId ?? tuning.clientId,
    brokers: config.bootstrapServers,
    sasl: { mechanism: 'scram-sha-512', username: config.sasl.username, password: config.sasl.password },
    connectionTimeout: config.connectTimeoutMs ?? 5_000,
    requestTimeout: config.requestTimeoutMs ?? tuning.requestTimeoutMs,
    retry: { retries: tuning.retries, initialRetryTime: 200 },
    // The adapter reports through its errors, not kafkajs' own logger.
    logLevel: kafkajs.logLevel.NOTHING,
  };
}

export function platformaticOptions(config: KafkaConnectionConfig, tuning: ClientTuning): BaseOptions {
  return {
    clientId: config.clientId ?? tuning.clientId,
    bootstrapBrokers: config.bootstrapServers,
    sasl: { mechanism: 'SCRAM-SHA-512', username: config.sasl.username, password: config.sasl.password },
    connectTimeout: config.connectTimeoutMs ?? 5_000,
    requestTimeout: config.requestTimeoutMs ?? tuning.requestTimeoutMs,
    retries: tuning.retries,
  };
}
