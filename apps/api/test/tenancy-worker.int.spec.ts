import { limitsFor } from '@cellar/ckus';
import { decryptSecret } from '@cellar/db';
import { kafkaTool } from '@cellar/kafka-harness';
import { aclBindingsFor, keyQuotas, logicalClusterJobId, PROVISION_STEPS, TENANCY_QUEUE } from '@cellar/tenancy';
import { eventually, testStack, uniqueName } from '@cellar/test-support';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorAuth } from '../src/test-fixtures';
import { createTenant, ensureTestCluster, type TestTenant } from './support/fleet';
import { secondClient } from './support/kafka-client';
import { expectStatus as expectStatusOf, request, type Headers, type Json, type Method } from './support/http';
import { buildStackApp, TEST_CKU_PROFILE } from './support/stack-app';
import { startTenancyWorker, type TenancyWorkerProcess } from './support/worker';

/**
 * The tenancy worker as a real process: killed (exit 137, by CELLAR_FAULT_CRASH_AFTER_STEP)
 * right after it records a step, then restarted; what it leaves on Kafka is checked with
 * Kafka's own tools, as an operator would.
 */

type Stack = Awaited<ReturnType<typeof buildStackApp>>;

const kafka = () => testStack().kafka;
const REGION = 'local';
/** Short locks so a crashed worker's job is taken over in seconds, not BullMQ's 30 + 30. */
const FAST_RECOVERY = { TENANCY_WORKER_LOCK_MS: '3000', TENANCY_WORKER_STALLED_INTERVAL_MS: '1000', TENANCY_REASSIGNMENT_POLL_MS: '500' };

let stack: Stack;
let redisPrefix: string;
let tenant: TestTenant;
let regularCell: { id: string; brokerIds: number[] };
let quarantineCell: { id: string; brokerIds: number[] };
const created: string[] = [];
const workers: TenancyWorkerProcess[] = [];
/** Crash-to-READY times, for the report. */
const resumeTimes: Record<string, number> = {};

const call = (method: Method, url: string, headers: Headers, body?: unknown) => request(stack.app, method, url, headers, body);

const expectStatus = (status: number, method: Method, url: string, headers: Headers, body?: unknown) => expectStatusOf(stack.app, status, method, url, headers, body);

function startWorker(env: Record<string, string> = {}): TenancyWorkerProcess {
  const worker = startTenancyWorker(redisPrefix, { ...FAST_RECOVERY, ...env });
  workers.push(worker);
  return worker;
}

function crashingWorker(job: string, step: string): TenancyWorkerProcess {
  return startWorker({ CELLAR_FAULT_CRASH_AFTER_STEP: `${job}:${step}` });
}

async function expectCrash(worker: TenancyWorkerProcess): Promise<void> {
  const exit = await Promise.race([worker.exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 90_000))]);
  expect(exit, worker.output()).toEqual({ code: 137, signal: null });
}

async function waitForStatus(id: string, status: string, timeoutMs = 90_000): Promise<Json> {
  return eventually(
    async () => {
      const view = await expectStatus(200, 'GET', `/v1/logical-clusters/${id}`, operatorAuth);
      if (view['status'] === 'FAILED') throw new Error(`${id} FAILED: ${String(view['failureReason'])}`);
      return view['status'] === status ? view : undefined;
    },
    { timeoutMs, intervalMs: 250, what: `${id} to be ${status}` },
  );
}

async function waitForGone(id: string): Promise<void> {
  await eventually(async () => ((await call('GET', `/v1/logical-clusters/${id}`, operatorAuth)).status === 404 ? true : undefined), {
    timeoutMs: 90_000,
    intervalMs: 250,
    what: `${id} to be deleted`,
  });
}

async function createLogicalCluster(name: string): Promise<{ id: string; prefix: string }> {
  const view = await expectStatus(202, 'POST', '/v1/logical-clusters', tenant.auth, { name, ckus: 1, region: REGION });
  const id = String(view['id']);
  created.push(id);
  return { id, prefix: String(view['topicPrefix']) };
}

async function row(id: string) {
  return stack.deps.prisma.logicalCluster.findUniqueOrThrow({ where: { id } });
}

/** kafka-configs --describe --entity-type users --entity-name <user>: its SCRAM mechanisms and quotas. */
async function describeUser(user: string): Promise<{ scram: string[]; quotas: Record<string, number> }> {
  const out = await kafkaTool(kafka(), 'configs', ['--describe', '--entity-type', 'users', '--entity-name', user]);
  const lines = out.split('\n');
  const quotaLine = lines.find((l) => l.startsWith('Quota configs')) ?? '';
  const scramLine = lines.find((l) => l.startsWith('SCRAM credential configs')) ?? '';
  return {
    scram: [...scramLine.matchAll(/(SCRAM-SHA-\d+)=iterations=\d+/g)].map((m) => m[1] as string),
    quotas: Object.fromEntries([...quotaLine.matchAll(/(\w+)=([\d.]+)/g)].map((m) => [m[1], Number(m[2])])),
  };
}

