import { ConfigError } from '@cellar/common';
import { describe, expect, it } from 'vitest';
import { parseDetectorConfig } from './config';

describe('parseDetectorConfig', () => {
  it('serves the local setup with no variables set', () => {
    expect(parseDetectorConfig({})).toEqual({
      logLevel: 'info',
      redisUrl: 'redis://127.0.0.1:6379',
      redisPrefix: 'cellar',
      databaseUrl: 'postgresql://postgres@127.0.0.1:5432/cellar',
    });
  });

  it('names each bad variable', () => {
    expect(() => parseDetectorConfig({ REDIS_PREFIX: 'has spaces', LOG_LEVEL: 'loud' })).toThrow(ConfigError);
    try {
      parseDetectorConfig({ REDIS_PREFIX: 'has spaces', LOG_LEVEL: 'loud' });
    } catch (error) {
      expect((error as ConfigError).problems.map((problem) => problem.split(':')[0])).toEqual(['LOG_LEVEL', 'REDIS_PREFIX']);
    }
  });
});
