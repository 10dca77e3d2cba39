/**
 * Every adapter operation against the real 1+6 KRaft cluster, each result checked a
 * second way: Kafka's own command-line tools from the same jars (topics, configs, acls,
 * reassign, log-dirs, console-consumer) or a second client (kafkajs with the tenant's
 * own credentials, so the broker's authorizer decides).
 */
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaTool } from '@cellar/kafka-harness';
import { eventually, testStack, uniqueName } from '@cellar/test-support';
import { KafkaAdmin, KafkaPartitionClient, type KafkaConnectionConfig } from '../src';

const stack = testStack();
const cluster = stack.kafka;
const adminConfig: KafkaConnectionConfig = {
  bootstrapServers: cluster.bootstrapServers,
  sasl: { mechanism: 'scram-sha-512', username: cluster.admin.username, password: cluster.admin.password },
  clientId: 'adapter-int',
};
const racks = new Map(cluster.brokers.map((b) => [b.nodeId, b.rack]));

/** Partition lines of `kafka-topics --describe`: leader, replicas and ISR as Kafka reports them. */
async function describeWithKafkaTool(topic: string): Promise<{ partition: number; leader: number; replicas: number[]; isr: number[] }[]> {
  const out = await kafkaTool(cluster, 'topics', ['--describe', '--topic', topic]);
  return [...out.matchAll(/Partition: (\d+)\s+Leader: (-?\d+)\s+Replicas: ([\d,]+)\s+Isr: ([\d,]*)/g)].map((m) => ({
    partition: Number(m[1]),
    leader: Number(m[2]),
    replicas: m[3]!.split(',').map(Number),
    isr: m[4] ? m[4].split(',').map(Number) : [],
  }));
}

function tenantClient(username: string, password: string) {
  return new Kafka({
    clientId: `second-client-${username}`,
    brokers: cluster.bootstrapServers,
    sasl: { mechanism: 'scram-sha-512', username, password },
    logLevel: logLevel.NOTHING,
    retry: { retries: 2, initialRetryTime: 200 },
    connectionTimeout: 5_000,
  });
}

