import type { Mitigation, PartitionMove } from '@cellar/db';
import { describe, expect, it } from 'vitest';
import { byTimeDescending, mitigationEvents, moveEvent, type TimelineEvent } from './timeline.view';

const at = (s: number) => new Date(Date.UTC(2026, 11, 2, 10, 2, s));
const move = (patch: Partial<PartitionMove> = {}): PartitionMove => ({
  id: 'm1',
  physicalClusterId: 'c1',
  logicalClusterId: null,
  reason: 'MITIGATION',
  topic: 'lkc-abc.orders',
  partition: 3,
  fromReplicas: [4, 6, 2],
  toReplicas: [6, 4, 2],
  state: 'DONE',
  correlationId: 'req-1',
  kind: 'LEADERSHIP',
  planId: null,
  mitigationId: 'mit-1',
  bytes: 0n,
  error: null,
  createdAt: at(0),
  startedAt: at(1),
  completedAt: at(2),
  ...patch,
});

describe('timeline events', () => {
  it('says which broker a move took leadership from and to, and why, at the time it finished', () => {
    const event = moveEvent(move(), { mitigation: { kind: 'DEMOTE', nodeId: 4 } });
    expect(event).toMatchObject({
      at: at(2).toISOString(),
      kind: 'partition-move',
      correlationId: 'req-1',
      brokerIds: [2, 4, 6],
      summary: 'lkc-abc.orders-3: [4,6,2] → [6,4,2], leadership 4 → 6 done (mitigation DEMOTE of broker 4)',
      details: { leaderBefore: 4, leaderAfter: 6, moveKind: 'LEADERSHIP', mitigationId: 'mit-1' },
    });
  });

  it('leaves leadership out of a replica move that keeps the preferred leader, and dates an unfinished move by its start', () => {
    const event = moveEvent(move({ kind: 'REPLICA', toReplicas: [4, 6, 1], state: 'IN_PROGRESS', completedAt: null }), { plan: { trigger: 'scheduled' } });
    expect(event.summary).toBe('lkc-abc.orders-3: [4,6,2] → [4,6,1] in_progress (rebalance plan, scheduled)');
    expect(event.at).toBe(at(1).toISOString());
  });

  it('makes a finished mitigation two events, a blocked one a single one saying what blocked it', () => {
    const base = { id: 'mit-1', physicalClusterId: 'c1', nodeId: 4, cellId: 'cell', kind: 'DEMOTE', actor: 'detector', healthState: 'UNREACHABLE', reason: 'probe-failed', evidence: {}, plan: {}, step: null, dryRun: false, correlationId: 'req-1', version: 3, createdAt: at(0), startedAt: at(0) } as const;
    const done = mitigationEvents({ ...base, state: 'COMPLETED', outcome: { leadersOnBrokerAfter: 0 }, completedAt: at(5) } as unknown as Mitigation);
    expect(done.map((e) => [e.at, e.details['phase']])).toEqual([[at(0).toISOString(), 'decided'], [at(5).toISOString(), 'ended']]);
    const blocked = mitigationEvents({ ...base, state: 'BLOCKED', outcome: { blockedBy: 'broker 2 of the same cell is already mitigated (one per cell)' }, completedAt: at(0) } as unknown as Mitigation);
    expect(blocked).toHaveLength(1);
    expect(blocked[0]!.summary).toContain('blocked: broker 2 of the same cell is already mitigated');
  });

  it('orders newest first, and at the same instant the effect before its cause (so oldest first reads cause first)', () => {
    const event = (kind: TimelineEvent['kind'], s: number): TimelineEvent => ({ at: at(s).toISOString(), kind, correlationId: 'x', brokerIds: [], summary: kind, ref: { type: kind, id: kind }, details: {} });
    const sorted = byTimeDescending([event('health-transition', 1), event('partition-move', 2), event('mitigation', 1), event('audit', 0)]);
    expect(sorted.map((e) => e.kind)).toEqual(['partition-move', 'mitigation', 'health-transition', 'audit']);
  });
});
