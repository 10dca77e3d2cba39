import { ConfigError } from '@cellar/common';
import { describe, expect, it } from 'vitest';
import { parseBalancerConfig } from './config';

describe('parseBalancerConfig', () => {
  it('serves the local setup with no variables set', () => {
    expect(parseBalancerConfig({})).toEqual({
      logLevel: 'info',
      redisUrl: 'redis://127.0.0.1:6379',
      redisPrefix: 'cellar',
      databaseUrl: 'postgresql://postgres@127.0.0.1:5432/cellar',
    });
  });

  it('names each bad variable', () => {
    expect(() => parseBalancerConfig({ REDIS_PREFIX: 'has spaces', LOG_LEVEL: 'loud' })).toThrow(ConfigError);
    try {
      parseBalancerConfig({ REDIS_PREFIX: 'has spaces', LOG_LEVEL: 'loud' });
    } catch (error) {
      expect((error as ConfigError).problems.map((problem) => problem.split(':')[0])).toEqual(['LOG_LEVEL', 'REDIS_PREFIX']);
    }
  });
});
