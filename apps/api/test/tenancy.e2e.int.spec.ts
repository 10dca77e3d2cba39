import { limitsFor } from '@cellar/ckus';
import { kafkaTool } from '@cellar/kafka-harness';
import { keyQuotas } from '@cellar/tenancy';
import { eventually, testStack, uniqueName } from '@cellar/test-support';
import type { Kafka, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, ensureTestCluster, type TestTenant } from './support/fleet';
import { secondClient } from './support/kafka-client';
import { expectStatus as expectStatusOf, request, type Headers, type Json, type Method } from './support/http';
import { buildStackApp, TEST_CKU_PROFILE } from './support/stack-app';
import { startTenancyWorker, type TenancyWorkerProcess } from './support/worker';

/**
 * The "done when", end to end: a tenant drives everything over REST, kafkajs is the
 * tenant's independent Kafka client, and Kafka's own tools (kafka-topics, kafka-configs,
 * kafka-acls) are the operator's view of what Cellar did on the cluster.
 */

type Stack = Awaited<ReturnType<typeof buildStackApp>>;

const kafka = () => testStack().kafka;
const REGION = 'local';

let stack: Stack;
let worker: TenancyWorkerProcess;
let tenantA: TestTenant;
let tenantB: TestTenant;
let cellBrokerIds: number[];
let regularCellId: string;
/** Tenant A's logical cluster. */
let lkc: string;
let prefix: string;
let key: string;
let secret: string;
let lkcB: string | undefined;
let keyB: { key: string; secret: string };

const call = (method: Method, url: string, headers: Headers, body?: unknown) => request(stack.app, method, url, headers, body);

const expectStatus = (status: number, method: Method, url: string, headers: Headers, body?: unknown) => expectStatusOf(stack.app, status, method, url, headers, body);

async function waitForStatus(id: string, auth: Headers, status: string): Promise<Json> {
  return eventually(
    async () => {
      const view = await expectStatus(200, 'GET', `/v1/logical-clusters/${id}`, auth);
      if (view['status'] === 'FAILED') throw new Error(`${id} FAILED: ${String(view['failureReason'])}`);
      return view['status'] === status ? view : undefined;
    },
    { timeoutMs: 120_000, intervalMs: 500, what: `${id} to be ${status}` },
  );
}

function tenantKafka(username: string, password: string, clientId = 'e2e'): Kafka {
  return secondClient(clientId, { username, password }, { retry: { retries: 3, initialRetryTime: 200 } });
}

/** The Kafka protocol error names (`type`) along a kafkajs error and what it wraps. */
function protocolErrorTypes(error: unknown): string[] {
  const types: string[] = [];
  for (let e = error as { type?: string; cause?: unknown; originalError?: unknown } | undefined, depth = 0; e && depth < 5; depth++) {
    if (typeof e.type === 'string') types.push(e.type);
    e = (e.originalError ?? e.cause) as typeof e;
  }
  return types;
}

/** kafka-topics --describe (of one topic, or of all), parsed; a leader of `none` reads as -1. */
async function describeTopic(topic?: string) {
  const out = await kafkaTool(kafka(), 'topics', ['--describe', ...(topic ? ['--topic', topic] : [])]);
  return [...out.matchAll(/Partition: (\d+)\s+Leader: (\S+)\s+Replicas: ([\d,]+)/g)].map((m) => ({
    partition: Number(m[1]),
    leader: m[2] === 'none' ? -1 : Number(m[2]),
    replicas: (m[3] as string).split(',').map(Number),
  }));
}

/** Partitions whose preferred leader (first replica) is each of the given brokers, over every topic, as kafka-topics describes them. */
async function preferredLeaders(brokers: readonly number[]): Promise<Map<number, number>> {
  const counts = new Map(brokers.map((b) => [b, 0]));
  for (const { replicas } of await describeTopic()) {
    const first = replicas[0] as number;
    if (counts.has(first)) counts.set(first, (counts.get(first) as number) + 1);
  }
  return counts;
}

