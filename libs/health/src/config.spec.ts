import { describe, expect, it } from 'vitest';
import { DEFAULT_ASSESSMENT_CONFIG, DEFAULT_HEALTH_CONFIG, resolveAssessmentConfig, resolveHealthConfig } from './config';
import { HealthError } from './health.error';

describe('configuration', () => {
  it('overrides merge into the defaults, nested groups included', () => {
    const c = resolveAssessmentConfig({ probeLatency: { floor: 10 }, guard: { maxBadFraction: 0.5 } });
    expect(c.probeLatency).toEqual({ ...DEFAULT_ASSESSMENT_CONFIG.probeLatency, floor: 10 });
    expect(c.guard).toEqual({ maxBadFraction: 0.5, minBadBrokers: 2 });
    expect(resolveHealthConfig({ slow: { actAt: 8 } }).slow).toEqual({ suspectAt: 3, actAt: 8 });
  });

  it('refuses settings that would flap or make no sense, naming each bad field', () => {
    const refused = (f: () => unknown) => {
      try {
        f();
      } catch (error) {
        expect(error).toBeInstanceOf(HealthError);
        return (error as HealthError).details!.violations as { path: string }[];
      }
      throw new Error('accepted');
    };
    expect(refused(() => resolveHealthConfig({ slow: { suspectAt: 1 } })).map((v) => v.path)).toEqual(['slow.suspectAt']);
    expect(refused(() => resolveHealthConfig({ cleanRoundsToRecover: 1 })).map((v) => v.path)).toEqual(['cleanRoundsToRecover']);
    expect(refused(() => resolveHealthConfig({ unreachable: { suspectAt: 4, actAt: 3 } })).map((v) => v.path)).toEqual(['unreachable.actAt']);
    expect(refused(() => resolveHealthConfig({ maxScore: 4 })).map((v) => v.path)).toEqual(['maxScore']);
    expect(refused(() => resolveAssessmentConfig({ probeLatency: { ratioToPeers: 1 } })).map((v) => v.path)).toEqual(['probeLatency.ratioToPeers']);
  });

  it('the defaults are frozen so no caller can change them for everyone', () => {
    expect(Object.isFrozen(DEFAULT_HEALTH_CONFIG.slow)).toBe(true);
    expect(Object.isFrozen(DEFAULT_ASSESSMENT_CONFIG.guard)).toBe(true);
  });
});
