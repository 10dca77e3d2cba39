import { describe, expect, it } from 'vitest';
import { placementAllowances } from './allowances';
import { initialHealth } from './memory';
import { T0 } from './test-helpers';
import { HEALTH_STATES, type HealthState } from './types';

const at = (state: HealthState, escalated = false) => ({ ...initialHealth(T0), state, memory: { ...initialHealth(T0).memory, escalated } });

describe('placementAllowances', () => {
  it('keeps leaders off every state that moved them off, and replicas off every state that drains', () => {
    const table = Object.fromEntries(HEALTH_STATES.map((s) => [s, placementAllowances(at(s))]));
    expect(table).toEqual({
      HEALTHY: { leadersAllowed: true, replicasAllowed: true },
      SUSPECT: { leadersAllowed: true, replicasAllowed: true },
      SLOW: { leadersAllowed: false, replicasAllowed: true },
      UNREACHABLE: { leadersAllowed: false, replicasAllowed: true },
      STORAGE_STALLED: { leadersAllowed: false, replicasAllowed: false },
      RECOVERING: { leadersAllowed: false, replicasAllowed: true },
      DEMOTED: { leadersAllowed: false, replicasAllowed: true },
      DRAINED: { leadersAllowed: false, replicasAllowed: false },
    });
    expect(placementAllowances(at('UNREACHABLE', true))).toEqual({ leadersAllowed: false, replicasAllowed: false });
  });
});
