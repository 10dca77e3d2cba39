import { CellsError } from './cells.error';
import type { BrokerInfo, CellSpec } from './types';

/**
 * How many cells to cut. Give at most one of `cellCount` and `brokersPerCell`; with neither,
 * the layout makes as many cells as the smallest rack allows (one broker of that rack per cell),
 * the smallest cells that still span every rack.
 */
export interface LayoutOptions {
  cellCount?: number;
  /** Target size; the layout makes floor(brokers / brokersPerCell) cells (at least one). */
  brokersPerCell?: number;
  /** Cell ids are `${idPrefix}1`, `${idPrefix}2`, ...; default `cell-`. */
  idPrefix?: string;
}

/**
 * Splits a physical cluster's brokers into cells that each span every rack.
 *
 * Racks are taken in name order and each rack's brokers in id order, so the same brokers
 * always give the same cells. Every rack's brokers are dealt out in contiguous runs:
 * each cell gets floor(n / cells) of them and the remainder goes, one each, to the cells
 * that are smallest so far (lower index first). Cell sizes therefore differ by at most one
 * broker even when racks are uneven; a rack with more brokers simply puts two of them in
 * some cells.
 */
export function layoutCells(brokers: readonly BrokerInfo[], options: LayoutOptions = {}): CellSpec[] {
  const racks = brokersByRack(brokers);
  const cellCount = resolveCellCount(brokers.length, racks, options);
  const prefix = options.idPrefix ?? 'cell-';

  const members: number[][] = Array.from({ length: cellCount }, () => []);
  for (const rackBrokers of racks.values()) {
    const base = Math.floor(rackBrokers.length / cellCount);
    const extra = rackBrokers.length % cellCount;
    const counts = new Array<number>(cellCount).fill(base);
    // The cells that are smallest so far take the remainder; the stable sort breaks ties by index.
    const smallestFirst = members.map((m, index) => ({ index, size: m.length })).sort((a, b) => a.size - b.size);
    for (const { index } of smallestFirst.slice(0, extra)) counts[index] = base + 1;
    let next = 0;
    members.forEach((cell, index) => {
      const take = counts[index] ?? 0;
      cell.push(...rackBrokers.slice(next, next + take));
      next += take;
    });
  }
  return members.map((ids, index) => ({ id: `${prefix}${index + 1}`, brokerIds: ids.sort((a, b) => a - b) }));
}

/** Brokers grouped by rack, racks in name order and brokers in id order; rejects malformed input. */
function brokersByRack(brokers: readonly BrokerInfo[]): Map<string, number[]> {
  if (brokers.length === 0) throw new CellsError('cell_layout_impossible', 'there are no brokers to lay out into cells');
  const seen = new Set<number>();
  const problems: string[] = [];
  for (const broker of brokers) {
    if (!Number.isInteger(broker.id) || broker.id < 0) problems.push(`broker id ${broker.id} is not a non-negative integer`);
    else if (seen.has(broker.id)) problems.push(`broker ${broker.id} is listed twice`);
    if (broker.rack === '') problems.push(`broker ${broker.id} has no rack`);
    seen.add(broker.id);
  }
  if (problems.length > 0) {
    throw new CellsError('cell_layout_impossible', `cannot lay out cells: ${problems.join('; ')}`, { problems });
  }
  const byRack = new Map<string, number[]>();
  for (const rack of [...new Set(brokers.map((b) => b.rack))].sort(compareText)) byRack.set(rack, []);
  for (const broker of brokers) byRack.get(broker.rack)?.push(broker.id);
  for (const ids of byRack.values()) ids.sort((a, b) => a - b);
  return byRack;
}