/** The quota line of kafka-configs --describe --entity-type users --entity-name <user>, as numbers. */
async function userQuotas(user: string): Promise<Record<string, number>> {
  const out = await kafkaTool(kafka(), 'configs', ['--describe', '--entity-type', 'users', '--entity-name', user]);
  const line = out.split('\n').find((l) => l.startsWith('Quota configs')) ?? '';
  return Object.fromEntries([...line.matchAll(/(\w+)=([\d.]+)/g)].map((m) => [m[1], Number(m[2])]));
}

/**
 * Kafka measures a quota over `quota.window.num` (11) samples of `quota.window.size.seconds`
 * (1 s). A client that always has data waiting gets the whole window's allowance at once and
 * is then throttled to a trickle until that burst ages out of the window, so its per-second
 * rate swings between tens of MB/s and nothing, and only whole windows compare with the quota.
 */
const QUOTA_WINDOW_MS = 11_000;

/**
 * Producer throughput to one partition with the producer kept busy: the bytes acknowledged
 * during `windows` whole quota windows from the first send, per second; and the bytes per
 * second of each second, for the log.
 */
async function measureProduceRate(producer: Producer, topic: string, windows: number) {
  const value = Buffer.alloc(8 * 1024, 'x');
  const batch = Array.from({ length: 8 }, () => ({ value }));
  const batchBytes = batch.length * value.length;
  const acks: number[] = [];
  const durationMs = windows * QUOTA_WINDOW_MS;
  const start = Date.now();
  // Three senders keep requests queued at the leader, so the broker's throttle, not the client, sets the pace.
  await Promise.all(
    [0, 1, 2].map(async () => {
      while (Date.now() < start + durationMs) {
        await producer.send({ topic, acks: 1, messages: batch });
        acks.push(Date.now() - start);
      }
    }),
  );
  const counted = acks.filter((at) => at < durationMs);
  const perSecond = Array.from({ length: durationMs / 1000 }, (_, second) => counted.filter((at) => Math.floor(at / 1000) === second).length * batchBytes);
  return { bytesPerSecond: (counted.length * batchBytes) / (durationMs / 1000), seconds: durationMs / 1000, perSecond };
}

beforeAll(async () => {
  const redisPrefix = `${testStack().redisPrefix}:${uniqueName('e2e')}`;
  stack = await buildStackApp({ redisPrefix });
  worker = startTenancyWorker(redisPrefix);
  const cluster = await ensureTestCluster(stack.app);
  const regular = cluster.cells.find((c) => !c.quarantine);
  if (!regular) throw new Error('the test cluster has no regular cell');
  cellBrokerIds = regular.brokerIds;
  regularCellId = regular.id;
  tenantA = await createTenant(stack.app);
  tenantB = await createTenant(stack.app);
});

afterAll(async () => {
  // Tenant B's cluster goes too, so the cell's CKUs are free for the next spec file.
  if (lkcB) {
    await call('DELETE', `/v1/logical-clusters/${lkcB}`, tenantB.auth);
    await eventually(async () => ((await call('GET', `/v1/logical-clusters/${lkcB}`, tenantB.auth)).status === 404 ? true : undefined), {
      timeoutMs: 120_000,
      what: `${lkcB} deleted`,
    }).catch(() => undefined);
  }
  await worker?.stop();
  await stack?.close();
});

