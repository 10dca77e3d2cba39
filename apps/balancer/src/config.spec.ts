import { ConfigError } from '@cellar/common';
import { describe, expect, it } from 'vitest';
import { parseBalancerConfig } from './config';

const KEY = Buffer.alloc(32, 7).toString('base64');

describe('parseBalancerConfig', () => {
  it('serves the local setup with only the secret key set', () => {
    expect(parseBalancerConfig({ CELLAR_SECRET_KEY: KEY })).toMatchObject({
      logLevel: 'info',
      redisUrl: 'redis://127.0.0.1:6379',
      redisPrefix: 'cellar',
      databaseUrl: 'postgresql://postgres@127.0.0.1:5432/cellar',
      metrics: undefined,
      tickMs: 5_000,
      sampleIntervalMs: 10_000,
      faultCrashAfterStep: undefined,
    });
  });

  it('names each bad variable', () => {
    const bad = { REDIS_PREFIX: 'has spaces', LOG_LEVEL: 'loud', BALANCER_TICK_MS: '0', CELLAR_FAULT_CRASH_AFTER_STEP: 'execute-plan:nowhere' };
    expect(() => parseBalancerConfig(bad)).toThrow(ConfigError);
    try {
      parseBalancerConfig(bad);
    } catch (error) {
      expect((error as ConfigError).problems.map((problem) => problem.split(':')[0]).sort()).toEqual(['BALANCER_TICK_MS', 'CELLAR_FAULT_CRASH_AFTER_STEP', 'CELLAR_SECRET_KEY', 'LOG_LEVEL', 'REDIS_PREFIX']);
    }
  });
});