function resolveCellCount(brokerCount: number, racks: Map<string, number[]>, options: LayoutOptions): number {
  const { cellCount, brokersPerCell } = options;
  const smallestRack = Math.min(...[...racks.values()].map((ids) => ids.length));
  if (cellCount !== undefined && brokersPerCell !== undefined) {
    throw new CellsError('cell_layout_impossible', 'give either cellCount or brokersPerCell, not both', { cellCount, brokersPerCell });
  }
  let count = smallestRack;
  if (cellCount !== undefined) {
    if (!Number.isInteger(cellCount) || cellCount < 1) {
      throw new CellsError('cell_layout_impossible', `cellCount must be a positive integer, got ${cellCount}`, { cellCount });
    }
    count = cellCount;
  } else if (brokersPerCell !== undefined) {
    if (!Number.isInteger(brokersPerCell) || brokersPerCell < racks.size) {
      throw new CellsError(
        'cell_layout_impossible',
        `brokersPerCell must be an integer of at least ${racks.size} (one broker per rack), got ${brokersPerCell}`,
        { brokersPerCell, racks: racks.size },
      );
    }
    count = Math.max(1, Math.floor(brokerCount / brokersPerCell));
  }
  if (count > smallestRack) {
    const short = [...racks].filter(([, ids]) => ids.length < count).map(([rack, ids]) => ({ rack, brokers: ids.length }));
    const named = short.map((s) => `${s.rack} has ${s.brokers}`).join(', ');
    throw new CellsError(
      'cell_layout_impossible',
      `${count} cells need at least ${count} brokers in every rack so that each cell spans every rack, but ${named}`,
      { cellCount: count, shortRacks: short },
    );
  }
  return count;
}

/** One thing wrong with a cell layout; `code` is stable, `message` is for people. */
export interface CellViolation {
  code: 'empty_cell' | 'duplicate_cell_id' | 'unknown_broker' | 'broker_listed_twice' | 'missing_rack' | 'several_quarantine_cells';
  message: string;
  cellId?: string;
  brokerId?: number;
  rack?: string;
}

/**
 * Checks a layout against the cluster's brokers: every cell is non-empty, names only
 * existing brokers, spans every rack present in the cluster; a broker is in at most one
 * cell; cell ids are unique; at most one cell is the quarantine cell. Brokers outside every
 * cell are allowed (spares, or brokers being added). Returns every violation, in cell order.
 */
export function validateCells(brokers: readonly BrokerInfo[], cells: readonly CellSpec[]): CellViolation[] {
  const rackOf = new Map(brokers.map((b) => [b.id, b.rack] as const));
  const clusterRacks = [...new Set(brokers.map((b) => b.rack))].sort(compareText);
  const violations: CellViolation[] = [];
  const cellOfBroker = new Map<number, string>();
  const cellIds = new Set<string>();

  for (const cell of cells) {
    if (cellIds.has(cell.id)) violations.push({ code: 'duplicate_cell_id', cellId: cell.id, message: `cell id ${cell.id} is used twice` });
    cellIds.add(cell.id);
    if (cell.brokerIds.length === 0) {
      violations.push({ code: 'empty_cell', cellId: cell.id, message: `cell ${cell.id} has no brokers` });
      continue;
    }
    const cellRacks = new Set<string>();
    for (const brokerId of cell.brokerIds) {
      const rack = rackOf.get(brokerId);
      if (rack === undefined) {
        violations.push({ code: 'unknown_broker', cellId: cell.id, brokerId, message: `cell ${cell.id} names broker ${brokerId}, which is not in the cluster` });
      } else {
        cellRacks.add(rack);
      }
      const earlier = cellOfBroker.get(brokerId);
      if (earlier !== undefined) {
        const where = earlier === cell.id ? `twice in cell ${cell.id}` : `in cells ${earlier} and ${cell.id}`;
        violations.push({ code: 'broker_listed_twice', cellId: cell.id, brokerId, message: `broker ${brokerId} is listed ${where}` });
      } else {
        cellOfBroker.set(brokerId, cell.id);
      }
    }
    for (const rack of clusterRacks) {
      if (!cellRacks.has(rack)) {
        violations.push({ code: 'missing_rack', cellId: cell.id, rack, message: `cell ${cell.id} has no broker in rack ${rack}` });
      }
    }
  }
  const quarantine = cells.filter((c) => c.quarantine === true).map((c) => c.id);
  if (quarantine.length > 1) {
    violations.push({
      code: 'several_quarantine_cells',
      message: `only one cell may be the quarantine cell, but ${quarantine.join(', ')} are`,
    });
  }
  return violations;
}

/** validateCells, throwing `invalid_cell_layout` with every violation in `details.violations`. */
export function assertValidCells(brokers: readonly BrokerInfo[], cells: readonly CellSpec[]): void {
  const violations = validateCells(brokers, cells);
  if (violations.length === 0) return;
  throw new CellsError('invalid_cell_layout', `invalid cell layout: ${violations.map((v) => v.message).join('; ')}`, { violations });
}

/** Code-unit order: the same on every machine, unlike localeCompare. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
