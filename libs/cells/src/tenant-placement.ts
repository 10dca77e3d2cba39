import { compareText } from './cell-layout';
import { CellsError } from './cells.error';
import { hashText, mix32 } from './hash';
import type { CellCapacity } from './types';

export interface PlaceTenantRequest {
  /** Every cell of the physical cluster, with its capacity and the CKUs already committed in it. */
  cells: readonly CellCapacity[];
  /** CKUs of the new (or resized) logical cluster. */
  requestedCkus: number;
  /** The same seed and cells give the same cell; a logical cluster id makes a good seed. */
  seed: number | string;
}

export interface PlacementCandidate {
  cellId: string;
  /** (committed + requested) / capacity: the cell's utilisation if the tenant goes there. */
  utilisationAfter: number;
  freeCkusAfter: number;
}

/** The chosen cell and the candidates it was chosen from, so the decision can be recorded. */
export interface TenantPlacement {
  cellId: string;
  utilisationAfter: number;
  candidates: PlacementCandidate[];
}

/**
 * Chooses a cell for a logical cluster the way Kora does: draw two distinct candidate cells
 * at random among those with room (never the quarantine cell), take the one that is less
 * utilised after placement. Two random choices keep cells within a small spread of each
 * other without every placement herding onto the single emptiest cell.
 *
 * The draw depends only on the seed and the cell ids, never on the order `cells` come in,
 * and adding a cell changes a seed's candidates only when the new cell wins the draw.
 * Ties go to the cell with more free CKUs left, then the smaller id.
 */
export function placeTenant(request: PlaceTenantRequest): TenantPlacement {
  const { cells, requestedCkus, seed } = request;
  checkRequest(cells, requestedCkus);

  // Rendezvous draw: every eligible cell gets a ticket hashed from (seed, cell id) and the
  // two lowest tickets are the candidates. That is a uniformly random pair, independent of
  // the order cells are listed in, found in one pass without sorting.
  const seedState = typeof seed === 'string' ? hashText(seed) : mix32(seed >>> 0);
  let first: CellCapacity | undefined;
  let firstTicket = 0;
  let second: CellCapacity | undefined;
  let secondTicket = 0;
  for (const cell of cells) {
    if (cell.quarantine === true || cell.capacityCkus <= 0 || cell.committedCkus + requestedCkus > cell.capacityCkus) continue;
    const ticket = mix32(hashText(cell.id, seedState));
    if (first === undefined || ticketBefore(ticket, cell, firstTicket, first)) {
      second = first;
      secondTicket = firstTicket;
      first = cell;
      firstTicket = ticket;
    } else if (second === undefined || ticketBefore(ticket, cell, secondTicket, second)) {
      second = cell;
      secondTicket = ticket;
    }
  }
  if (first === undefined) throw noCapacity(cells, requestedCkus);

  const candidates = (second === undefined ? [first] : [first, second]).map((cell): PlacementCandidate => {
    const committedAfter = cell.committedCkus + requestedCkus;
    return { cellId: cell.id, utilisationAfter: committedAfter / cell.capacityCkus, freeCkusAfter: cell.capacityCkus - committedAfter };
  });
  const chosen = candidates.reduce((best, next) => (isBetter(next, best) ? next : best));
  return { cellId: chosen.cellId, utilisationAfter: chosen.utilisationAfter, candidates };
}

function ticketBefore(ticket: number, cell: CellCapacity, otherTicket: number, other: CellCapacity): boolean {
  return ticket !== otherTicket ? ticket < otherTicket : compareText(cell.id, other.id) < 0;
}

function isBetter(a: PlacementCandidate, b: PlacementCandidate): boolean {
  if (a.utilisationAfter !== b.utilisationAfter) return a.utilisationAfter < b.utilisationAfter;
  if (a.freeCkusAfter !== b.freeCkusAfter) return a.freeCkusAfter > b.freeCkusAfter;
  return compareText(a.cellId, b.cellId) < 0;
}

/** Cell ids are taken as unique (they are primary keys); checking that would cost more than the placement. */
function checkRequest(cells: readonly CellCapacity[], requestedCkus: number): void {
  const problems: string[] = [];
  if (!Number.isInteger(requestedCkus) || requestedCkus < 1) problems.push(`requestedCkus must be a positive integer, got ${requestedCkus}`);
  for (const cell of cells) {
    if (!(Number.isFinite(cell.capacityCkus) && cell.capacityCkus >= 0)) problems.push(`cell ${cell.id}: capacityCkus must be a non-negative number`);
    if (!(Number.isFinite(cell.committedCkus) && cell.committedCkus >= 0)) problems.push(`cell ${cell.id}: committedCkus must be a non-negative number`);
  }
  if (problems.length > 0) throw new CellsError('invalid_placement_request', `cannot place tenant: ${problems.join('; ')}`, { problems });
}

function noCapacity(cells: readonly CellCapacity[], requestedCkus: number): CellsError {
  const open = cells.filter((c) => c.quarantine !== true);
  const largestFreeCkus = open.reduce((max, c) => Math.max(max, c.capacityCkus - c.committedCkus), 0);
  const message =
    open.length === 0
      ? 'no cell can take a logical cluster: the physical cluster has no cells other than the quarantine cell'
      : `no cell has room for ${requestedCkus} CKUs; the most any cell has free is ${largestFreeCkus}`;
  return new CellsError('no_cell_capacity', message, { requestedCkus, largestFreeCkus, cells: open.length });
}
