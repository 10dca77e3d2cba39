/**
 * Named clusters for tests, demos and benchmarks, in the spirit of Cruise Control's
 * DeterministicCluster: each returns fresh objects, so a test may mutate what it gets.
 * Exported as `@cellar/cells/fixtures`, not from the main entry point.
 */
import type { BrokerInfo, CellCapacity, CellSpec } from './types';

function brokersOnRacks(racks: readonly string[], firstId = 1): BrokerInfo[] {
  return racks.map((rack, index) => ({ id: firstId + index, rack }));
}

/** The local harness cluster: brokers 1..6 on az1, az1, az2, az2, az3, az3. */
export function sixBrokersThreeRacks(): BrokerInfo[] {
  return brokersOnRacks(['az1', 'az1', 'az2', 'az2', 'az3', 'az3']);
}

/** Kora's evaluation cluster: 24 brokers, 8 per rack (cells of 6 -> 4 cells). */
export function twentyFourBrokersThreeRacks(): BrokerInfo[] {
  return brokersOnRacks(Array.from({ length: 24 }, (_, i) => `az${(i % 3) + 1}`));
}

/** Uneven racks: az1 has 3 brokers, az2 and az3 have 2 each (ids 1..7). */
export function sevenBrokersUnevenRacks(): BrokerInfo[] {
  return brokersOnRacks(['az1', 'az1', 'az1', 'az2', 'az2', 'az3', 'az3']);
}

/** Two racks only: RF 3 must put two replicas in one rack (ids 1..4). */
export function fourBrokersTwoRacks(): BrokerInfo[] {
  return brokersOnRacks(['az1', 'az1', 'az2', 'az2']);
}

/** The brokers of one cell, for placeReplicas. */
export function brokersOfCell(brokers: readonly BrokerInfo[], cell: CellSpec): BrokerInfo[] {
  const members = new Set(cell.brokerIds);
  return brokers.filter((b) => members.has(b.id));
}

/** `count` cells `cell-1..` of equal capacity, nothing committed. */
export function emptyCells(count: number, capacityCkus: number): CellCapacity[] {
  return Array.from({ length: count }, (_, i) => ({ id: `cell-${i + 1}`, capacityCkus, committedCkus: 0 }));
}

/** Three cells: cell-1 nearly full, cell-2 half full, cell-3 the (empty) quarantine cell. */
export function threeCellsOneQuarantine(): CellCapacity[] {
  return [
    { id: 'cell-1', capacityCkus: 24, committedCkus: 22 },
    { id: 'cell-2', capacityCkus: 24, committedCkus: 12 },
    { id: 'cell-3', capacityCkus: 24, committedCkus: 0, quarantine: true },
  ];
}
