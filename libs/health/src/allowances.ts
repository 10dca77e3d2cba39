import type { BrokerHealth } from './types';

/**
 * What the rest of the fleet may put on a broker in its current health, for the balancer's
 * planner (`leadersAllowed`, `replicasAllowed`) and the detector's own mitigations.
 * A RECOVERING broker gets no leaders until its cool-down ends; an UNREACHABLE broker past its
 * drain period (memory.escalated) is being emptied like a DRAINED one.
 */
export function placementAllowances(health: BrokerHealth): { leadersAllowed: boolean; replicasAllowed: boolean } {
  switch (health.state) {
    case 'HEALTHY':
    case 'SUSPECT':
      return { leadersAllowed: true, replicasAllowed: true };
    case 'SLOW':
    case 'RECOVERING':
    case 'DEMOTED':
      return { leadersAllowed: false, replicasAllowed: true };
    case 'UNREACHABLE':
      return { leadersAllowed: false, replicasAllowed: !health.memory.escalated };
    case 'STORAGE_STALLED':
    case 'DRAINED':
      return { leadersAllowed: false, replicasAllowed: false };
  }
}
