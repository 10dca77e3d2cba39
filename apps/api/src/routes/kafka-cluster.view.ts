import type { CellCapacity } from '@cellar/cells';
import type { Broker, Cell, PhysicalCluster, PrismaClient } from '@cellar/db';
import { TenancyError } from '@cellar/tenancy';
import { z } from 'zod';
import { cellCapacityCkus, committedCkusByCell } from '../cell-capacity';

/**
 * What GET /v1/kafka-clusters[/:id] and the cell routes answer; a cell's capacity and
 * committed CKUs come from ../cell-capacity, as everywhere else.
 */

export const brokerViewSchema = z
  .object({
    id: z.int().meta({ description: "Kafka's node.id." }),
    host: z.string(),
    port: z.int(),
    rack: z.string().nullable(),
    cellId: z.string().nullable(),
    healthState: z.enum(['HEALTHY', 'SUSPECT', 'SLOW', 'UNREACHABLE', 'STORAGE_STALLED', 'RECOVERING', 'DEMOTED', 'DRAINED']),
    metricsUrl: z.string().nullable(),
  })
  .meta({ id: 'Broker' });
export type BrokerView = z.infer<typeof brokerViewSchema>;

export const cellViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    quarantine: z.boolean(),
    brokerIds: z.array(z.int()),
    capacityCkus: z.int().meta({ description: 'Brokers in the cell × the cluster’s ckusPerBroker.' }),
    committedCkus: z.int().meta({ description: 'CKUs of the logical clusters placed in the cell that are not DELETED.' }),
  })
  .meta({
    id: 'Cell',
    example: { id: 'cmbq3x2k40001v8l1c3ll0001', name: 'cell-1', quarantine: false, brokerIds: [1, 3, 5], capacityCkus: 12, committedCkus: 2 },
  });
export type CellView = z.infer<typeof cellViewSchema>;

export const kafkaClusterViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    region: z.string(),
    status: z.enum(['REGISTERING', 'ACTIVE', 'UNREACHABLE', 'DISABLED']),
    kafkaClusterId: z.string().nullable().meta({ description: "Kafka's own cluster id." }),
    bootstrapServers: z.array(z.string()),
    ckusPerBroker: z.int(),
    adminSasl: z
      .object({ mechanism: z.literal('SCRAM-SHA-512'), username: z.string() })
      .nullable()
      .meta({ description: 'The admin user; the password is stored encrypted and never shown.' }),
    brokers: z.array(brokerViewSchema),
    cells: z.array(cellViewSchema),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({
    id: 'KafkaCluster',
    example: {
      id: 'cmbq3x2k40000v8l1pkc00001',
      name: 'eu-west-1-a',
      region: 'eu-west-1',
      status: 'ACTIVE',
      kafkaClusterId: 'MkU3OEVBNTcwNTJENDM2Qg',
      bootstrapServers: ['kafka-1.internal:9094'],
      ckusPerBroker: 4,
      adminSasl: { mechanism: 'SCRAM-SHA-512', username: 'admin' },
      brokers: [
        { id: 1, host: 'kafka-1.internal', port: 9094, rack: 'az1', cellId: 'cmbq3x2k40001v8l1c3ll0001', healthState: 'HEALTHY', metricsUrl: 'http://kafka-1.internal:9404/metrics' },
      ],
      cells: [{ id: 'cmbq3x2k40001v8l1c3ll0001', name: 'cell-1', quarantine: false, brokerIds: [1, 3, 5], capacityCkus: 12, committedCkus: 2 }],
      createdAt: '2026-01-01T12:00:00.000Z',
      updatedAt: '2026-01-01T12:00:00.000Z',
    },
  });
export type KafkaClusterView = z.infer<typeof kafkaClusterViewSchema>;

/** A cell with its brokers' ids and its capacity, as placement and the views need it. */
export interface CellState extends CellCapacity {
  name: string;
  quarantine: boolean;
  brokerIds: number[];
}

