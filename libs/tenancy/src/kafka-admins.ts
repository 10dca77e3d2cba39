import { decryptSecret, type PrismaClient, type SecretKey } from '@cellar/db';
import { KafkaAdmin, type KafkaConnectionConfig } from '@cellar/kafka-adapter';
import { TenancyError } from './tenancy.error';

/** What registering a cluster needs to reach it. */
export interface ClusterConnection {
  bootstrapServers: string[];
  adminSasl: { username: string; password: string } | null;
}

export function connectionConfig(connection: ClusterConnection, clientId: string): KafkaConnectionConfig {
  if (connection.adminSasl === null) {
    // Cellar's clusters are reached through their SASL/SCRAM listener; registration refuses others.
    throw new TenancyError('kafka_cluster_unreachable', 'the cluster has no admin SASL credentials');
  }
  return { bootstrapServers: connection.bootstrapServers, sasl: { mechanism: 'scram-sha-512', ...connection.adminSasl }, clientId };
}

/**
 * One admin client per registered physical cluster, built on first use from its row
 * (the admin password is decrypted here and nowhere else) and kept for the process.
 */
export class KafkaAdminRegistry {
  private readonly admins = new Map<string, Promise<KafkaAdmin>>();

  constructor(
    private readonly prisma: PrismaClient,
    private readonly secretKey: SecretKey,
    private readonly clientId: string,
  ) {}

  /**
   * The cluster's admin client; with `avoidBrokers`, one that neither bootstraps from nor sends
   * requests to those brokers (a mitigation must not wait on the broker it mitigates).
   */
  forCluster(physicalClusterId: string, options: { avoidBrokers?: readonly number[] } = {}): Promise<KafkaAdmin> {
    const avoid = [...new Set(options.avoidBrokers ?? [])].sort((a, b) => a - b);
    const key = avoid.length === 0 ? physicalClusterId : `${physicalClusterId}|avoid:${avoid.join(',')}`;
    let admin = this.admins.get(key);
    if (!admin) {
      admin = this.build(physicalClusterId, avoid);
      this.admins.set(key, admin);
      admin.catch(() => this.admins.delete(key));
    }
    return admin;
  }

  /** A client for a cluster that is not registered yet (registration checks it first). */
  connect(connection: ClusterConnection): KafkaAdmin {
    return new KafkaAdmin(connectionConfig(connection, this.clientId));
  }

  async close(): Promise<void> {
    const admins = [...this.admins.values()];
    this.admins.clear();
    await Promise.all(admins.map(async (admin) => (await admin.catch(() => undefined))?.close()));
  }

  /** The admin connection of a registered cluster, for clients other than the admin (probes). */
  async connectionFor(physicalClusterId: string): Promise<KafkaConnectionConfig> {
    const row = await this.prisma.physicalCluster.findUnique({ where: { id: physicalClusterId } });
    if (!row) throw new TenancyError('kafka_cluster_not_found', `no physical cluster ${physicalClusterId}`);
    const adminSasl =
      row.adminSaslUsername !== null && row.adminSaslPasswordEncrypted !== null
        ? { username: row.adminSaslUsername, password: decryptSecret(row.adminSaslPasswordEncrypted, this.secretKey) }
        : null;
    return connectionConfig({ bootstrapServers: row.bootstrapServers, adminSasl }, this.clientId);
  }

  private async build(physicalClusterId: string, avoid: number[]): Promise<KafkaAdmin> {
    const connection = await this.connectionFor(physicalClusterId);
    if (avoid.length === 0) return new KafkaAdmin(connection);
    const others = await this.prisma.broker.findMany({ where: { clusterId: physicalClusterId, nodeId: { notIn: avoid } }, orderBy: { nodeId: 'asc' }, select: { host: true, port: true } });
    const bootstrapServers = others.length > 0 ? others.map((b) => `${b.host}:${b.port}`) : connection.bootstrapServers;
    return new KafkaAdmin({ ...connection, bootstrapServers, avoidBrokers: avoid });
  }
}
