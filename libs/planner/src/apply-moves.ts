import type { PartitionLoadInput, PlannedMove } from './types';

/**
 * The partitions as they will be once `moves` are done: replicas become `toReplicas` and the
 * leader `toReplicas[0]` (the executor elects preferred leaders). For dry runs, simulations
 * and tests; returns new objects for moved partitions and the same objects for the others.
 */
export function applyMoves(partitions: readonly PartitionLoadInput[], moves: readonly PlannedMove[]): PartitionLoadInput[] {
  const byKey = new Map<string, PlannedMove>();
  for (const move of moves) byKey.set(`${move.topic}\u0000${move.partition}`, move);
  return partitions.map((p) => {
    const move = byKey.get(`${p.topic}\u0000${p.partition}`);
    if (move === undefined) return p;
    return { ...p, replicas: [...move.toReplicas], leader: move.toReplicas[0] as number, isr: [...move.toReplicas] };
  });
}