export function brokerView(broker: Broker): BrokerView {
  return {
    id: broker.nodeId,
    host: broker.host,
    port: broker.port,
    rack: broker.rack,
    cellId: broker.cellId,
    healthState: broker.healthState,
    metricsUrl: broker.metricsUrl,
  };
}

/** Pure: cells with their capacity from the cluster's brokers and the CKUs committed per cell. */
export function cellStates(
  ckusPerBroker: number,
  cells: readonly Pick<Cell, 'id' | 'name' | 'quarantine'>[],
  brokers: readonly Pick<Broker, 'nodeId' | 'cellId'>[],
  committedByCell: ReadonlyMap<string, number>,
): CellState[] {
  return cells.map((cell) => {
    const brokerIds = brokers
      .filter((b) => b.cellId === cell.id)
      .map((b) => b.nodeId)
      .sort((a, b) => a - b);
    return {
      id: cell.id,
      name: cell.name,
      quarantine: cell.quarantine,
      brokerIds,
      capacityCkus: cellCapacityCkus(brokerIds.length, ckusPerBroker),
      committedCkus: committedByCell.get(cell.id) ?? 0,
    };
  });
}

export function cellView(cell: CellState): CellView {
  return {
    id: cell.id,
    name: cell.name,
    quarantine: cell.quarantine,
    brokerIds: cell.brokerIds,
    capacityCkus: cell.capacityCkus,
    committedCkus: cell.committedCkus,
  };
}

type Db = Pick<PrismaClient, 'logicalCluster' | 'physicalCluster' | 'broker' | 'cell'>;

/** The cells of one physical cluster with brokers, capacity and committed CKUs, by name. */
export async function cellCapacities(db: Db, physicalClusterId: string): Promise<CellState[]> {
  const cluster = await db.physicalCluster.findUnique({
    where: { id: physicalClusterId },
    include: { cells: { orderBy: { name: 'asc' } }, brokers: { orderBy: { nodeId: 'asc' } } },
  });
  if (!cluster) throw new TenancyError('kafka_cluster_not_found', `No Kafka cluster ${physicalClusterId}.`);
  return cellStates(cluster.ckusPerBroker, cluster.cells, cluster.brokers, await committedCkusByCell(db, { physicalClusterId }));
}

export type ClusterWithFleet = PhysicalCluster & { brokers: Broker[]; cells: Cell[] };

export function kafkaClusterView(cluster: ClusterWithFleet, committedByCell: ReadonlyMap<string, number>): KafkaClusterView {
  const brokers = [...cluster.brokers].sort((a, b) => a.nodeId - b.nodeId);
  const cells = [...cluster.cells].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    id: cluster.id,
    name: cluster.name,
    region: cluster.region,
    status: cluster.status,
    kafkaClusterId: cluster.kafkaClusterId,
    bootstrapServers: cluster.bootstrapServers,
    ckusPerBroker: cluster.ckusPerBroker,
    adminSasl: cluster.adminSaslUsername === null ? null : { mechanism: 'SCRAM-SHA-512', username: cluster.adminSaslUsername },
    brokers: brokers.map(brokerView),
    cells: cellStates(cluster.ckusPerBroker, cells, brokers, committedByCell).map(cellView),
    createdAt: cluster.createdAt.toISOString(),
    updatedAt: cluster.updatedAt.toISOString(),
  };
}

/** One physical cluster as the API shows it; 404 kafka_cluster_not_found when there is none. */
export async function loadKafkaClusterView(db: Db, id: string): Promise<KafkaClusterView> {
  const cluster = await db.physicalCluster.findUnique({ where: { id }, include: { brokers: true, cells: true } });
  if (!cluster) throw new TenancyError('kafka_cluster_not_found', `No Kafka cluster ${id}.`);
  return kafkaClusterView(cluster, await committedCkusByCell(db, { physicalClusterId: id }));
}