describe('a tenant on the real Kafka, checked with Kafka’s own tools', () => {
  it('creates a 2-CKU logical cluster that becomes READY in a regular cell', async () => {
    const created = await expectStatus(202, 'POST', '/v1/logical-clusters', tenantA.auth, { name: 'payments', ckus: 2, region: REGION });
    expect(created).toMatchObject({ status: 'PROVISIONING', ckus: 2, region: REGION, tenantId: tenantA.id, quarantined: false });
    lkc = String(created['id']);
    prefix = String(created['topicPrefix']);
    expect(prefix).toBe(`${lkc}.`);
    // ensureTestCluster lays out one regular cell and the quarantine cell: placement never uses the latter.
    expect(created['cellId']).toBe(regularCellId);

    const ready = await waitForStatus(lkc, tenantA.auth, 'READY');
    expect(ready).toMatchObject({ bootstrapServers: kafka().bootstrapServers, limits: limitsFor(TEST_CKU_PROFILE, 2) });
    // The other tenant cannot see it: 404, as if it did not exist.
    await expectStatus(404, 'GET', `/v1/logical-clusters/${lkc}`, tenantB.auth);
  });

  it('creates a 6-partition RF 3 topic with every replica in the tenant’s cell, one per rack', async () => {
    const before = await preferredLeaders(cellBrokerIds);
    const topic = await expectStatus(201, 'POST', `/v1/logical-clusters/${lkc}/topics`, tenantA.auth, { name: 'orders', partitions: 6, replicationFactor: 3 });
    expect(topic).toMatchObject({ name: 'orders', fullName: `${prefix}orders`, partitions: 6, replicationFactor: 3, status: 'READY' });
    expect(topic['configs']).toEqual({ 'min.insync.replicas': '2' });

    const rackOf = new Map(kafka().brokers.map((b) => [b.nodeId, b.rack]));
    const partitions = await describeTopic(`${prefix}orders`);
    expect(partitions).toHaveLength(6);
    for (const p of partitions) {
      expect(p.replicas).toHaveLength(3);
      for (const replica of p.replicas) expect(cellBrokerIds).toContain(replica);
      expect(new Set(p.replicas.map((r) => rackOf.get(r))).size).toBe(3);
    }
    expect(partitions.map((p) => p.replicas)).toEqual(topic['assignment']);
    // Leaders fill the cell's least-led brokers first (other spec files' topics share the cell,
    // so the counts before are not even): every broker that got one of the six ends at most one
    // above the least-led broker of the cell.
    const after = await preferredLeaders(cellBrokerIds);
    const least = Math.min(...after.values());
    expect(cellBrokerIds.reduce((sum, b) => sum + (after.get(b) ?? 0) - (before.get(b) ?? 0), 0)).toBe(6);
    for (const broker of new Set(partitions.map((p) => p.replicas[0] as number))) expect(after.get(broker)).toBeLessThanOrEqual(least + 1);
    expect(await kafkaTool(kafka(), 'configs', ['--describe', '--entity-type', 'topics', '--entity-name', `${prefix}orders`])).toContain('min.insync.replicas=2');
  });

  it('creates an API key that produces and consumes with kafkajs', async () => {
    const created = await expectStatus(201, 'POST', `/v1/logical-clusters/${lkc}/api-keys`, tenantA.auth, { description: 'e2e' });
    expect(created).toMatchObject({ logicalClusterId: lkc, saslMechanism: 'SCRAM-SHA-512', bootstrapServers: kafka().bootstrapServers });
    key = String(created['key']);
    secret = String(created['secret']);
    const listed = await expectStatus(200, 'GET', `/v1/logical-clusters/${lkc}/api-keys`, tenantA.auth);
    expect(listed).toEqual({ items: [expect.objectContaining({ key, status: 'ACTIVE', description: 'e2e' })] });
    expect(JSON.stringify(listed)).not.toContain(secret);

    const client = tenantKafka(key, secret);
    const producer = client.producer();
    // SCRAM credentials and ACLs reach every broker a moment after the controller took them.
    await eventually(() => producer.connect().then(() => true), { what: 'the SCRAM credential to propagate' });
    const messages = Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: `order ${i}` }));
    await eventually(() => producer.send({ topic: `${prefix}orders`, acks: -1, messages }).then(() => true), { what: 'ACLs to propagate' });
    await producer.disconnect();

    const consumer = client.consumer({ groupId: `${prefix}e2e-readers` });
    await consumer.connect();
    await consumer.subscribe({ topic: `${prefix}orders`, fromBeginning: true });
    const seen: string[] = [];
    await consumer.run({
      eachMessage: async ({ message }) => {
        seen.push(message.value?.toString() ?? '');
      },
    });
    await eventually(async () => (seen.length >= 20 ? true : undefined), { timeoutMs: 60_000, what: 'the 20 records to be consumed' });
    await consumer.disconnect();
    expect(seen.sort()).toEqual(messages.map((m) => m.value).sort());
  });

  it('sets the CKU arithmetic as the key’s per-broker quotas and grants ACLs on the prefix only', async () => {
    // 2 CKUs x 1 MB/s in = 2,000,000 B/s over the cell's 3 brokers = 666,666 per broker; out 2 MB/s per CKU.
    const expected = keyQuotas(limitsFor(TEST_CKU_PROFILE, 2), 3, 1);
    expect(expected.producer_byte_rate).toBe(666_666);
    expect(expected.consumer_byte_rate).toBe(1_333_333);
    expect(await userQuotas(key)).toEqual(expected);
    expect(await userQuotas(lkc)).toEqual(expected);

    const acls = await kafkaTool(kafka(), 'acls', ['--list', '--principal', `User:${key}`]);
    const resources = [...acls.matchAll(/ResourcePattern\(resourceType=(\w+), name=([^,]+), patternType=(\w+)\)/g)].map((m) => ({ type: m[1], name: m[2], pattern: m[3] }));
    expect(resources.map((r) => r.type).sort()).toEqual(['GROUP', 'TOPIC', 'TRANSACTIONAL_ID']);
    for (const resource of resources) expect(resource).toMatchObject({ name: prefix, pattern: 'PREFIXED' });
    // Topics are created and deleted through the API only: no CREATE, DELETE or ALTER on them.
    const topicSection = acls.split('Current ACLs for resource').find((s) => s.includes('resourceType=TOPIC')) ?? '';
    expect([...topicSection.matchAll(/operation=(\w+)/g)].map((m) => m[1]).sort()).toEqual(['DESCRIBE', 'DESCRIBE_CONFIGS', 'READ', 'WRITE']);
  });

  it('denies a second tenant’s key on the first tenant’s topic at the broker', async () => {
    const created = await expectStatus(202, 'POST', '/v1/logical-clusters', tenantB.auth, { name: 'payments', ckus: 1, region: REGION });
    lkcB = String(created['id']);
    await waitForStatus(lkcB, tenantB.auth, 'READY');
    const other = await expectStatus(201, 'POST', `/v1/logical-clusters/${lkcB}/api-keys`, tenantB.auth);
    keyB = { key: String(other['key']), secret: String(other['secret']) };
    // Tenant B cannot reach A's resources over REST either.
    await expectStatus(404, 'POST', `/v1/logical-clusters/${lkc}/topics`, tenantB.auth, { name: 'sneaky', partitions: 1 });
    await expectStatus(404, 'DELETE', `/v1/logical-clusters/${lkc}/api-keys/${key}`, tenantB.auth);

    const producer = tenantKafka(keyB.key, keyB.secret).producer();
    await eventually(() => producer.connect().then(() => true), { what: 'B’s SCRAM credential to propagate' });
    try {
      const error = await producer.send({ topic: `${prefix}orders`, acks: -1, messages: [{ value: 'not yours' }] }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(protocolErrorTypes(error)).toContain('TOPIC_AUTHORIZATION_FAILED');
    } finally {
      await producer.disconnect();
    }
  });

  it('throttles producing above the ingress limit at the broker (within ±20% of the per-broker quota)', async () => {
    await expectStatus(201, 'POST', `/v1/logical-clusters/${lkc}/topics`, tenantA.auth, { name: 'firehose', partitions: 1, replicationFactor: 3 });
    const producer = tenantKafka(key, secret, 'e2e-firehose').producer({ allowAutoTopicCreation: false });
    await producer.connect();
    try {
      // One partition is led by one broker, and Kafka enforces producer_byte_rate per broker.
      const quota = keyQuotas(limitsFor(TEST_CKU_PROFILE, 2), 3, 1).producer_byte_rate;
      const measured = await measureProduceRate(producer, `${prefix}firehose`, 2);
      const ratio = measured.bytesPerSecond / quota;
      console.info(
        `[e2e throttle] measured ${Math.round(measured.bytesPerSecond)} B/s over ${measured.seconds} s (two quota windows) against producer_byte_rate ${quota} B/s ` +
          `per broker: ${(ratio * 100).toFixed(1)}%; kB per second: ${measured.perSecond.map((b) => Math.round(b / 1000)).join(' ')}`,
      );
      expect(ratio).toBeGreaterThan(0.8);
      expect(ratio).toBeLessThan(1.2);
      // The client could go far faster (its unthrottled burst): the broker set the pace.
      expect(Math.max(...measured.perSecond)).toBeGreaterThan(2 * quota);
    } finally {
      await producer.disconnect();
    }
  });

  it('resizes 2 → 4 CKUs and the quotas double; refuses to shrink below the partitions in use', async () => {
    const resizing = await expectStatus(202, 'PATCH', `/v1/logical-clusters/${lkc}`, tenantA.auth, { ckus: 4 });
    expect(resizing).toMatchObject({ status: 'UPDATING', ckus: 4 });
    await waitForStatus(lkc, tenantA.auth, 'READY');
    const doubled = keyQuotas(limitsFor(TEST_CKU_PROFILE, 4), 3, 1);
    expect(doubled.producer_byte_rate).toBe(1_333_333);
    await eventually(async () => ((await userQuotas(key))['producer_byte_rate'] === doubled.producer_byte_rate ? true : undefined), { what: 'the resized quotas' });
    expect(await userQuotas(key)).toEqual(doubled);
    expect(await userQuotas(lkc)).toEqual(doubled);

    // 6 + 1 + 10 = 17 partitions; 1 CKU allows 12.
    await expectStatus(201, 'POST', `/v1/logical-clusters/${lkc}/topics`, tenantA.auth, { name: 'bulk', partitions: 10 });
    const refused = await expectStatus(409, 'PATCH', `/v1/logical-clusters/${lkc}`, tenantA.auth, { ckus: 1 });
    expect(refused).toMatchObject({ code: 'resize_below_usage', details: { usage: 17, limit: 12 } });
    expect((await expectStatus(200, 'GET', `/v1/logical-clusters/${lkc}`, tenantA.auth))['ckus']).toBe(4);
    const usage = await expectStatus(200, 'GET', `/v1/logical-clusters/${lkc}/usage`, tenantA.auth);
    expect(usage).toMatchObject({ logicalClusterId: lkc, partitions: { used: 17, limit: 48 }, apiKeys: { active: 1 } });
  });

  it('deletes a topic, a key and then the cluster, leaving nothing on Kafka', async () => {
    await expectStatus(204, 'DELETE', `/v1/logical-clusters/${lkc}/topics/orders`, tenantA.auth);
    await expectStatus(404, 'GET', `/v1/logical-clusters/${lkc}/topics/orders`, tenantA.auth);
    await eventually(async () => ((await kafkaTool(kafka(), 'topics', ['--list'])).split('\n').includes(`${prefix}orders`) ? undefined : true), {
      what: 'the topic to leave Kafka',
    });

    await expectStatus(204, 'DELETE', `/v1/logical-clusters/${lkc}/api-keys/${key}`, tenantA.auth);
    const userConfigs = await kafkaTool(kafka(), 'configs', ['--describe', '--entity-type', 'users', '--entity-name', key]);
    expect(userConfigs).not.toContain('SCRAM-SHA-512');
    expect(userConfigs).not.toContain('Quota configs');
    expect(await kafkaTool(kafka(), 'acls', ['--list', '--principal', `User:${key}`])).not.toContain('ResourcePattern');
    await expectStatus(200, 'GET', `/v1/logical-clusters/${lkc}/api-keys`, tenantA.auth).then((list) => expect(list).toEqual({ items: [] }));

    const deleting = await expectStatus(202, 'DELETE', `/v1/logical-clusters/${lkc}`, tenantA.auth);
    expect(deleting['status']).toBe('DELETING');
    await eventually(async () => ((await call('GET', `/v1/logical-clusters/${lkc}`, tenantA.auth)).status === 404 ? true : undefined), {
      timeoutMs: 120_000,
      intervalMs: 500,
      what: `${lkc} to be deleted`,
    });

    // Kafka's own view: no topic with the prefix, no SCRAM user or quota of the cluster, no ACL on the prefix or for its users.
    await eventually(async () => ((await kafkaTool(kafka(), 'topics', ['--list'])).split('\n').some((t) => t.startsWith(prefix)) ? undefined : true), {
      what: 'every topic with the prefix to leave Kafka',
    });
    const users = await kafkaTool(kafka(), 'configs', ['--describe', '--entity-type', 'users']);
    expect(users).not.toContain(lkc);
    const allAcls = await kafkaTool(kafka(), 'acls', ['--list']);
    expect(allAcls).not.toContain(lkc);
    // Tenant B's cluster is untouched.
    expect(allAcls).toContain(`name=${lkcB}., patternType=PREFIXED`);
  });
});
