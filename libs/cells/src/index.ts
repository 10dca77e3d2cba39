export type { BrokerInfo, BrokerLoad, CellCapacity, CellSpec } from './types';
export { CELLS_ERROR_CODES, CellsError, type CellsErrorCode } from './cells.error';
export { assertValidCells, layoutCells, validateCells, type CellViolation, type LayoutOptions } from './cell-layout';
export { placeTenant, type PlaceTenantRequest, type PlacementCandidate, type TenantPlacement } from './tenant-placement';
export { placeReplicas, type PlaceReplicasRequest, type ReplicaPlacement } from './replica-placement';

export { seededRandom } from './seeded-random';
export { BrokerHeap, type SlotOrder } from './broker-heap';