describe('KafkaAdmin against a real cluster', () => {
  const admin = new KafkaAdmin(adminConfig);
  const prefix = uniqueName('lkc-int');

  afterAll(async () => {
    await admin.close();
  });

  it('connects with SCRAM-SHA-512 and describes every broker with its rack', async () => {
    const description = await admin.describeCluster();
    expect(description.brokers.map((b) => [b.nodeId, b.rack])).toEqual([...racks.entries()]);
    expect(description.clusterId).toBe(cluster.clusterId);
    // Second path: the metadata quorum as Kafka's own tool sees it (same cluster id, all six brokers observing).
    const quorum = await kafkaTool(cluster, 'metadata-quorum', ['describe', '--status']);
    expect(quorum).toContain(`ClusterId:              ${cluster.clusterId}`);
    for (const broker of cluster.brokers) expect(quorum).toMatch(new RegExp(`"id": ${broker.nodeId}[,}]`));
  });

  it('refuses a wrong password with kafka_authentication_failed', async () => {
    const wrong = new KafkaAdmin({ ...adminConfig, sasl: { ...adminConfig.sasl, password: 'not-the-password' } });
    await expect(wrong.listTopics()).rejects.toMatchObject({ code: 'kafka_authentication_failed' });
    await wrong.close();
  });

  it('creates a topic with an explicit, rack-aware replica assignment', async () => {
    const topic = `${prefix}.orders`;
    const assignment = [[1, 3, 5], [3, 5, 1], [5, 1, 3]];
    await admin.createTopic({ name: topic, replicaAssignment: assignment, configs: { 'retention.ms': '3600000' } });
    const seen = await describeWithKafkaTool(topic);
    expect(seen.map((p) => p.replicas)).toEqual(assignment);
    for (const p of seen) expect(new Set(p.replicas.map((r) => racks.get(r))).size).toBe(3);
    expect((await admin.describeTopics([topic]))[0]!.partitions.map((p) => p.replicas)).toEqual(assignment);
    await expect(admin.createTopic({ name: topic, replicaAssignment: assignment })).rejects.toMatchObject({ code: 'kafka_topic_exists' });
  });

  it('alters topic and broker configs incrementally', async () => {
    const topic = `${prefix}.configs`;
    await admin.createTopic({ name: topic, replicaAssignment: [[2, 4, 6]] });
    await admin.incrementalAlterConfigs([
      { resource: { type: 'topic', name: topic }, set: { 'retention.ms': '7200000', 'max.message.bytes': '2097152' } },
      { resource: { type: 'broker', brokerId: 2 }, set: { 'leader.replication.throttled.rate': '10485760' } },
    ]);
    const topicConfigs = await kafkaTool(cluster, 'configs', ['--describe', '--entity-type', 'topics', '--entity-name', topic]);
    expect(topicConfigs).toContain('retention.ms=7200000');
    expect(topicConfigs).toContain('max.message.bytes=2097152');
    const brokerConfigs = await kafkaTool(cluster, 'configs', ['--describe', '--entity-type', 'brokers', '--entity-name', '2']);
    expect(brokerConfigs).toContain('leader.replication.throttled.rate=10485760');

    await admin.incrementalAlterConfigs([
      { resource: { type: 'topic', name: topic }, delete: ['max.message.bytes'] },
      { resource: { type: 'broker', brokerId: 2 }, delete: ['leader.replication.throttled.rate'] },
    ]);
    const after = await kafkaTool(cluster, 'configs', ['--describe', '--entity-type', 'topics', '--entity-name', topic]);
    expect(after).not.toContain('max.message.bytes=');
    expect(after).toContain('retention.ms=7200000');
    const entries = await admin.describeConfigs({ type: 'topic', name: topic }, ['retention.ms']);
    expect(entries).toEqual([expect.objectContaining({ name: 'retention.ms', value: '7200000', isDefault: false })]);
    expect(await kafkaTool(cluster, 'configs', ['--describe', '--entity-type', 'brokers', '--entity-name', '2'])).not.toContain('leader.replication.throttled.rate=');
  });

  it('reassigns partitions, lists the in-flight reassignment, cancels it and elects the preferred leader', async () => {
    const topic = `${prefix}.moves`;
    await admin.createTopic({ name: topic, replicaAssignment: [[1, 3, 5], [1, 3, 5]] });
    // 4 MB of data plus a 1 KiB/s throttle keeps the move to broker 2 in flight long enough to
    // observe (the first replica fetch may take up to replica.fetch.max.bytes = 1 MiB before the
    // throttle bites).
    const producer = tenantClient(cluster.admin.username, cluster.admin.password).producer();
    await producer.connect();
    const value = 'x'.repeat(10_000);
    for (let batch = 0; batch < 8; batch++) {
      await producer.send({ topic, acks: -1, messages: Array.from({ length: 50 }, () => ({ partition: 0, value })) });
    }
    await producer.disconnect();
    await admin.incrementalAlterConfigs([
      ...cluster.brokers.map((b) => ({ resource: { type: 'broker' as const, brokerId: b.nodeId }, set: { 'leader.replication.throttled.rate': '1024', 'follower.replication.throttled.rate': '1024' } })),
      { resource: { type: 'topic', name: topic }, set: { 'leader.replication.throttled.replicas': '*', 'follower.replication.throttled.replicas': '*' } },
    ]);

    await admin.alterPartitionReassignments([{ topic, partition: 0, replicas: [1, 3, 5, 2] }]);
    const ongoing = await admin.listPartitionReassignments([topic]);
    expect(ongoing).toEqual([expect.objectContaining({ topic, partition: 0, addingReplicas: [2] })]);
    expect(await kafkaTool(cluster, 'reassign', ['--list'])).toMatch(new RegExp(`${topic.replace(/\./g, '\\.')}-0: replicas: 1,3,5,2\\. adding: 2\\.`));

    await admin.alterPartitionReassignments([{ topic, partition: 0, replicas: null }]);
    expect(await admin.listPartitionReassignments([topic])).toEqual([]);
    expect(await kafkaTool(cluster, 'reassign', ['--list'])).not.toContain(`${topic}-0`);
    expect((await describeWithKafkaTool(topic))[0]!.replicas).toEqual([1, 3, 5]);

    await admin.incrementalAlterConfigs([
      ...cluster.brokers.map((b) => ({ resource: { type: 'broker' as const, brokerId: b.nodeId }, delete: ['leader.replication.throttled.rate', 'follower.replication.throttled.rate'] })),
      { resource: { type: 'topic', name: topic }, delete: ['leader.replication.throttled.replicas', 'follower.replication.throttled.replicas'] },
    ]);

    // Leadership move: reorder replicas (same set, completes at once), then elect the preferred leader.
    await admin.alterPartitionReassignments([{ topic, partition: 1, replicas: [3, 1, 5] }]);
    await eventually(async () => ((await admin.listPartitionReassignments([topic])).length === 0 ? true : undefined), { what: 'reorder to finish' });
    const results = await admin.electLeaders('preferred', [{ topic, partition: 1 }]);
    expect(results).toEqual([{ topic, partition: 1, outcome: 'elected' }]);
    const seen = await describeWithKafkaTool(topic);
    expect(seen[1]).toMatchObject({ leader: 3, replicas: [3, 1, 5] });
    expect(await admin.electLeaders('preferred', [{ topic, partition: 1 }])).toEqual([{ topic, partition: 1, outcome: 'election_not_needed' }]);
  });

  it('creates, lists and deletes SCRAM users that really authenticate', async () => {
    const user = uniqueName('int-user');
    const password = 'pw-' + uniqueName('secret');
    await admin.upsertScramUser(user, password);
    // The controller commits the credential; the broker that answers the describe learns of it from the metadata log a moment later.
    const listed = await eventually(async () => {
      const users = await admin.listScramUsers([user]);
      return users.length > 0 ? users : undefined;
    }, { what: 'the new credential to propagate' });
    expect(listed).toEqual([{ name: user, mechanisms: [{ mechanism: 'SCRAM-SHA-512', iterations: 8192 }] }]);
    expect((await admin.listScramUsers()).map((u) => u.name)).toContain(user);
    expect(await kafkaTool(cluster, 'configs', ['--describe', '--entity-type', 'users', '--entity-name', user])).toContain('SCRAM-SHA-512=iterations=8192');
    // Second client: the broker accepts the new credential.
    const client = tenantClient(user, password).admin();
    await client.connect();
    await client.disconnect();

    await admin.deleteScramUser(user);
    // Brokers learn of the deletion from the metadata log a moment later.
    await eventually(async () => ((await admin.listScramUsers([user])).length === 0 ? true : undefined), { what: 'the deletion to propagate' });
    expect(await kafkaTool(cluster, 'configs', ['--describe', '--entity-type', 'users', '--entity-name', user])).not.toContain('SCRAM-SHA-512');
    const refused = tenantClient(user, password).admin();
    await expect(refused.connect()).rejects.toThrow(/SASL|authenticat/i);
  });

  it('sets and describes per-user client quotas', async () => {
    const user = uniqueName('quota-user');
    await admin.alterClientQuotas([{ entity: { user }, set: { producer_byte_rate: 1_048_576, consumer_byte_rate: 3_145_728, request_percentage: 25 } }]);
    // Brokers answer DescribeClientQuotas from their metadata cache, which follows the controller.
    const described = await eventually(async () => {
      const quotas = await admin.describeClientQuotas({ user });
      return quotas.length > 0 ? quotas : undefined;
    }, { what: 'the quota to propagate' });
    expect(described).toEqual([
      { entity: { user }, values: { producer_byte_rate: 1_048_576, consumer_byte_rate: 3_145_728, request_percentage: 25 } },
    ]);
    const seen = await kafkaTool(cluster, 'configs', ['--describe', '--entity-type', 'users', '--entity-name', user]);
    expect(seen).toMatch(/producer_byte_rate=1048576(\.0)?/);
    expect(seen).toMatch(/consumer_byte_rate=3145728(\.0)?/);
    await admin.alterClientQuotas([{ entity: { user }, remove: ['producer_byte_rate', 'consumer_byte_rate', 'request_percentage'] }]);
    await eventually(async () => ((await admin.describeClientQuotas({ user })).length === 0 ? true : undefined), { what: 'the removal to propagate' });
  });

  it('creates, describes and deletes PREFIXED ACLs, and the broker enforces them', async () => {
    const user = uniqueName('acl-user');
    const password = 'pw-' + uniqueName('secret');
    const tenantPrefix = `${uniqueName('lkc')}.`;
    await admin.upsertScramUser(user, password);
    await admin.createTopic({ name: `${tenantPrefix}events`, replicaAssignment: [[2, 4, 6]] });
    const outside = `${uniqueName('other')}.events`;
    await admin.createTopic({ name: outside, replicaAssignment: [[2, 4, 6]] });
    await admin.createAcls(
      (['write', 'read', 'describe'] as const).map((operation) => ({
        resourceType: 'topic' as const, resourceName: tenantPrefix, patternType: 'prefixed' as const, principal: `User:${user}`, host: '*', operation, permission: 'allow' as const,
      })),
    );
    const listed = await eventually(async () => {
      const acls = await admin.describeAcls({ principal: `User:${user}` });
      return acls.length === 3 ? acls : undefined;
    }, { what: 'the ACLs to propagate' });
    expect(listed.every((acl) => acl.patternType === 'prefixed' && acl.resourceName === tenantPrefix)).toBe(true);
    const seen = await kafkaTool(cluster, 'acls', ['--list', '--principal', `User:${user}`]);
    expect(seen).toContain(`name=${tenantPrefix}, patternType=PREFIXED`);
    expect(seen).toMatch(/operation=WRITE, permissionType=ALLOW/);

    const producer = tenantClient(user, password).producer();
    await producer.connect();
    await eventually(() => producer.send({ topic: `${tenantPrefix}events`, acks: -1, messages: [{ value: 'allowed' }] }).then(() => true), { what: 'ACLs to propagate' });
    await expect(producer.send({ topic: outside, acks: -1, messages: [{ value: 'denied' }] })).rejects.toThrow(/authoriz/i);
    await producer.disconnect();

    expect(await admin.deleteAcls({ principal: `User:${user}`, resourceType: 'topic', resourceName: tenantPrefix, patternType: 'prefixed' })).toBe(3);
    await eventually(async () => ((await admin.describeAcls({ principal: `User:${user}` })).length === 0 ? true : undefined), { what: 'the deletion to propagate' });
    expect(await kafkaTool(cluster, 'acls', ['--list', '--principal', `User:${user}`])).not.toContain(tenantPrefix);
    await admin.deleteScramUser(user);
  });

  it('describes log dirs with partition sizes', async () => {
    const topic = `${prefix}.sizes`;
    await admin.createTopic({ name: topic, replicaAssignment: [[1, 4, 5]] });
    const client = new KafkaPartitionClient(adminConfig);
    for (let i = 0; i < 20; i++) await client.produce(topic, 0, 'y'.repeat(5_000));
    await client.close();
    const sizes = await eventually(async () => {
      const dirs = await admin.describeLogDirs([topic]);
      return dirs.length === 3 && dirs.every((d) => d.sizeBytes > 100_000) ? dirs : undefined;
    }, { what: 'replicas to catch up' });
    expect(sizes.map((d) => d.brokerId).sort()).toEqual([1, 4, 5]);

    const out = await kafkaTool(cluster, 'log-dirs', ['--describe', '--topic-list', topic]);
    const json = JSON.parse(out.trim().split('\n').pop()!) as { brokers: { broker: number; logDirs: { partitions: { partition: string; size: number }[] }[] }[] };
    const byBroker = new Map(json.brokers.flatMap((b) => b.logDirs.flatMap((d) => d.partitions.map((p) => [b.broker, p.size] as const))));
    for (const dir of sizes) expect(byBroker.get(dir.brokerId)).toBe(dir.sizeBytes);
  });

  it('normalises errors to stable codes', async () => {
    await expect(admin.describeTopics([`${prefix}.missing`])).rejects.toMatchObject({ code: 'kafka_unknown_topic' });
    await expect(admin.deleteScramUser(uniqueName('nobody'))).rejects.toMatchObject({ code: 'kafka_resource_not_found' });
  });

  // Regression: a mitigation of a frozen broker waited on that broker (its port accepts, then nothing answers).
  it('works around a frozen broker it is told to avoid: no bootstrap from it, no request to it', async () => {
    const frozen = cluster.brokers.find((b) => b.nodeId === 6)!;
    const topic = `${prefix}.avoid`;
    await admin.createTopic({ name: topic, replicaAssignment: [[1, 3, 5], [2, 4, 6]] });
    const avoiding = new KafkaAdmin({
      ...adminConfig,
      clientId: 'adapter-int-avoid',
      bootstrapServers: cluster.brokers.filter((b) => b.nodeId !== 6).map((b) => `${b.host}:${b.port}`),
      avoidBrokers: [6],
    });
    // Frozen for less than the session timeout: still registered, as in the first seconds of a real freeze.
    process.kill(frozen.pid, 'SIGSTOP');
    try {
      const [description, names, topics, elections, users] = await Promise.all([
        avoiding.describeCluster(),
        avoiding.listTopics(),
        avoiding.describeTopics([topic]),
        avoiding.electLeaders('preferred', [{ topic, partition: 0 }]),
        avoiding.listScramUsers([cluster.admin.username]),
      ]);
      expect(description.brokers.map((b) => b.nodeId)).toContain(6);
      expect(names).toContain(topic);
      expect(topics[0]!.partitions.map((p) => p.replicas)).toEqual([[1, 3, 5], [2, 4, 6]]);
      expect(elections).toEqual([{ topic, partition: 0, outcome: 'election_not_needed' }]);
      expect(users.map((u) => u.name)).toEqual([cluster.admin.username]);
    } finally {
      process.kill(frozen.pid, 'SIGCONT');
      await avoiding.close();
    }
    await admin.deleteTopics([topic]);
  });
});

