// kafkajs is CommonJS; Node's ESM loader cannot see all of its named exports, so take them
// from the default export (a named import works under Vitest's transform but not in `node`).
import kafkajs, { type Admin as KafkaJsAdmin } from 'kafkajs';
import {
  Admin as PlatformaticAdmin,
  alterPartitionReassignmentsV0,
  listPartitionReassignmentsV0,
  alterUserScramCredentialsV0,
  metadataV12,
  ClientQuotaMatchTypes,
  ConfigResourceTypes,
  describeLogDirsV4,
  describeUserScramCredentialsV0,
  IncrementalAlterConfigOperationTypes,
  ScramMechanisms,
  type Connection,
} from '@platformatic/kafka';
import { kafkaJsOptions, platformaticOptions } from './client-options';
import * as electLeadersV2 from './elect-leaders-v2';
import { attempt, KafkaAdapterError } from './errors';
import { scramSha512Credential } from './scram';
import type {
  AclBinding,
  AclFilter,
  AclOperation,
  AclResourceType,
  ClusterDescription,
  ConfigChange,
  ConfigEntry,
  ConfigResource,
  ElectionResult,
  ElectionType,
  KafkaConnectionConfig,
  NewTopic,
  OngoingReassignment,
  PartitionLogDir,
  PartitionReassignment,
  QuotaChange,
  QuotaDescription,
  QuotaKey,
  ScramUser,
  TopicDescription,
} from './types';

const {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  ConfigResourceTypes: KafkaJsConfigResourceTypes,
  Kafka,
  ResourcePatternTypes: KafkaJsPatternTypes,
} = kafkajs;
type AclOperationTypes = kafkajs.AclOperationTypes;
type AclResourceTypes = kafkajs.AclResourceTypes;

type IncrementalAlterConfigsRequestConfig = Parameters<PlatformaticAdmin['incrementalAlterConfigs']>[0]['resources'][number]['configs'][number];

const RESOURCE_TYPES: Record<AclResourceType, AclResourceTypes> = {
  topic: AclResourceTypes.TOPIC,
  group: AclResourceTypes.GROUP,
  cluster: AclResourceTypes.CLUSTER,
  transactional_id: AclResourceTypes.TRANSACTIONAL_ID,
};
const OPERATIONS: Record<AclOperation, AclOperationTypes> = {
  all: AclOperationTypes.ALL,
  read: AclOperationTypes.READ,
  write: AclOperationTypes.WRITE,
  create: AclOperationTypes.CREATE,
  delete: AclOperationTypes.DELETE,
  alter: AclOperationTypes.ALTER,
  describe: AclOperationTypes.DESCRIBE,
  describe_configs: AclOperationTypes.DESCRIBE_CONFIGS,
  alter_configs: AclOperationTypes.ALTER_CONFIGS,
  idempotent_write: AclOperationTypes.IDEMPOTENT_WRITE,
};
const PATTERNS = {
  literal: KafkaJsPatternTypes.LITERAL,
  prefixed: KafkaJsPatternTypes.PREFIXED,
  any: KafkaJsPatternTypes.ANY,
  match: KafkaJsPatternTypes.MATCH,
} as const;

function invert<K extends string, V extends number>(map: Record<K, V>): Map<number, K> {
  return new Map(Object.entries(map).map(([k, v]) => [v as number, k as K]));
}
const RESOURCE_NAMES = invert(RESOURCE_TYPES);
const OPERATION_NAMES = invert(OPERATIONS);

/**
 * Everything the control plane does to a Kafka cluster, behind one interface. kafkajs
 * creates and deletes topics and manages ACLs; @platformatic/kafka covers what kafkajs
 * lacks (incremental configs, quotas, SCRAM users, log dirs, leader election) and whatever
 * must reach one chosen broker (metadata and reassignments, through `withAnyBroker`, which
 * skips `avoidBrokers`).
 */
export class KafkaAdmin {
  private readonly kafkajs: KafkaJsAdmin;
  private readonly platformatic: PlatformaticAdmin;
  private readonly avoid: ReadonlySet<number>;
  private connected: Promise<void> | undefined;

  constructor(config: KafkaConnectionConfig) {
    this.avoid = new Set(config.avoidBrokers ?? []);
    const tuning = { clientId: 'cellar-admin', requestTimeoutMs: 30_000, retries: 3 };
    this.kafkajs = new Kafka(kafkaJsOptions(config, tuning)).admin();
    this.platformatic = new PlatformaticAdmin(platformaticOptions(config, tuning));
  }

