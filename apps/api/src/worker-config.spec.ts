import { ConfigError } from '@cellar/common';
import { DEFAULT_CKU_PROFILE } from '@cellar/ckus';
import { describe, expect, it } from 'vitest';
import { SECRET_KEY_BASE64 } from './test-fixtures';
import { parseTenancyWorkerConfig } from './worker-config';

describe('parseTenancyWorkerConfig', () => {
  it('serves the local setup with defaults: short locks, many stalls allowed, no fault injection', () => {
    const config = parseTenancyWorkerConfig({ CELLAR_SECRET_KEY: SECRET_KEY_BASE64 });
    expect(config.ckuProfile).toEqual(DEFAULT_CKU_PROFILE);
    expect(config.queue).toEqual({ lockDurationMs: 10_000, stalledIntervalMs: 5_000, maxStalledCount: 100, concurrency: 4 });
    expect(config.replicationThrottleBytesPerSecond).toBe(10_000_000);
    expect(config.metrics).toBeUndefined();
    expect(config.faultCrashAfterStep).toBeUndefined();
  });

  it('reads the fault injection hook as job and step', () => {
    const config = parseTenancyWorkerConfig({ CELLAR_SECRET_KEY: SECRET_KEY_BASE64, CELLAR_FAULT_CRASH_AFTER_STEP: 'provision-logical-cluster:acls', METRICS_PORT: '9464' });
    expect(config.faultCrashAfterStep).toEqual({ job: 'provision-logical-cluster', step: 'acls' });
    expect(config.metrics).toEqual({ host: '127.0.0.1', port: 9464 });
  });

  it('names each bad variable, never its value', () => {
    const parse = () => parseTenancyWorkerConfig({ CELLAR_SECRET_KEY: 'not-a-key', CELLAR_FAULT_CRASH_AFTER_STEP: 'sample-usage:x', CELLAR_CKU_PROFILE: '{' });
    expect(parse).toThrow(ConfigError);
    try {
      parse();
    } catch (error) {
      const problems = (error as ConfigError).problems.join('\n');
      expect(problems).toMatch(/CELLAR_SECRET_KEY/);
      expect(problems).toMatch(/CELLAR_FAULT_CRASH_AFTER_STEP/);
      expect(problems).toMatch(/CELLAR_CKU_PROFILE/);
      expect(problems).not.toContain('not-a-key');
    }
  });
});
