/** How the control plane reaches one physical cluster: its SASL/SCRAM client listener. */
export interface KafkaConnectionConfig {
  bootstrapServers: string[];
  sasl: { mechanism: 'scram-sha-512'; username: string; password: string };
  /** Client id prefix seen in broker logs and quotas. */
  clientId?: string;
  connectTimeoutMs?: number;
  requestTimeoutMs?: number;
  /**
   * Node ids this client must not send requests to (a broker being mitigated may be frozen:
   * its port accepts a connection that then never answers). Leave them out of the bootstrap
   * servers too.
   */
  avoidBrokers?: number[];
}

export interface BrokerDescription {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

export interface ClusterDescription {
  clusterId: string;
  controllerId: number;
  brokers: BrokerDescription[];
}

export interface PartitionDescription {
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
  offlineReplicas: number[];
}

export interface TopicDescription {
  name: string;
  topicId?: string;
  partitions: PartitionDescription[];
}

export interface NewTopic {
  name: string;
  /** replicaAssignment[p] = broker ids for partition p; the first is the preferred leader. */
  replicaAssignment: number[][];
  configs?: Record<string, string>;
}

export interface PartitionReassignment {
  topic: string;
  partition: number;
  /** The target replica list; null cancels an in-flight reassignment. */
  replicas: number[] | null;
}

export interface OngoingReassignment {
  topic: string;
  partition: number;
  replicas: number[];
  addingReplicas: number[];
  removingReplicas: number[];
}

export type ElectionType = 'preferred' | 'unclean';

export interface ElectionResult {
  topic: string;
  partition: number;
  /** `elected`, or why not (`election_not_needed` means the preferred leader already leads). */
  outcome: 'elected' | 'election_not_needed' | 'failed';
  error?: string;
}

export type ConfigResource = { type: 'broker'; brokerId: number | 'default' } | { type: 'topic'; name: string };

export interface ConfigChange {
  resource: ConfigResource;
  set?: Record<string, string>;
  delete?: string[];
}

export interface ConfigEntry {
  name: string;
  value: string | null;
  isDefault: boolean;
  isSensitive: boolean;
}

export type QuotaKey = 'producer_byte_rate' | 'consumer_byte_rate' | 'request_percentage' | 'connection_creation_rate' | 'controller_mutation_rate';

export interface QuotaEntity {
  /** SCRAM user the quota applies to; `null` is the default for all users. */
  user: string | null;
}

export interface QuotaChange {
  entity: QuotaEntity;
  set?: Partial<Record<QuotaKey, number>>;
  remove?: QuotaKey[];
}

export interface QuotaDescription {
  entity: QuotaEntity;
  values: Partial<Record<QuotaKey, number>>;
}

export interface ScramUser {
  name: string;
  mechanisms: { mechanism: 'SCRAM-SHA-256' | 'SCRAM-SHA-512'; iterations: number }[];
}

export type AclResourceType = 'topic' | 'group' | 'cluster' | 'transactional_id';
export type AclPatternType = 'literal' | 'prefixed';
export type AclOperation = 'all' | 'read' | 'write' | 'create' | 'delete' | 'alter' | 'describe' | 'describe_configs' | 'alter_configs' | 'idempotent_write';

export interface AclBinding {
  resourceType: AclResourceType;
  resourceName: string;
  patternType: AclPatternType;
  /** `User:<name>` */
  principal: string;
  host: string;
  operation: AclOperation;
  permission: 'allow' | 'deny';
}

export interface AclFilter {
  resourceType?: AclResourceType;
  resourceName?: string;
  patternType?: AclPatternType | 'any' | 'match';
  principal?: string;
  operation?: AclOperation;
}

export interface PartitionLogDir {
  brokerId: number;
  logDir: string;
  topic: string;
  partition: number;
  sizeBytes: number;
  offsetLag: number;
  isFuture: boolean;
}

export interface ProducedRecord {
  topic: string;
  partition: number;
  offset: string;
}

export interface FetchedRecord {
  offset: string;
  key: string | null;
  value: string | null;
  timestamp: number;
}
