import { ConfigError, loggerOptions } from '@cellar/common';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { parseApiConfig } from './config';
import { minimalEnv, OPERATOR_TOKEN, SECRET_KEY_BASE64 } from './test-fixtures';

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    parseApiConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('parseApiConfig', () => {
  it('fills local defaults around the two required secrets', () => {
    const config = parseApiConfig(minimalEnv());
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 8080,
      logLevel: 'info',
      databaseUrl: 'postgresql://postgres@127.0.0.1:5432/cellar',
      redisUrl: 'redis://127.0.0.1:6379',
      redisPrefix: 'cellar',
      operatorToken: OPERATOR_TOKEN,
      kafka: undefined,
    });
    expect(config.secretKey).toEqual(Buffer.from(SECRET_KEY_BASE64, 'base64'));
    expect(config.secretKey).toHaveLength(32);
  });

  it('reads host, port and the Kafka admin connection', () => {
    const config = parseApiConfig({
      ...minimalEnv(),
      HOST: '0.0.0.0',
      PORT: '9000',
      KAFKA_BOOTSTRAP_SERVERS: 'kafka-1:9092, kafka-2:9092,[::1]:9094',
      KAFKA_ADMIN_USERNAME: 'admin',
      KAFKA_ADMIN_PASSWORD: 'admin-secret',
    });
    expect(config.host).toBe('0.0.0.0');
    expect(config.port).toBe(9000);
    expect(config.kafka).toEqual({
      bootstrapServers: ['kafka-1:9092', 'kafka-2:9092', '[::1]:9094'],
      adminSasl: { username: 'admin', password: 'admin-secret' },
    });
  });

  it('treats empty optional variables as unset', () => {
    const config = parseApiConfig({ ...minimalEnv(), KAFKA_BOOTSTRAP_SERVERS: '', KAFKA_ADMIN_USERNAME: '' });
    expect(config.kafka).toBeUndefined();
  });

  it('requires the operator token, at least 24 characters, without echoing it', () => {
    expect(problemsOf({ CELLAR_SECRET_KEY: SECRET_KEY_BASE64 })).toEqual([
      expect.stringMatching(/^CELLAR_OPERATOR_TOKEN: /),
    ]);
    const problems = problemsOf({ ...minimalEnv(), CELLAR_OPERATOR_TOKEN: 'short-token' });
    expect(problems).toEqual(['CELLAR_OPERATOR_TOKEN: must be at least 24 characters']);
    expect(problems.join()).not.toContain('short-token');
  });

  it('requires the secret key to be 32 bytes of base64', () => {
    const sixteenBytes = Buffer.alloc(16, 1).toString('base64');
    for (const value of [undefined, sixteenBytes, 'not base64 at all, clearly not base64 at all']) {
      const problems = problemsOf({ ...minimalEnv(), CELLAR_SECRET_KEY: value });
      expect(problems).toEqual([expect.stringMatching(/^CELLAR_SECRET_KEY: /)]);
      if (value) expect(problems.join()).not.toContain(value);
    }
  });

  it('names each bad variable', () => {
    const problems = problemsOf({
      ...minimalEnv(),
      PORT: '70000',
      LOG_LEVEL: 'loud',
      REDIS_URL: 'not a url',
      KAFKA_BOOTSTRAP_SERVERS: 'kafka-1',
    });
    expect(problems.map((problem) => problem.split(':')[0])).toEqual([
      'PORT',
      'LOG_LEVEL',
      'REDIS_URL',
      'KAFKA_BOOTSTRAP_SERVERS.0',
    ]);
  });

  it('wants the Kafka admin username and password together, with bootstrap servers', () => {
    expect(problemsOf({ ...minimalEnv(), KAFKA_BOOTSTRAP_SERVERS: 'k:9092', KAFKA_ADMIN_USERNAME: 'admin' })).toEqual([
      'KAFKA_ADMIN_PASSWORD: KAFKA_ADMIN_USERNAME and KAFKA_ADMIN_PASSWORD go together',
    ]);
    expect(problemsOf({ ...minimalEnv(), KAFKA_ADMIN_USERNAME: 'admin', KAFKA_ADMIN_PASSWORD: 'pw' })).toEqual([
      'KAFKA_BOOTSTRAP_SERVERS: required when KAFKA_ADMIN_USERNAME is set',
    ]);
  });

  it('keeps its secrets out of logs even when logged whole', () => {
    const config = parseApiConfig({
      ...minimalEnv(),
      KAFKA_BOOTSTRAP_SERVERS: 'kafka-1:9092',
      KAFKA_ADMIN_USERNAME: 'admin',
      KAFKA_ADMIN_PASSWORD: 'kafka-admin-password',
    });
    const lines: string[] = [];
    pino(loggerOptions('api', 'info'), { write: (line: string) => lines.push(line) }).info({ config }, 'config');
    const logged = lines.join('');
    expect(logged).toContain('kafka-1:9092');
    for (const secret of [OPERATOR_TOKEN, 'kafka-admin-password', '"data":[7,7']) expect(logged).not.toContain(secret);
  });
});