/** kafka-acls --list, as one `TYPE|name|PATTERN|principal|OPERATION|PERMISSION` line per binding. */
async function listAcls(): Promise<string[]> {
  const out = await kafkaTool(kafka(), 'acls', ['--list']);
  const bindings: string[] = [];
  let resource = '';
  for (const line of out.split('\n')) {
    const pattern = /ResourcePattern\(resourceType=(\w+), name=([^,]+), patternType=(\w+)\)/.exec(line);
    if (pattern) resource = `${pattern[1]}|${pattern[2]}|${pattern[3]}`;
    const acl = /\(principal=([^,]+), host=([^,]+), operation=(\w+), permissionType=(\w+)\)/.exec(line);
    if (acl) bindings.push(`${resource}|${acl[1]}|${acl[3]}|${acl[4]}`);
  }
  return bindings;
}

function expectedAcls(user: string, prefix: string): string[] {
  return aclBindingsFor(user, prefix)
    .map((b) => `${b.resourceType.toUpperCase()}|${b.resourceName}|${b.patternType.toUpperCase()}|${b.principal}|${b.operation.toUpperCase()}|${b.permission.toUpperCase()}`)
    .sort();
}

/** kafka-topics --describe, parsed. */
async function describeTopic(topic: string) {
  const out = await kafkaTool(kafka(), 'topics', ['--describe', '--topic', topic]);
  return [...out.matchAll(/Partition: (\d+)\s+Leader: (-?\d+)\s+Replicas: ([\d,]+)\s+Isr: ([\d,]*)/g)].map((m) => ({
    partition: Number(m[1]),
    leader: Number(m[2]),
    replicas: (m[3] as string).split(',').map(Number),
    isr: (m[4] as string).split(',').filter(Boolean).map(Number),
  }));
}

function tenantKafka(username: string, password: string): Kafka {
  return secondClient('tenancy-worker-spec', { username, password });
}

beforeAll(async () => {
  redisPrefix = `${testStack().redisPrefix}:${uniqueName('worker')}`;
  stack = await buildStackApp({ redisPrefix });
  const cluster = await ensureTestCluster(stack.app);
  const regular = cluster.cells.find((c) => !c.quarantine);
  const quarantine = cluster.cells.find((c) => c.quarantine);
  if (!regular || !quarantine) throw new Error('the test cluster needs a regular and a quarantine cell');
  regularCell = regular;
  quarantineCell = quarantine;
  tenant = await createTenant(stack.app);
});

afterAll(async () => {
  // Free the cells' CKUs for the spec files after this one.
  const worker = startWorker();
  for (const id of created) {
    const current = await call('GET', `/v1/logical-clusters/${id}`, operatorAuth);
    if (current.status === 404) continue;
    await waitForStatus(id, 'READY').catch(() => undefined);
    await call('DELETE', `/v1/logical-clusters/${id}`, operatorAuth);
  }
  for (const id of created) await waitForGone(id).catch(() => undefined);
  await worker.stop();
  for (const w of workers) await w.stop();
  await stack?.close();
  console.info('tenancy worker crash-to-READY/DELETED times (ms):', resumeTimes);
});

describe('provisioning survives a worker killed after any step', () => {
  const survivors: { id: string; prefix: string }[] = [];

  it.each(PROVISION_STEPS.map((step) => [step]))('killed right after recording %s: a new worker resumes there and leaves exactly one user, its ACLs and its quotas', async (step) => {
    const crashing = crashingWorker('provision-logical-cluster', step);
    const lc = await createLogicalCluster(uniqueName(`crash-${step}`));
    await expectCrash(crashing);
    expect(await row(lc.id)).toMatchObject({ status: 'PROVISIONING', provisioningStep: step });

    const startedAt = Date.now();
    const worker = startWorker();
    await waitForStatus(lc.id, 'READY');
    resumeTimes[`provision:${step}`] = Date.now() - startedAt;
    await worker.stop();
    expect(await row(lc.id)).toMatchObject({ status: 'READY', provisioningStep: null, failureReason: null });

    // Kafka's own view: the principal exists once, with SCRAM-SHA-512 and the 1-CKU quotas split over the cell.
    const user = await describeUser(lc.id);
    expect(user.scram).toEqual(['SCRAM-SHA-512']);
    expect(user.quotas).toEqual(keyQuotas(limitsFor(TEST_CKU_PROFILE, 1), regularCell.brokerIds.length, 1));
    // Exactly the prefixed grants, none twice, nothing else for this user.
    const acls = (await listAcls()).filter((line) => line.includes(`|User:${lc.id}|`));
    expect(acls.sort()).toEqual(expectedAcls(lc.id, lc.prefix));

    // And the principal authenticates, as the verify step proved.
    const password = decryptSecret((await row(lc.id)).principalPasswordEncrypted, stack.config.secretKey);
    const admin = tenantKafka(lc.id, password).admin();
    await admin.connect();
    await admin.disconnect();
    survivors.push(lc);
  });

  it('the audit trail has one provisioned event per logical cluster', async () => {
    for (const lc of survivors) {
      const events = await stack.deps.prisma.auditEvent.findMany({ where: { subjectId: lc.id, action: 'logical-cluster.provisioned', actor: 'worker' } });
      expect(events).toHaveLength(1);
    }
  });
});