describe('KafkaPartitionClient against a real cluster', () => {
  const admin = new KafkaAdmin(adminConfig);
  const client = new KafkaPartitionClient(adminConfig);
  const topic = `${uniqueName('probe')}.canary`;

  beforeAll(async () => {
    await admin.createTopic({ name: topic, replicaAssignment: cluster.brokers.map((b, i) => [b.nodeId, cluster.brokers[(i + 2) % 6]!.nodeId]) });
  });
  afterAll(async () => {
    await client.close();
    await admin.close();
  });

  it('produces to and fetches from one chosen partition, led by each broker in turn', async () => {
    for (const [partition, broker] of cluster.brokers.entries()) {
      const produced = await client.produce(topic, partition, `canary-${broker.nodeId}`, 'k');
      const fetched = await client.fetch(topic, partition, produced.offset);
      expect(fetched[0]).toMatchObject({ offset: produced.offset, value: `canary-${broker.nodeId}`, key: 'k' });
    }
    // Second path: Kafka's console consumer reads the same record from partition 3.
    const out = await kafkaTool(cluster, 'console-consumer', ['--topic', topic, '--partition', '3', '--offset', '0', '--max-messages', '1', '--timeout-ms', '30000']);
    expect(out.trim()).toBe('canary-4');
    const offsets = await kafkaTool(cluster, 'get-offsets', ['--topic', topic]);
    for (const partition of cluster.brokers.keys()) expect(offsets).toContain(`${topic}:${partition}:1`);
  });
});
