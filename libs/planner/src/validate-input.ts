import { PlannerError } from './planner.error';
import type { BrokerLoadInput, PartitionLoadInput } from './types';

const MAX_PROBLEMS = 20;

/**
 * Rejects input the load model cannot mean anything with (422 invalid_planner_input, the
 * first problems listed). Replicas on brokers missing from `brokers`, or an offline leader,
 * are not errors: such partitions are left alone and counted in `stats.skippedPartitions`.
 */
export function validateInput(brokers: readonly BrokerLoadInput[], partitions: readonly PartitionLoadInput[]): void {
  const problems: string[] = [];
  const note = (problem: string) => {
    if (problems.length < MAX_PROBLEMS) problems.push(problem);
  };
  const ids = new Set<number>();
  for (const broker of brokers) {
    if (!Number.isInteger(broker.id)) note(`broker id ${String(broker.id)} is not an integer`);
    if (ids.has(broker.id)) note(`broker ${broker.id} is listed twice`);
    ids.add(broker.id);
    const c = broker.capacity;
    if (!(c?.networkInBytesPerSecond > 0) || !(c?.networkOutBytesPerSecond > 0) || !(c?.diskBytes > 0)) note(`broker ${broker.id}: every capacity must be > 0`);
    if (!(broker.requestHandlerBusy >= 0 && broker.requestHandlerBusy <= 1)) note(`broker ${broker.id}: requestHandlerBusy must be within 0..1`);
  }
  const seen = new Map<string, Set<number>>();
  for (const p of partitions) {
    const name = `${p.topic}-${p.partition}`;
    let topic = seen.get(p.topic);
    if (topic === undefined) seen.set(p.topic, (topic = new Set()));
    if (topic.has(p.partition)) note(`${name} is listed twice`);
    topic.add(p.partition);
    if (!Array.isArray(p.replicas) || p.replicas.length === 0) note(`${name}: no replicas`);
    else if (new Set(p.replicas).size !== p.replicas.length) note(`${name}: a broker appears twice in its replicas`);
    if (!(p.bytesInPerSecond >= 0) || !(p.bytesOutPerSecond >= 0) || !(p.sizeBytes >= 0)) note(`${name}: rates and size must be numbers >= 0`);
  }
  if (problems.length > 0) throw new PlannerError('invalid_planner_input', `invalid planner input: ${problems.join('; ')}`, { problems });
}
