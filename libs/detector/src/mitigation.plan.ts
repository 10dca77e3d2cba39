import { partitionKey, type MoveSpec } from '@cellar/reassignment';
import { isProbeTopic } from './probe-topic';

/** A partition as Kafka describes it now. */
export interface PartitionState {
  topic: string;
  partition: number;
  /** The first is the preferred leader. */
  replicas: number[];
  isr: number[];
  leader: number;
}

export interface SkippedPartition {
  topic: string;
  partition: number;
  why: string;
}

export interface MitigationPlan {
  /** Reassignments to submit (LEADERSHIP: reorders; REPLICA: a replica replaced). */
  moves: MoveSpec[];
  /** Partitions to run a preferred election on afterwards (moved or merely led by the broker). */
  elect: { topic: string; partition: number }[];
  skipped: SkippedPartition[];
}

/**
 * Leadership off `brokerId`: every partition it leads or would lead by preference gets an
 * in-sync replica other than the broker first and the broker last; a preferred election then
 * hands leadership over. Leadership moves change no ISR, so they never take a partition below
 * min.insync.replicas; a partition with no other in-sync replica is left alone (electing an
 * out-of-sync replica would lose data). Partitions another owner is moving are skipped.
 */
export function planLeadershipOff(partitions: readonly PartitionState[], brokerId: number, busy: ReadonlySet<string>): MitigationPlan {
  const plan: MitigationPlan = { moves: [], elect: [], skipped: [] };
  for (const p of partitions) {
    if (isProbeTopic(p.topic) || !p.replicas.includes(brokerId)) continue;
    if (p.replicas[0] !== brokerId && p.leader !== brokerId) continue;
    if (busy.has(partitionKey(p))) {
      plan.skipped.push({ topic: p.topic, partition: p.partition, why: 'another reassignment of this partition is in progress' });
      continue;
    }
    const successor = p.replicas.find((r) => r !== brokerId && p.isr.includes(r));
    if (successor === undefined) {
      plan.skipped.push({ topic: p.topic, partition: p.partition, why: 'no other in-sync replica to lead' });
      continue;
    }
    const toReplicas = [successor, ...p.replicas.filter((r) => r !== brokerId && r !== successor), brokerId];
    if (!toReplicas.every((r, i) => p.replicas[i] === r)) {
      plan.moves.push({ topic: p.topic, partition: p.partition, fromReplicas: [...p.replicas], toReplicas });
    }
    plan.elect.push({ topic: p.topic, partition: p.partition });
  }
  return plan;
}

/**
 * Replicas off `brokerId`, each to another broker of the same cell on a rack the
 * partition's other replicas do not use (the broker's own rack first), fewest replicas first.
 * Partitions already under min ISR are left alone: copying a replica adds fetch load on the
 * only in-sync copies and the move cannot finish before they recover.
 */
export function planDrain(
  partitions: readonly PartitionState[],
  brokerId: number,
  cellBrokers: readonly { id: number; rack: string }[],
  minIsr: (topic: string) => number,
  busy: ReadonlySet<string>,
): MitigationPlan {
  const plan: MitigationPlan = { moves: [], elect: [], skipped: [] };
  const rackOf = new Map(cellBrokers.map((b) => [b.id, b.rack]));
  const replicaCount = new Map(cellBrokers.map((b) => [b.id, 0]));
  for (const p of partitions) for (const r of p.replicas) if (replicaCount.has(r)) replicaCount.set(r, replicaCount.get(r)! + 1);
  const ownRack = rackOf.get(brokerId);
  for (const p of partitions) {
    if (isProbeTopic(p.topic) || !p.replicas.includes(brokerId)) continue;
    if (busy.has(partitionKey(p))) {
      plan.skipped.push({ topic: p.topic, partition: p.partition, why: 'another reassignment of this partition is in progress' });
      continue;
    }
    if (p.isr.length < minIsr(p.topic)) {
      plan.skipped.push({ topic: p.topic, partition: p.partition, why: `under min.insync.replicas (${p.isr.length} in sync)` });
      continue;
    }
    const others = p.replicas.filter((r) => r !== brokerId);
    const usedRacks = new Set(others.map((r) => rackOf.get(r)));
    const candidates = cellBrokers
      .filter((b) => b.id !== brokerId && !p.replicas.includes(b.id) && !usedRacks.has(b.rack))
      .sort((a, b) => Number(b.rack === ownRack) - Number(a.rack === ownRack) || replicaCount.get(a.id)! - replicaCount.get(b.id)! || a.id - b.id);
    const target = candidates[0];
    if (!target) {
      plan.skipped.push({ topic: p.topic, partition: p.partition, why: 'no broker of the cell on a rack the partition does not use' });
      continue;
    }
    replicaCount.set(target.id, replicaCount.get(target.id)! + 1);
    const leaderFirst = [...others].sort((a, b) => Number(p.isr.includes(b)) - Number(p.isr.includes(a)));
    plan.moves.push({ topic: p.topic, partition: p.partition, fromReplicas: [...p.replicas], toReplicas: [...leaderFirst, target.id] });
    plan.elect.push({ topic: p.topic, partition: p.partition });
  }
  return plan;
}

/**
 * Preferred leadership back to a recovered broker: each partition an earlier mitigation
 * reordered returns to its old order, if its replicas are still exactly what that
 * mitigation left (otherwise someone has moved it since, and their order stands).
 */
export function planRestore(partitions: readonly PartitionState[], earlier: readonly { topic: string; partition: number; fromReplicas: number[]; toReplicas: number[] }[]): MitigationPlan {
  const plan: MitigationPlan = { moves: [], elect: [], skipped: [] };
  const now = new Map(partitions.map((p) => [partitionKey(p), p]));
  for (const move of earlier) {
    const current = now.get(partitionKey(move));
    if (!current) {
      plan.skipped.push({ topic: move.topic, partition: move.partition, why: 'partition no longer exists' });
      continue;
    }
    if (!current.replicas.every((r, i) => move.toReplicas[i] === r) || current.replicas.length !== move.toReplicas.length) {
      plan.skipped.push({ topic: move.topic, partition: move.partition, why: 'replicas changed since the mitigation' });
      continue;
    }
    if (!move.fromReplicas.every((r) => current.replicas.includes(r))) continue;
    plan.moves.push({ topic: move.topic, partition: move.partition, fromReplicas: [...current.replicas], toReplicas: [...move.fromReplicas] });
    plan.elect.push({ topic: move.topic, partition: move.partition });
  }
  return plan;
}
