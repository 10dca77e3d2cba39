import { Counter, type Registry } from 'prom-client';
import type { MoveKind } from './move';
import type { MoveReason } from './move-owner';

/** Where the executor reports what happened to moves; the app owns the registry. */
export interface ReassignmentObserver {
  /** `count` moves of `reason`/`kind` reached `state` (pending: recorded, in_progress: submitted, done, cancelled). */
  moves(reason: MoveReason, kind: MoveKind, state: 'pending' | 'in_progress' | 'done' | 'cancelled', count: number): void;
  /** Bytes of replica data copied by moves that finished. */
  bytesMoved(reason: MoveReason, bytes: number): void;
}

/**
 * cellar_reassignment_moves_total{reason,kind,state} and cellar_reassignment_bytes_moved_total{reason}
 * in the given registry. Bounded labels: never a topic or partition.
 */
export function createReassignmentMetrics(registry: Registry): ReassignmentObserver {
  const moves = new Counter({
    name: 'cellar_reassignment_moves_total',
    help: 'Partition moves by reason (QUARANTINE, REBALANCE, MITIGATION), kind (LEADERSHIP, REPLICA) and the state they reached.',
    labelNames: ['reason', 'kind', 'state'] as const,
    registers: [registry],
  });
  const bytes = new Counter({
    name: 'cellar_reassignment_bytes_moved_total',
    help: 'Replica bytes copied by finished partition moves (sizes known at planning), by reason.',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  return {
    moves: (reason, kind, state, count) => moves.inc({ reason, kind, state }, count),
    bytesMoved: (reason, n) => bytes.inc({ reason }, n),
  };
}

/** Reports to several observers (e.g. the tenancy worker's old counter and the executor's). */
export function observers(...list: (ReassignmentObserver | undefined)[]): ReassignmentObserver {
  const present = list.filter((o): o is ReassignmentObserver => o !== undefined);
  return {
    moves: (...args) => present.forEach((o) => o.moves(...args)),
    bytesMoved: (...args) => present.forEach((o) => o.bytesMoved(...args)),
  };
}
