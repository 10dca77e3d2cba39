import { randomBytes } from 'node:crypto';
import { ConfigError } from '@cellar/common';
import { DEFAULT_ASSESSMENT_CONFIG, DEFAULT_HEALTH_CONFIG } from '@cellar/health';
import { describe, expect, it } from 'vitest';
import { parseDetectorConfig } from './config';

const key = randomBytes(32).toString('base64');

describe('parseDetectorConfig', () => {
  it('serves the local setup with only the secret key set', () => {
    const config = parseDetectorConfig({ CELLAR_SECRET_KEY: key });
    expect(config).toMatchObject({ logLevel: 'info', redisUrl: 'redis://127.0.0.1:6379', redisPrefix: 'cellar', databaseUrl: 'postgresql://postgres@127.0.0.1:5432/cellar', metrics: undefined });
    expect(config.settings).toMatchObject({ roundIntervalMs: 3_000, probeTimeoutMs: 2_000, dryRun: false, maxMitigatedBrokers: 2 });
    expect(config.settings.health).toEqual(DEFAULT_HEALTH_CONFIG);
    expect(config.settings.assessment).toEqual(DEFAULT_ASSESSMENT_CONFIG);
  });

  it('takes threshold overrides as JSON validated by the health library', () => {
    const config = parseDetectorConfig({ CELLAR_SECRET_KEY: key, DETECTOR_HEALTH: '{"recoveryCoolDownMs": 5000}', DETECTOR_DRY_RUN: 'true' });
    expect(config.settings.health.recoveryCoolDownMs).toBe(5_000);
    expect(config.settings.dryRun).toBe(true);
  });

  it('names each bad variable', () => {
    const env = { CELLAR_SECRET_KEY: 'short', REDIS_PREFIX: 'has spaces', LOG_LEVEL: 'loud', DETECTOR_HEALTH: '{"slow":{"actAt":1}}', DETECTOR_ROUND_MS: '0' };
    try {
      parseDetectorConfig(env);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems.map((problem) => problem.split(':')[0]).sort()).toEqual(['CELLAR_SECRET_KEY', 'DETECTOR_HEALTH', 'DETECTOR_ROUND_MS', 'LOG_LEVEL', 'REDIS_PREFIX']);
    }
  });
});
