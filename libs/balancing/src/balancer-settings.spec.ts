import { describe, expect, it } from 'vitest';
import { balancerSettingsUpdateSchema, plannerSettings, settingsView } from './balancer-settings';

const row = {
  physicalClusterId: 'c',
  enabled: true,
  goals: ['NETWORK_IN', 'DISK', 'NOT_A_GOAL'],
  triggerThresholdPct: 20,
  stopThresholdPct: 10,
  imbalanceDurationSeconds: 120,
  maxMovesPerRound: 10,
  maxConcurrentMovesPerBroker: 5,
  maxBytesInFlight: 10n,
  partitionCooldownSeconds: 3600,
  replicationThrottleBytesPerSecond: 50n,
  loadHalfLifeSeconds: 300,
  roundIntervalSeconds: 60,
  brokerCapacity: {},
  imbalanceSince: null,
  version: 0,
  updatedAt: new Date(0),
};

describe('balancer settings', () => {
  it('shows the row with default capacities and only known goals', () => {
    const view = settingsView(row);
    expect(view.goals).toEqual(['NETWORK_IN', 'DISK']);
    expect(view.brokerCapacity.networkInBytesPerSecond).toBeGreaterThan(0);
    expect(view.maxBytesInFlight).toBe(10);
  });

  it('lowers the trigger to the stop threshold while an imbalance is being worked off (hysteresis)', () => {
    const view = settingsView(row);
    expect(plannerSettings(view).triggerThresholdPct).toBe(20);
    expect(plannerSettings(view, { active: true }).triggerThresholdPct).toBe(10);
  });

  it('refuses unknown fields, repeated goals and out-of-range knobs', () => {
    expect(balancerSettingsUpdateSchema.safeParse({ turbo: true }).success).toBe(false);
    expect(balancerSettingsUpdateSchema.safeParse({ goals: ['DISK', 'DISK'] }).success).toBe(false);
    expect(balancerSettingsUpdateSchema.safeParse({ maxMovesPerRound: 0 }).success).toBe(false);
    expect(balancerSettingsUpdateSchema.safeParse({ enabled: true, stopThresholdPct: 5 }).success).toBe(true);
  });
});
