import { describe, expect, it } from 'vitest';
import { probeAssignment } from './probe-topic';

describe('probeAssignment', () => {
  it('gives each broker one partition it leads by preference, followers on other racks', () => {
    const brokers = [1, 2, 3, 4, 5, 6].map((nodeId) => ({ nodeId, rack: `az${Math.ceil(nodeId / 2)}` }));
    const assignment = probeAssignment(brokers);
    expect(assignment.map((r) => r[0])).toEqual([1, 2, 3, 4, 5, 6]);
    for (const replicas of assignment) {
      expect(new Set(replicas.map((id) => Math.ceil(id / 2))).size).toBe(3);
    }
  });

  it('fills up from the same rack when there are fewer racks than replicas, and copes with one broker', () => {
    expect(probeAssignment([{ nodeId: 1, rack: 'a' }, { nodeId: 2, rack: 'a' }, { nodeId: 3, rack: 'a' }])).toEqual([[1, 2, 3], [2, 3, 1], [3, 1, 2]]);
    expect(probeAssignment([{ nodeId: 7, rack: null }])).toEqual([[7]]);
  });
});
