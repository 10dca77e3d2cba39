import { describe, expect, it } from 'vitest';
import { emptyMemory, initialHealth, parseBrokerMemory, reviveHealth } from './memory';
import { HealthError } from './health.error';
import { simulate, loadedCluster, T0 } from './test-helpers';
import type { HealthState } from './types';

describe('stored memory', () => {
  it('reads back what the state machine wrote (through JSON, as PostgreSQL returns it)', () => {
    const cluster = loadedCluster(3);
    const { healths } = simulate(30, (r) => cluster(r));
    const memory = healths.get(1)!.memory;
    expect(memory.history.produceMs).toHaveLength(30);
    expect(parseBrokerMemory(JSON.parse(JSON.stringify(memory)))).toEqual(memory);
  });

  it('starts afresh from the column default {} or a shape it does not know', () => {
    expect(parseBrokerMemory({})).toEqual(emptyMemory());
    expect(parseBrokerMemory({ version: 2, scores: {} })).toEqual(emptyMemory());
    expect(parseBrokerMemory(null)).toEqual(emptyMemory());
  });

  it('revives a broker from its row, and refuses a state it does not know', () => {
    expect(reviveHealth('DEMOTED', T0, {})).toEqual({ state: 'DEMOTED', since: T0, memory: emptyMemory() });
    expect(initialHealth(T0)).toEqual({ state: 'HEALTHY', since: T0, memory: emptyMemory() });
    expect(() => reviveHealth('ON_FIRE' as HealthState, T0, {})).toThrow(HealthError);
  });
});
