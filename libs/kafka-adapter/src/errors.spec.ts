import { AuthenticationError, MultipleErrors, ResponseError } from '@platformatic/kafka';
import kafkajs from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { toKafkaError } from './errors';

const { KafkaJSNonRetriableError, KafkaJSRequestTimeoutError } = kafkajs;

describe('toKafkaError', () => {
  it('finds a refused login however deep @platformatic/kafka nests it', () => {
    const refused = new AuthenticationError('SASL authentication failed.');
    const nested = new MultipleErrors('Cannot connect to any broker.', [new MultipleErrors('Connection failed.', [refused])]);
    expect(toKafkaError(nested, 'list topics')).toMatchObject({ code: 'kafka_authentication_failed', retryable: false });
    // kafkajs' typings give KafkaJSSASLAuthenticationError no constructor arguments; its name is what counts.
    const kafkaJsRefused = Object.assign(new Error('SASL SCRAM SHA512 authentication failed, reason: Authentication failed'), { name: 'KafkaJSSASLAuthenticationError' });
    expect(toKafkaError(kafkaJsRefused, 'connect').code).toBe('kafka_authentication_failed');
  });

  it('calls a SASL handshake that timed out a timeout (a frozen broker), not a refused login', () => {
    const timedOut = new KafkaJSNonRetriableError(new KafkaJSRequestTimeoutError('Request SaslHandshake(key: 17, version: 1) timed out'));
    expect(toKafkaError(timedOut, 'describe topics')).toMatchObject({ code: 'kafka_timeout', retryable: true });
  });

  it('maps a protocol error code in a response to its stable code', () => {
    const unknownTopic = new ResponseError(3, 12, { '/topics/0': [3, null] }, {});
    expect(toKafkaError(unknownTopic, 'describe topics').code).toBe('kafka_unknown_topic');
  });
});
