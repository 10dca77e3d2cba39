import { testStack } from '@cellar/test-support';
import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';

/**
 * kafkajs as the independent second client of the integration specs: over the SASL listener
 * with SCRAM-SHA-512, as the admin user unless `credentials` names a tenant key.
 */
export function secondClient(clientId: string, credentials: { username: string; password: string } = testStack().kafka.admin, options: Pick<KafkaConfig, 'requestTimeout' | 'retry'> = {}): Kafka {
  return new Kafka({
    clientId,
    brokers: testStack().kafka.bootstrapServers,
    sasl: { mechanism: 'scram-sha-512', username: credentials.username, password: credentials.password },
    logLevel: logLevel.NOTHING,
    ...options,
  });
}
