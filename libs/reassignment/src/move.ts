/** A partition's replica list before and after a move; the first replica is the preferred leader. */
export interface MoveSpec {
  topic: string;
  partition: number;
  fromReplicas: number[];
  toReplicas: number[];
  /** Bytes to copy (size times replicas added); 0 when unknown or for leadership moves. */
  bytes?: number | bigint;
}

export type MoveKind = 'LEADERSHIP' | 'REPLICA';

/** A move with nothing to copy and the same leader order: already where it should be. */
export function isNoop(move: Pick<MoveSpec, 'fromReplicas' | 'toReplicas'>): boolean {
  return move.fromReplicas.length === move.toReplicas.length && move.fromReplicas.every((b, i) => move.toReplicas[i] === b);
}

/** LEADERSHIP when the replica set stays the same (only the order, hence the preferred leader, changes). */
export function moveKind(move: Pick<MoveSpec, 'fromReplicas' | 'toReplicas'>): MoveKind {
  return sameSet(move.fromReplicas, move.toReplicas) ? 'LEADERSHIP' : 'REPLICA';
}

export function sameSet(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

export function partitionKey(move: { topic: string; partition: number }): string {
  return `${move.topic}/${move.partition}`;
}