describe('the reconciler', () => {
  it('provisions a logical cluster whose job Redis lost', async () => {
    const lc = await createLogicalCluster(uniqueName('lost-job'));
    const connection = new Redis(testStack().redisUrl, { maxRetriesPerRequest: null });
    const queue = new Queue(TENANCY_QUEUE, { connection, prefix: redisPrefix });
    try {
      const jobId = logicalClusterJobId('provision-logical-cluster', lc.id, (await row(lc.id)).version);
      expect(await queue.getJob(jobId)).toBeDefined();
      await queue.remove(jobId);
      expect(await queue.getJob(jobId)).toBeUndefined();
    } finally {
      await queue.close();
      await connection.quit();
    }
    const worker = startWorker();
    await waitForStatus(lc.id, 'READY', 60_000);
    await worker.stop();
  });
});

describe('deletion survives a worker killed mid-way', () => {
  it('killed after the topics went: a new worker removes the users, quotas and ACLs, and nothing of the cluster is left on Kafka', async () => {
    const worker = startWorker();
    const lc = await createLogicalCluster(uniqueName('doomed'));
    await waitForStatus(lc.id, 'READY');
    await expectStatus(201, 'POST', `/v1/logical-clusters/${lc.id}/topics`, tenant.auth, { name: 'orders', partitions: 3 });
    const key = String((await expectStatus(201, 'POST', `/v1/logical-clusters/${lc.id}/api-keys`, tenant.auth, {}))['key']);
    await worker.stop();

    const crashing = crashingWorker('delete-logical-cluster', 'principals');
    await expectStatus(202, 'DELETE', `/v1/logical-clusters/${lc.id}`, tenant.auth);
    await expectCrash(crashing);
    expect(await row(lc.id)).toMatchObject({ status: 'DELETING', provisioningStep: 'principals' });
    // The topics step ran; the users are still there.
    expect((await describeUser(lc.id)).scram).toEqual(['SCRAM-SHA-512']);

    const startedAt = Date.now();
    const resumed = startWorker();
    await waitForGone(lc.id);
    resumeTimes['delete:principals'] = Date.now() - startedAt;
    await resumed.stop();

    expect(await row(lc.id)).toMatchObject({ status: 'DELETED', provisioningStep: null });
    expect((await row(lc.id)).deletedAt).not.toBeNull();
    expect(await stack.deps.prisma.topic.count({ where: { logicalClusterId: lc.id } })).toBe(0);
    expect(await stack.deps.prisma.credential.findMany({ where: { logicalClusterId: lc.id }, select: { status: true } })).toEqual([{ status: 'DELETED' }]);

    const topics = await kafkaTool(kafka(), 'topics', ['--list']);
    expect(topics.split('\n').filter((t) => t.startsWith(lc.prefix))).toEqual([]);
    const users = await kafkaTool(kafka(), 'configs', ['--describe', '--entity-type', 'users']);
    expect(users).not.toContain(lc.id);
    expect(users).not.toContain(key);
    const acls = await listAcls();
    expect(acls.filter((line) => line.includes(lc.id))).toEqual([]);
  });
});

