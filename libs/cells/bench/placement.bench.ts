/**
 * Placement benchmark: `tsx libs/cells/bench/placement.bench.ts` (add `--expose-gc` before
 * the file name for heap figures measured from a collected baseline).
 *
 * 1. 10,000 tenants (1-4 CKUs each) into 100 cells of 300 CKUs with placeTenant.
 * 2. 1,000,002 replicas (333,334 partitions, RF 3) into 100 cells of 6 brokers on 3 racks,
 *    arriving as 55,556 six-partition topics, each placed by one placeReplicas call that
 *    carries its cell's load forward (the way the API creates topics).
 * 3. The same 333,334 partitions in one placeReplicas call on one cell of 48 brokers.
 * Each phase reports wall time (process.hrtime) and heap (process.memoryUsage).
 */
import { placeReplicas, placeTenant, type BrokerInfo, type BrokerLoad, type CellCapacity } from '../src/index';
import { seededRandom } from '../src/seeded-random';

const gc = (globalThis as { gc?: () => void }).gc;
const MiB = 1024 * 1024;

function heapNow(): number {
  return process.memoryUsage().heapUsed;
}

function measure<T>(label: string, run: (sample: () => void) => T): T {
  gc?.();
  const baseline = heapNow();
  let peak = baseline;
  const sample = () => {
    peak = Math.max(peak, heapNow());
  };
  const start = process.hrtime.bigint();
  const result = run(sample);
  const elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;
  sample();
  const heldMiB = (heapNow() - baseline) / MiB;
  console.log(
    `${label}: ${elapsedMs.toFixed(0)} ms; heap peak ${(peak / MiB).toFixed(1)} MiB ` +
      `(+${((peak - baseline) / MiB).toFixed(1)} MiB over the ${(baseline / MiB).toFixed(1)} MiB baseline, ${heldMiB.toFixed(1)} MiB held by the result); ` +
      `rss ${(process.memoryUsage().rss / MiB).toFixed(0)} MiB`,
  );
  return result;
}

function cellBrokers(cell: number, size: number): BrokerInfo[] {
  return Array.from({ length: size }, (_, i) => ({ id: cell * 1000 + i, rack: `az${(i % 3) + 1}` }));
}

function placeTenants(tenants: number, cells: CellCapacity[], sample: () => void): CellCapacity[] {
  const random = seededRandom(2023);
  const byId = new Map(cells.map((c) => [c.id, c]));
  for (let tenant = 0; tenant < tenants; tenant++) {
    const requestedCkus = 1 + Math.floor(random() * 4);
    const { cellId } = placeTenant({ cells, requestedCkus, seed: tenant });
    (byId.get(cellId) as CellCapacity).committedCkus += requestedCkus;
    if (tenant % 1000 === 0) sample();
  }
  return cells;
}

function placeTopics(cellCount: number, brokersPerCell: number, totalPartitions: number, partitionsPerTopic: number, sample: () => void) {
  const cells = Array.from({ length: cellCount }, (_, c) => ({ brokers: cellBrokers(c, brokersPerCell), load: undefined as BrokerLoad[] | undefined }));
  const assignments: number[][][] = [];
  let placed = 0;
  for (let topic = 0; placed < totalPartitions; topic++) {
    const cell = cells[topic % cellCount] as (typeof cells)[number];
    const partitions = Math.min(partitionsPerTopic, totalPartitions - placed);
    const result = placeReplicas({ brokers: cell.brokers, load: cell.load, partitions, replicationFactor: 3 });
    cell.load = result.load;
    assignments.push(result.assignment);
    placed += partitions;
    if (topic % 5000 === 0) sample();
  }
  return { assignments, cells };
}

function spreadOf(values: number[]): string {
  return `${Math.min(...values)}..${Math.max(...values)}`;
}

const PARTITIONS = 333_334;

// Warm-up so the figures measure steady-state code, not the first JIT tiers.
placeTenants(2_000, Array.from({ length: 100 }, (_, i) => ({ id: `w${i}`, capacityCkus: 300, committedCkus: 0 })), () => undefined);
placeTopics(10, 6, 30_000, 6, () => undefined);
placeReplicas({ brokers: cellBrokers(0, 48), partitions: 30_000, replicationFactor: 3 });

console.log(`node ${process.version}; gc ${gc ? 'exposed' : 'not exposed (heap baselines include garbage)'}`);

const cells = measure('placeTenant: 10,000 tenants into 100 cells', (sample) =>
  placeTenants(10_000, Array.from({ length: 100 }, (_, i) => ({ id: `cell-${i + 1}`, capacityCkus: 300, committedCkus: 0 })), sample),
);
console.log(`  committed CKUs per cell afterwards: ${spreadOf(cells.map((c) => c.committedCkus))} of 300`);

const many = measure(`placeReplicas: ${PARTITIONS * 3} replicas (RF 3) into 100 cells of 6 brokers, as six-partition topics`, (sample) =>
  placeTopics(100, 6, PARTITIONS, 6, sample),
);
const manyLoad = many.cells.flatMap((c) => c.load ?? []);
console.log(`  per broker afterwards: replicas ${spreadOf(manyLoad.map((l) => l.replicas))}, leaders ${spreadOf(manyLoad.map((l) => l.leaders))}`);
many.assignments.length = 0;

const one = measure(`placeReplicas: ${PARTITIONS * 3} replicas (RF 3) in one call on one cell of 48 brokers`, () =>
  placeReplicas({ brokers: cellBrokers(0, 48), partitions: PARTITIONS, replicationFactor: 3 }),
);
console.log(`  per broker afterwards: replicas ${spreadOf(one.load.map((l) => l.replicas))}, leaders ${spreadOf(one.load.map((l) => l.leaders))}`);