  private async ready(): Promise<void> {
    this.connected ??= attempt('connect', () => this.kafkajs.connect()).catch((error: unknown) => {
      this.connected = undefined;
      throw error;
    });
    return this.connected;
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.kafkajs.disconnect(), this.platformatic.close()]);
    this.connected = undefined;
  }

  /** Brokers with their racks (kafkajs does not report racks), the controller and cluster id. */
  async describeCluster(): Promise<ClusterDescription> {
    const metadata = await attempt('describe cluster', () => this.platformatic.metadata({ topics: [], forceUpdate: true }));
    return {
      clusterId: metadata.id,
      controllerId: metadata.controllerId,
      brokers: [...metadata.brokers.entries()]
        .map(([nodeId, b]) => ({ nodeId, host: b.host, port: b.port, rack: b.rack ?? null }))
        .sort((a, b) => a.nodeId - b.nodeId),
    };
  }

  /** Every topic's name, Kafka's internal ones included. */
  async listTopics(): Promise<string[]> {
    const metadata = await this.withAnyBroker('list topics', (connection) => metadataV12.api.async(connection, null, false, false));
    return metadata.topics.map((t) => t.name ?? '').filter((name) => name !== '').sort();
  }

  /**
   * Partitions with their leaders, replicas and ISR; an unknown name fails with `kafka_unknown_topic`.
   * Asked of one broker that is not to be avoided: kafkajs sends metadata requests to a random
   * broker of its pool, which may be the frozen one a mitigation works around.
   */
  async describeTopics(names: string[]): Promise<TopicDescription[]> {
    if (names.length === 0) return [];
    const metadata = await this.withAnyBroker('describe topics', (connection) => metadataV12.api.async(connection, names, false, false));
    return metadata.topics.map((t) => ({
      name: t.name ?? '',
      partitions: t.partitions
        .map((p) => ({ partition: p.partitionIndex, leader: p.leaderId, replicas: p.replicaNodes, isr: p.isrNodes, offlineReplicas: p.offlineReplicas }))
        .sort((a, b) => a.partition - b.partition),
    }));
  }

  /** Creates a topic with an explicit replica assignment (the first replica is the preferred leader). */
  async createTopic(topic: NewTopic): Promise<void> {
    await this.ready();
    if (topic.replicaAssignment.length === 0) throw new KafkaAdapterError('kafka_invalid_request', 'a topic needs at least one partition', false);
    const created = await attempt(`create topic ${topic.name}`, () =>
      this.kafkajs.createTopics({
        waitForLeaders: true,
        topics: [{
          topic: topic.name,
          replicaAssignment: topic.replicaAssignment.map((replicas, partition) => ({ partition, replicas })),
          configEntries: Object.entries(topic.configs ?? {}).map(([name, value]) => ({ name, value })),
        }],
      }),
    );
    if (!created) throw new KafkaAdapterError('kafka_topic_exists', `create topic ${topic.name}: it already exists`, false);
  }

  async deleteTopics(names: string[]): Promise<void> {
    if (names.length === 0) return;
    await this.ready();
    await attempt('delete topics', () => this.kafkajs.deleteTopics({ topics: names, timeout: 30_000 }));
  }

  /** Submits reassignments; a `replicas: null` entry cancels that partition's reassignment. */
  async alterPartitionReassignments(reassignments: PartitionReassignment[], timeoutMs = 30_000): Promise<void> {
    const moves = reassignments.filter((r): r is PartitionReassignment & { replicas: number[] } => r.replicas !== null);
    const cancels = reassignments.filter((r) => r.replicas === null);
    // Sent to any broker, which forwards it to the KRaft controller: kafkajs would send it to the
    // broker the metadata names as controller, a random live broker that may be the frozen one.
    if (moves.length > 0) {
      const topics = groupByTopic(moves).map(([name, parts]) => ({ name, partitions: parts.map((p) => ({ partitionIndex: p.partition, replicas: p.replicas })) }));
      await this.withAnyBroker('alter partition reassignments', (connection) => alterPartitionReassignmentsV0.api.async(connection, timeoutMs, false, topics));
    }
    if (cancels.length > 0) {
      // kafkajs refuses a null replica list, which is how the protocol spells "cancel".
      const topics = groupByTopic(cancels).map(([name, parts]) => ({
        name,
        partitions: parts.map((p) => ({ partitionIndex: p.partition, replicas: null as unknown as number[] })),
      }));
      await this.withAnyBroker('cancel partition reassignments', (connection) => alterPartitionReassignmentsV0.api.async(connection, timeoutMs, false, topics));
    }
  }

  async listPartitionReassignments(topics?: string[]): Promise<OngoingReassignment[]> {
    let filter: { topic: string; partitions: number[] }[] | undefined;
    if (topics && topics.length > 0) {
      filter = (await this.describeTopics(topics)).map((t) => ({ topic: t.name, partitions: t.partitions.map((p) => p.partition) }));
    }
    const result = await this.withAnyBroker('list partition reassignments', (connection) =>
      listPartitionReassignmentsV0.api.async(connection, 30_000, filter ? filter.map((t) => ({ name: t.topic, partitionIndexes: t.partitions })) : null),
    );
    return result.topics.flatMap((t) =>
      t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex, replicas: p.replicas, addingReplicas: p.addingReplicas, removingReplicas: p.removingReplicas })),
    );
  }

  /** Elects leaders (preferred: the first replica of each partition's list). Null partitions = all. */
  async electLeaders(type: ElectionType, partitions: { topic: string; partition: number }[] | null, timeoutMs = 30_000): Promise<ElectionResult[]> {
    const topicPartitions = partitions ? groupByTopic(partitions).map(([topic, parts]) => ({ topic, partitions: parts.map((p) => p.partition) })) : null;
    // In KRaft any broker accepts ElectLeaders and forwards it to the active controller.
    const response = await this.withAnyBroker('elect leaders', (connection) =>
      electLeadersV2.api.async(connection, type === 'preferred' ? 0 : 1, topicPartitions, timeoutMs),
    );
    return response.results.flatMap((t) =>
      t.partitions.map((p): ElectionResult => ({
        topic: t.topic,
        partition: p.partitionId,
        outcome: p.errorCode === 0 ? 'elected' : p.errorCode === 84 ? 'election_not_needed' : 'failed',
        ...(p.errorCode !== 0 && p.errorCode !== 84 ? { error: `${p.errorCode}: ${p.errorMessage ?? ''}` } : {}),
      })),
    );
  }

  async describeConfigs(resource: ConfigResource, names?: string[]): Promise<ConfigEntry[]> {
    await this.ready();
    const result = await attempt('describe configs', () =>
      this.kafkajs.describeConfigs({
        includeSynonyms: false,
        resources: [{
          type: resource.type === 'topic' ? KafkaJsConfigResourceTypes.TOPIC : KafkaJsConfigResourceTypes.BROKER,
          name: resource.type === 'topic' ? resource.name : resource.brokerId === 'default' ? '' : String(resource.brokerId),
          ...(names ? { configNames: names } : {}),
        }],
      }),
    );
    return (result.resources[0]?.configEntries ?? []).map((e) => ({
      name: e.configName,
      value: e.configValue ?? null,
      isDefault: e.isDefault,
      isSensitive: e.isSensitive,
    }));
  }

  /** IncrementalAlterConfigs: set and delete individual keys of broker or topic configs. */
  async incrementalAlterConfigs(changes: ConfigChange[]): Promise<void> {
    const resources = changes.map((change) => ({
      resourceType: change.resource.type === 'topic' ? ConfigResourceTypes.TOPIC : ConfigResourceTypes.BROKER,
      resourceName: change.resource.type === 'topic' ? change.resource.name : change.resource.brokerId === 'default' ? '' : String(change.resource.brokerId),
      configs: [
        ...Object.entries(change.set ?? {}).map(([name, value]): IncrementalAlterConfigsRequestConfig => ({ name, value, configOperation: IncrementalAlterConfigOperationTypes.SET })),
        ...(change.delete ?? []).map((name): IncrementalAlterConfigsRequestConfig => ({ name, configOperation: IncrementalAlterConfigOperationTypes.DELETE })),
      ],
    }));
    await attempt('incremental alter configs', () => this.platformatic.incrementalAlterConfigs({ resources }));
  }

  async describeClientQuotas(entity?: { user: string }): Promise<QuotaDescription[]> {
    const components = entity
      ? [{ entityType: 'user' as const, matchType: ClientQuotaMatchTypes.EXACT, match: entity.user }]
      : [{ entityType: 'user' as const, matchType: ClientQuotaMatchTypes.ANY }];
    const entries = await attempt('describe client quotas', () => this.platformatic.describeClientQuotas({ components, strict: false }));
    return entries.map((entry) => ({
      entity: { user: entry.entity.find((e) => e.entityType === 'user')?.entityName ?? null },
      values: Object.fromEntries(entry.values.map((v) => [v.key, v.value])) as Partial<Record<QuotaKey, number>>,
    }));
  }

  async alterClientQuotas(changes: QuotaChange[]): Promise<void> {
    const entries = changes.map((change) => ({
      entities: [{ entityType: 'user' as const, entityName: change.entity.user }],
      ops: [
        ...Object.entries(change.set ?? {}).map(([key, value]) => ({ key: key as QuotaKey, value: value as number, remove: false as const })),
        ...(change.remove ?? []).map((key) => ({ key, remove: true as const })),
      ],
    }));
    const results = await attempt('alter client quotas', () => this.platformatic.alterClientQuotas({ entries }));
    const failed = results.find((r) => r.errorCode !== 0);
    if (failed) throw new KafkaAdapterError('kafka_invalid_request', `alter client quotas: ${failed.errorMessage ?? failed.errorCode}`, false);
  }

  /** Creates or replaces a SCRAM-SHA-512 user (the password is salted and hashed here; Kafka never sees it). */
  async upsertScramUser(name: string, password: string, iterations = 8192): Promise<void> {
    const credential = scramSha512Credential(password, iterations);
    await this.withAnyBroker(`upsert SCRAM user ${name}`, (connection) =>
      alterUserScramCredentialsV0.api.async(connection, [], [{ name, mechanism: ScramMechanisms.SCRAM_SHA_512, ...credential }]),
    );
  }

  async deleteScramUser(name: string): Promise<void> {
    await this.withAnyBroker(`delete SCRAM user ${name}`, (connection) =>
      alterUserScramCredentialsV0.api.async(connection, [{ name, mechanism: ScramMechanisms.SCRAM_SHA_512 }], []),
    );
  }

  /** SCRAM users with their mechanisms; `names` narrows the answer (unknown names are left out). */
  async listScramUsers(names?: string[]): Promise<ScramUser[]> {
    const response = await this.withAnyBroker('describe SCRAM users', (connection) =>
      describeUserScramCredentialsV0.api.async(connection, names ? names.map((name) => ({ name })) : null),
    ).catch((error: unknown) => {
      // Asking for a user that does not exist is RESOURCE_NOT_FOUND for that user; treat it as absent.
      if (error instanceof KafkaAdapterError && error.code === 'kafka_resource_not_found') {
        const partial = (error.cause as { response?: { results?: unknown[] } })?.response;
        return partial as { results: { user: string; errorCode: number; credentialInfos: { mechanism: number; iterations: number }[] }[] };
      }
      throw error;
    });
    return (response?.results ?? [])
      .filter((r) => r.errorCode === 0)
      .map((r) => ({
        name: r.user,
        mechanisms: r.credentialInfos.map((c) => ({ mechanism: c.mechanism === ScramMechanisms.SCRAM_SHA_256 ? 'SCRAM-SHA-256' as const : 'SCRAM-SHA-512' as const, iterations: c.iterations })),
      }));
  }

  async createAcls(acls: AclBinding[]): Promise<void> {
    if (acls.length === 0) return;
    await this.ready();
    await attempt('create ACLs', () =>
      this.kafkajs.createAcls({
        acl: acls.map((acl) => ({
          resourceType: RESOURCE_TYPES[acl.resourceType],
          resourceName: acl.resourceName,
          resourcePatternType: PATTERNS[acl.patternType],
          principal: acl.principal,
          host: acl.host,
          operation: OPERATIONS[acl.operation],
          permissionType: acl.permission === 'allow' ? AclPermissionTypes.ALLOW : AclPermissionTypes.DENY,
        })),
      }),
    );
  }

  async describeAcls(filter: AclFilter = {}): Promise<AclBinding[]> {
    await this.ready();
    const result = await attempt('describe ACLs', () =>
      this.kafkajs.describeAcls(toKafkaJsAclFilter(filter)),
    );
    return result.resources.flatMap((resource) =>
      resource.acls.map((acl) => ({
        resourceType: RESOURCE_NAMES.get(resource.resourceType) ?? 'topic',
        resourceName: resource.resourceName,
        patternType: resource.resourcePatternType === KafkaJsPatternTypes.PREFIXED ? 'prefixed' as const : 'literal' as const,
        principal: acl.principal,
        host: acl.host,
        operation: OPERATION_NAMES.get(acl.operation) ?? 'all',
        permission: acl.permissionType === AclPermissionTypes.DENY ? 'deny' as const : 'allow' as const,
      })),
    );
  }

  /** Deletes every ACL matching the filter; returns how many went. */
  async deleteAcls(filter: AclFilter): Promise<number> {
    await this.ready();
    const result = await attempt('delete ACLs', () =>
      this.kafkajs.deleteAcls({
        filters: [toKafkaJsAclFilter(filter)],
      }),
    );
    return result.filterResponses.reduce((sum, r) => sum + r.matchingAcls.length, 0);
  }

  /** Partition sizes per broker and log dir (DescribeLogDirs on every broker). */
  async describeLogDirs(topics?: string[], brokerIds?: number[]): Promise<PartitionLogDir[]> {
    const request = topics
      ? (await this.describeTopics(topics)).map((t) => ({ name: t.name, partitions: t.partitions.map((p) => p.partition) }))
      : null;
    const connections = await attempt('connect to brokers', () => this.platformatic.connectToBrokers(brokerIds ?? null));
    const perBroker = await Promise.all(
      [...connections.entries()].map(async ([brokerId, connection]) => {
        const response = await attempt(`describe log dirs on broker ${brokerId}`, () => describeLogDirsV4.api.async(connection, request));
        return response.results.flatMap((dir) =>
          dir.topics.flatMap((t) =>
            t.partitions.map((p) => ({
              brokerId,
              logDir: dir.logDir,
              topic: t.name,
              partition: p.partitionIndex,
              sizeBytes: Number(p.partitionSize),
              offsetLag: Number(p.offsetLag),
              isFuture: p.isFutureKey,
            })),
          ),
        );
      }),
    );
    return perBroker.flat().sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition || a.brokerId - b.brokerId);
  }

  /** Cheap reachability check for readiness probes. */
  async ping(): Promise<void> {
    await this.describeCluster();
  }

  /**
   * Runs `call` on one broker: the first that connects, one at a time, skipping the brokers to
   * avoid. (Connecting to every broker at once, as the client would, waits on a frozen one.)
   * Only a failed connection moves on to the next broker; a failed request is not sent twice.
   */
  private async withAnyBroker<T>(action: string, call: (connection: Connection) => Promise<T>): Promise<T> {
    return attempt(action, async () => {
      const metadata = await this.platformatic.metadata({ topics: [] });
      let lastError: unknown = new KafkaAdapterError('kafka_unreachable', `${action}: no broker is reachable`, true);
      for (const nodeId of [...metadata.brokers.keys()].filter((id) => !this.avoid.has(id))) {
        let connection: Connection | undefined;
        try {
          connection = (await this.platformatic.connectToBrokers([nodeId])).get(nodeId);
        } catch (error) {
          lastError = error;
          continue;
        }
        if (connection) return call(connection);
      }
      throw lastError;
    });
  }
}

/** kafkajs' filter shape; unset fields match anything. Its typings demand every field, hence the cast. */
function toKafkaJsAclFilter(filter: AclFilter): never {
  return {
    resourceType: filter.resourceType ? RESOURCE_TYPES[filter.resourceType] : AclResourceTypes.ANY,
    resourceName: filter.resourceName,
    resourcePatternType: PATTERNS[filter.patternType ?? 'any'],
    principal: filter.principal,
    host: undefined,
    operation: filter.operation ? OPERATIONS[filter.operation] : AclOperationTypes.ANY,
    permissionType: AclPermissionTypes.ANY,
  } as never;
}

function groupByTopic<T extends { topic: string; partition: number }>(items: T[]): [string, T[]][] {
  const byTopic = new Map<string, T[]>();
  for (const item of items) {
    const list = byTopic.get(item.topic) ?? [];
    list.push(item);
    byTopic.set(item.topic, list);
  }
  return [...byTopic.entries()];
}