describe('quarantine', () => {
  it('moves a topic with data into the quarantine cell, one replica per rack, throttled while it runs and unthrottled after, resuming after a crash', async () => {
    const worker = startWorker();
    const lc = await createLogicalCluster(uniqueName('noisy'));
    await waitForStatus(lc.id, 'READY');
    const topic = `${lc.prefix}events`;
    await expectStatus(201, 'POST', `/v1/logical-clusters/${lc.id}/topics`, tenant.auth, { name: 'events', partitions: 4, replicationFactor: 3 });
    const keyView = await expectStatus(201, 'POST', `/v1/logical-clusters/${lc.id}/api-keys`, tenant.auth, {});
    const client = tenantKafka(String(keyView['key']), String(keyView['secret']));

    const producer = client.producer();
    await eventually(() => producer.connect().then(() => true), { what: 'the SCRAM credential to propagate' });
    const value = 'x'.repeat(1024);
    const MESSAGES = 2000;
    for (let batch = 0; batch < MESSAGES / 200; batch++) {
      await producer.send({ topic, acks: -1, messages: Array.from({ length: 200 }, (_, i) => ({ key: String(batch * 200 + i), value })) });
    }
    await producer.disconnect();
    for (const p of await describeTopic(topic)) for (const r of p.replicas) expect(regularCell.brokerIds).toContain(r);

    // The usage sampler sees the bytes produced (the worker scrapes every broker's JMX exporter every 10 s).
    const sample = await eventually(
      async () => {
        const latest = await stack.deps.prisma.usageSample.findFirst({ where: { logicalClusterId: lc.id }, orderBy: { at: 'desc' } });
        return latest && latest.bytesIn >= BigInt(MESSAGES * 1024) ? latest : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 1_000, what: 'a usage sample with the produced bytes' },
    );
    expect(sample.partitions).toBe(4);
    await worker.stop();

    // Operators only, and only into a cell that exists.
    await expectStatus(403, 'POST', `/v1/logical-clusters/${lc.id}/quarantine`, tenant.auth);
    const crashing = crashingWorker('quarantine-logical-cluster', 'wait');
    const accepted = await expectStatus(202, 'POST', `/v1/logical-clusters/${lc.id}/quarantine`, operatorAuth);
    expect(accepted).toEqual({ id: lc.id, status: 'UPDATING', cellId: quarantineCell.id, moves: null });
    expect((await call('POST', `/v1/logical-clusters/${lc.id}/quarantine`, operatorAuth)).json).toMatchObject({ code: 'logical_cluster_already_quarantined' });
    await expectCrash(crashing);
    expect(await row(lc.id)).toMatchObject({ status: 'UPDATING', provisioningStep: 'wait' });
    // The crash left the throttle in place: the moves were submitted under it.
    expect(await kafkaTool(kafka(), 'configs', ['--describe', '--entity-type', 'topics', '--entity-name', topic])).toContain('leader.replication.throttled.replicas=');

    const startedAt = Date.now();
    const resumed = startWorker();
    const ready = await waitForStatus(lc.id, 'READY');
    resumeTimes['quarantine:wait'] = Date.now() - startedAt;
    expect(ready).toMatchObject({ cellId: quarantineCell.id, quarantined: true });

    const moves = (await expectStatus(200, 'GET', `/v1/logical-clusters/${lc.id}/partition-moves`, operatorAuth))['items'] as Json[];
    expect(moves).toHaveLength(4);
    for (const move of moves) expect(move).toMatchObject({ reason: 'QUARANTINE', topic, state: 'DONE' });

    const rackOf = new Map(kafka().brokers.map((b) => [b.nodeId, b.rack]));
    const partitions = await describeTopic(topic);
    expect(partitions).toHaveLength(4);
    for (const p of partitions) {
      expect(p.replicas).toHaveLength(3);
      for (const r of p.replicas) expect(quarantineCell.brokerIds).toContain(r);
      expect(new Set(p.replicas.map((r) => rackOf.get(r))).size).toBe(3);
      expect(quarantineCell.brokerIds).toContain(p.leader);
    }

    // No throttle left on any broker or on the topic.
    for (const broker of kafka().brokers) {
      const configs = await kafkaTool(kafka(), 'configs', ['--describe', '--entity-type', 'brokers', '--entity-name', String(broker.nodeId)]);
      expect(configs, `broker ${broker.nodeId}`).not.toContain('replication.throttled.rate');
    }
    expect(await kafkaTool(kafka(), 'configs', ['--describe', '--entity-type', 'topics', '--entity-name', topic])).not.toContain('throttled.replicas');

    // Every message is still there for the tenant.
    const consumer = client.consumer({ groupId: `${lc.prefix}readers` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const seen = new Set<string>();
    await consumer.run({ eachMessage: async ({ message }) => void seen.add(message.key?.toString() ?? '') });
    await eventually(async () => (seen.size === MESSAGES ? true : undefined), { timeoutMs: 60_000, what: `${MESSAGES} messages consumed` });
    await consumer.disconnect();

    const audit = await stack.deps.prisma.auditEvent.findMany({ where: { subjectId: lc.id, action: { startsWith: 'logical-cluster.quarantine' } }, orderBy: { at: 'asc' } });
    expect(audit.map((e) => `${e.actor}:${e.action}`)).toEqual(['operator:logical-cluster.quarantine', 'worker:logical-cluster.quarantine.started', 'worker:logical-cluster.quarantine.finished']);
    await resumed.stop();
  });
});
