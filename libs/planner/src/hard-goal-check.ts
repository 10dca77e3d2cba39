import type { BrokerLoadInput, PartitionLoadInput } from './types';

export interface HardGoalViolation {
  topic: string;
  partition: number;
  goal: 'DRAIN' | 'CELL_CONTAINMENT' | 'RACK_AWARENESS' | 'LEADERSHIP_NOT_ALLOWED';
  detail: string;
}

/**
 * Every hard-goal violation of an assignment, independently of the planner's own model (a
 * verifier in the spirit of Cruise Control's): replicas on brokers that may not hold any, of
 * another cell, sharing a rack while the cell (the cluster, for partitions of no cell) has
 * racks for all, and leaders or preferred leaders on brokers that may not lead.
 */
export function checkHardGoals(brokers: readonly BrokerLoadInput[], partitions: readonly PartitionLoadInput[]): HardGoalViolation[] {
  const byId = new Map(brokers.map((b) => [b.id, b]));
  const racksOf = new Map<string | null, Set<string>>();
  const allRacks = new Set<string>();
  for (const b of brokers) {
    if (!b.replicasAllowed) continue;
    allRacks.add(b.rack);
    if (b.cellId === null) continue;
    if (!racksOf.has(b.cellId)) racksOf.set(b.cellId, new Set());
    racksOf.get(b.cellId)!.add(b.rack);
  }
  const violations: HardGoalViolation[] = [];
  for (const p of partitions) {
    const replicas = p.replicas.map((id) => byId.get(id));
    if (replicas.some((b) => b === undefined)) continue;
    const known = replicas as BrokerLoadInput[];
    const add = (goal: HardGoalViolation['goal'], detail: string) => violations.push({ topic: p.topic, partition: p.partition, goal, detail });
    for (const b of known) {
      if (!b.replicasAllowed) add('DRAIN', `replica on broker ${b.id}, which may hold none`);
      if (p.cellId !== null && b.cellId !== p.cellId) add('CELL_CONTAINMENT', `replica on broker ${b.id} of ${b.cellId ?? 'no cell'}, not ${p.cellId}`);
    }
    const racks = p.cellId === null ? allRacks.size : (racksOf.get(p.cellId)?.size ?? 0);
    const perRack = racks >= known.length ? 1 : Math.ceil(known.length / Math.max(1, racks));
    const counts = new Map<string, number>();
    for (const b of known) counts.set(b.rack, (counts.get(b.rack) ?? 0) + 1);
    for (const [rack, count] of counts) if (count > perRack) add('RACK_AWARENESS', `${count} replicas on rack ${rack}`);
    const leader = byId.get(p.leader);
    if (leader !== undefined && !leader.leadersAllowed) add('LEADERSHIP_NOT_ALLOWED', `led by broker ${leader.id}`);
    if (!(known[0] as BrokerLoadInput).leadersAllowed) add('LEADERSHIP_NOT_ALLOWED', `preferred leader ${(known[0] as BrokerLoadInput).id} may not lead`);
  }
  return violations;
}
