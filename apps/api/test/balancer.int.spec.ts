import { kafkaTool } from '@cellar/kafka-harness';
import { eventually, testStack, uniqueName } from '@cellar/test-support';
import type { Admin, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorAuth } from '../src/test-fixtures';
import { createTenant, ensureTestCluster, type TestTenant } from './support/fleet';
import { secondClient } from './support/kafka-client';
import { expectStatus as expectStatusOf, request, type Headers, type Json, type Method } from './support/http';
import { buildStackApp } from './support/stack-app';
import { startBalancer as startBalancerProcess, startTenancyWorker, type TenancyWorkerProcess as WorkerProcess } from './support/worker';

/**
 * The balancer on the real cluster: skew made on purpose (every partition of a tenant's
 * topic on two brokers of its cell, with producers running) is balanced within a few rounds,
 * inside the tenant's cell, racks apart, never under min ISR; a balanced cluster then makes
 * no move for two minutes; a balancer killed in the middle of a plan is restarted and the
 * plan resumes, leaving nothing orphaned in Kafka and no throttle. Checked with Kafka's own
 * tools and a second client (kafkajs), never the adapter that made the changes.
 */

type Stack = Awaited<ReturnType<typeof buildStackApp>>;

const kafka = () => testStack().kafka;
const PARTITIONS = 6;
/** Produce rate over the whole topic; against a 300 kB/s broker capacity the skewed brokers sit near 40%, balanced ones near 27%. */
const PRODUCE_BYTES_PER_SECOND = 120_000;
/** The steady run: 2 minutes in CI, 10 in the benchmark (npm run bench:balancer). */
const STEADY_RUN_MS = Number(process.env['CELLAR_BALANCER_STEADY_RUN_MS'] ?? 120_000);
const CAPACITY = { networkInBytesPerSecond: 300_000, networkOutBytesPerSecond: 300_000, diskBytes: 10_000_000_000 };

let stack: Stack;
let redisPrefix: string;
let tenant: TestTenant;
let clusterId: string;
let cell: { id: string; brokerIds: number[] };
let lc: { id: string; prefix: string };
let topic: string;
let producer: { stop(): Promise<void> } | undefined;
let checker: Admin;
const balancers: WorkerProcess[] = [];
const figures: Record<string, unknown> = {};

const call = (method: Method | 'PUT', url: string, headers: Headers, body?: unknown) => request(stack.app, method as Method, url, headers, body);
const expectStatus = (status: number, method: Method | 'PUT', url: string, headers: Headers, body?: unknown) => expectStatusOf(stack.app, status, method as Method, url, headers, body);

/** The real balancer (apps/balancer/src/main.ts) on this spec's queue prefix, with short ticks. */
function startBalancer(env: Record<string, string> = {}): WorkerProcess {
  const balancer = startBalancerProcess(redisPrefix, {
      BALANCER_TICK_MS: '1000',
      BALANCER_SAMPLE_INTERVAL_MS: '4000',
      BALANCER_REASSIGNMENT_POLL_MS: '500',
      BALANCER_WORKER_LOCK_MS: '3000',
      BALANCER_WORKER_STALLED_INTERVAL_MS: '1000',
      ...env,
  });
  balancers.push(balancer);
  return balancer;
}

/** Produces ~PRODUCE_BYTES_PER_SECOND round-robin over the partitions until stopped. */
async function startProducing(username: string, password: string): Promise<{ stop(): Promise<void> }> {
  const client = secondClient('balancer-spec', { username, password });
  const p: Producer = client.producer();
  await eventually(() => p.connect().then(() => true), { what: 'the SCRAM credential to propagate' });
  let running = true;
  const value = 'x'.repeat(1000);
  const perTick = Math.round(PRODUCE_BYTES_PER_SECOND / 1000 / 10);
  const loop = (async () => {
    let n = 0;
    while (running) {
      const started = Date.now();
      await p
        .send({ topic, acks: -1, messages: Array.from({ length: perTick }, () => ({ partition: n++ % PARTITIONS, value })) })
        .catch(() => undefined); // a leader moving: the next tick goes on
      await new Promise((r) => setTimeout(r, Math.max(0, 100 - (Date.now() - started))));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      await p.disconnect();
    },
  };
}

/** kafka-topics --describe, parsed. */
async function describeTopic(name: string) {
  const out = await kafkaTool(kafka(), 'topics', ['--describe', '--topic', name]);
  return [...out.matchAll(/Partition: (\d+)\s+Leader: (-?\d+)\s+Replicas: ([\d,]+)\s+Isr: ([\d,]*)/g)].map((m) => ({
    partition: Number(m[1]),
    leader: Number(m[2]),
    replicas: (m[3] as string).split(',').map(Number),
    isr: (m[4] as string).split(',').filter(Boolean).map(Number),
  }));
}

const rackOf = () => new Map(kafka().brokers.map((b) => [b.nodeId, b.rack]));

/** Puts every partition on two brokers of the cell, leaders alternating between them, and waits until Kafka is done. */
async function makeSkew(brokers: [number, number]): Promise<void> {
  const admin = await stack.deps.kafkaAdmins.forCluster(clusterId);
  await admin.alterPartitionReassignments(
    Array.from({ length: PARTITIONS }, (_, partition) => ({ topic, partition, replicas: partition % 2 === 0 ? [brokers[0], brokers[1]] : [brokers[1], brokers[0]] })),
  );
  await eventually(async () => ((await admin.listPartitionReassignments([topic])).length === 0 ? true : undefined), { timeoutMs: 120_000, what: 'the skew reassignment' });
  await admin.electLeaders('preferred', Array.from({ length: PARTITIONS }, (_, partition) => ({ topic, partition }))).catch(() => []);
}

async function cellLoad(): Promise<{ maxOverMean: number; load: number; brokers: Json[] }> {
  const view = await expectStatus(200, 'GET', `/v1/kafka-clusters/${clusterId}/load`, operatorAuth);
  const cells = view['cells'] as { id: string; maxOverMean: number; load: number }[];
  const own = cells.find((c) => c.id === cell.id);
  const brokers = (view['brokers'] as Json[]).filter((b) => b['cellId'] === cell.id);
  return { maxOverMean: own?.maxOverMean ?? 0, load: own?.load ?? 0, brokers };
}

async function putSettings(body: Json): Promise<Json> {
  return expectStatus(200, 'PUT', `/v1/kafka-clusters/${clusterId}/balancer`, operatorAuth, body);
}

async function activePlans(): Promise<number> {
  return stack.deps.prisma.rebalancePlan.count({ where: { physicalClusterId: clusterId, state: { in: ['PLANNED', 'EXECUTING', 'CANCELLING'] } } });
}

/**
 * Watches the tenant's topic through a second client while the balancer works: every
 * partition keeps its replicas inside the tenant's cell and on distinct racks, and never
 * has fewer in-sync replicas than min.insync.replicas (2).
 */
function watchInvariants(): { stop(): Promise<string[]>; checks(): number } {
  const violations: string[] = [];
  let running = true;
  let checks = 0;
  const racks = rackOf();
  const loop = (async () => {
    while (running) {
      const metadata = await checker.fetchTopicMetadata({ topics: [topic] }).catch(() => undefined);
      for (const p of metadata?.topics[0]?.partitions ?? []) {
        const target = p.replicas.filter((r) => !(p.offlineReplicas ?? []).includes(r));
        if (target.some((r) => !cell.brokerIds.includes(r))) violations.push(`p${p.partitionId} replicas ${p.replicas} leave cell ${cell.brokerIds}`);
        if (p.isr.length < 2) violations.push(`p${p.partitionId} ISR ${p.isr} below min ISR 2`);
        // During a reassignment Kafka lists old and new replicas together; racks must differ among the in-sync ones.
        if (new Set(p.isr.map((r) => racks.get(r))).size !== p.isr.length) violations.push(`p${p.partitionId} ISR ${p.isr} shares a rack`);
      }
      checks += 1;
      await new Promise((r) => setTimeout(r, 1_000));
    }
  })();
  return {
    checks: () => checks,
    async stop() {
      running = false;
      await loop;
      return violations;
    },
  };
}

async function throttlesLeft(): Promise<string[]> {
  const left: string[] = [];
  for (const broker of kafka().brokers) {
    const configs = await kafkaTool(kafka(), 'configs', ['--describe', '--entity-type', 'brokers', '--entity-name', String(broker.nodeId)]);
    if (configs.includes('replication.throttled.rate')) left.push(`broker ${broker.nodeId}`);
  }
  if ((await kafkaTool(kafka(), 'configs', ['--describe', '--entity-type', 'topics', '--entity-name', topic])).includes('throttled.replicas')) left.push(topic);
  return left;
}

const BASE_SETTINGS = {
  enabled: false,
  goals: ['NETWORK_IN', 'NETWORK_OUT', 'DISK', 'LEADER_COUNT', 'REPLICA_COUNT'],
  triggerThresholdPct: 20,
  stopThresholdPct: 10,
  imbalanceDurationSeconds: 6,
  maxMovesPerRound: 4,
  maxConcurrentMovesPerBroker: 2,
  maxBytesInFlight: 1_000_000_000,
  partitionCooldownSeconds: 120,
  replicationThrottleBytesPerSecond: 5_000_000,
  loadHalfLifeSeconds: 12,
  roundIntervalSeconds: 5,
  brokerCapacity: CAPACITY,
};

beforeAll(async () => {
  redisPrefix = `${testStack().redisPrefix}:${uniqueName('balancer')}`;
  stack = await buildStackApp({ redisPrefix });
  const cluster = await ensureTestCluster(stack.app);
  clusterId = cluster.clusterId;
  const regular = cluster.cells.find((c) => !c.quarantine);
  if (!regular) throw new Error('the test cluster needs a regular cell');
  cell = regular;
  tenant = await createTenant(stack.app);

  const worker = startTenancyWorker(redisPrefix);
  try {
    const view = await expectStatus(202, 'POST', '/v1/logical-clusters', tenant.auth, { name: uniqueName('skewed'), ckus: 2, region: 'local' });
    lc = { id: String(view['id']), prefix: String(view['topicPrefix']) };
    await eventually(async () => ((await expectStatus(200, 'GET', `/v1/logical-clusters/${lc.id}`, operatorAuth))['status'] === 'READY' ? true : undefined), { timeoutMs: 90_000, what: 'READY' });
    await expectStatus(201, 'POST', `/v1/logical-clusters/${lc.id}/topics`, tenant.auth, { name: 'events', partitions: PARTITIONS, replicationFactor: 2 });
    topic = `${lc.prefix}events`;
    const key = await expectStatus(201, 'POST', `/v1/logical-clusters/${lc.id}/api-keys`, tenant.auth, {});
    producer = await startProducing(String(key['key']), String(key['secret']));
  } finally {
    await worker.stop();
  }
  const admin = secondClient('balancer-spec-check').admin();
  await admin.connect();
  checker = admin;
}, 300_000);

afterAll(async () => {
  await producer?.stop().catch(() => undefined);
  for (const b of balancers) await b.stop();
  // Restore: the balancer off with its defaults' thresholds, the tenant gone (its topics with it).
  await call('PUT', `/v1/kafka-clusters/${clusterId}/balancer`, operatorAuth, { enabled: false, partitionCooldownSeconds: 3600, brokerCapacity: { networkInBytesPerSecond: 125_000_000, networkOutBytesPerSecond: 125_000_000, diskBytes: 1_000_000_000_000 } });
  if (lc) {
    const worker = startTenancyWorker(redisPrefix);
    await call('DELETE', `/v1/logical-clusters/${lc.id}`, operatorAuth);
    await eventually(async () => ((await call('GET', `/v1/logical-clusters/${lc.id}`, operatorAuth)).status === 404 ? true : undefined), { timeoutMs: 90_000, what: 'deleted' }).catch(() => undefined);
    await worker.stop();
  }
  await checker?.disconnect();
  await stack?.close();
  console.info('[balancer figures]', JSON.stringify(figures, null, 2));
}, 300_000);

describe('bad input on the balancer endpoints', () => {
  it('answers problem+json with a stable code and changes nothing', async () => {
    const before = await expectStatus(200, 'GET', `/v1/kafka-clusters/${clusterId}/balancer`, operatorAuth);
    const plansBefore = await stack.deps.prisma.rebalancePlan.count();
    const cases: [Method | 'PUT', string, Headers, unknown, number, string][] = [
      ['PUT', `/v1/kafka-clusters/${clusterId}/balancer`, operatorAuth, { triggerThresholdPct: 10, stopThresholdPct: 10 }, 422, 'balancer_settings_invalid'],
      ['PUT', `/v1/kafka-clusters/${clusterId}/balancer`, operatorAuth, { stopThresholdPct: Number(before['triggerThresholdPct']) + 5 }, 422, 'balancer_settings_invalid'],
      ['PUT', `/v1/kafka-clusters/${clusterId}/balancer`, operatorAuth, { maxMovesPerRound: 0 }, 400, 'validation_failed'],
      ['PUT', `/v1/kafka-clusters/${clusterId}/balancer`, operatorAuth, { goals: ['NETWORK_IN', 'NETWORK_IN'] }, 400, 'validation_failed'],
      ['PUT', `/v1/kafka-clusters/${clusterId}/balancer`, operatorAuth, { goals: ['CPU'] }, 400, 'validation_failed'],
      ['PUT', `/v1/kafka-clusters/${clusterId}/balancer`, operatorAuth, { enabled: 'yes' }, 400, 'validation_failed'],
      ['PUT', `/v1/kafka-clusters/${clusterId}/balancer`, operatorAuth, { brokerCapacity: { networkInBytesPerSecond: -1, networkOutBytesPerSecond: 1, diskBytes: 1 } }, 400, 'validation_failed'],
      ['PUT', `/v1/kafka-clusters/${clusterId}/balancer`, operatorAuth, { turbo: true }, 400, 'validation_failed'],
      ['PUT', `/v1/kafka-clusters/${clusterId}/balancer`, tenant.auth, { enabled: true }, 403, 'forbidden'],
      ['PUT', '/v1/kafka-clusters/nope/balancer', operatorAuth, { enabled: true }, 404, 'kafka_cluster_not_found'],
      ['GET', '/v1/kafka-clusters/nope/balancer', operatorAuth, undefined, 404, 'kafka_cluster_not_found'],
      ['GET', '/v1/kafka-clusters/nope/load', operatorAuth, undefined, 404, 'kafka_cluster_not_found'],
      ['GET', `/v1/kafka-clusters/${clusterId}/load`, tenant.auth, undefined, 403, 'forbidden'],
      ['GET', '/v1/kafka-clusters/nope/rebalances', operatorAuth, undefined, 404, 'kafka_cluster_not_found'],
      ['POST', `/v1/kafka-clusters/${clusterId}/rebalances`, operatorAuth, { dryRun: 'yes' }, 400, 'validation_failed'],
      ['POST', `/v1/kafka-clusters/${clusterId}/rebalances`, operatorAuth, { dryRun: true, extra: 1 }, 400, 'validation_failed'],
      ['POST', `/v1/kafka-clusters/${clusterId}/rebalances`, tenant.auth, { dryRun: true }, 403, 'forbidden'],
      ['POST', '/v1/kafka-clusters/nope/rebalances', operatorAuth, { dryRun: true }, 404, 'kafka_cluster_not_found'],
      ['GET', `/v1/kafka-clusters/${clusterId}/rebalances/nope`, operatorAuth, undefined, 404, 'rebalance_plan_not_found'],
      ['POST', `/v1/kafka-clusters/${clusterId}/rebalances/nope/cancel`, operatorAuth, undefined, 404, 'rebalance_plan_not_found'],
      ['POST', `/v1/kafka-clusters/${clusterId}/rebalances/nope/cancel`, tenant.auth, undefined, 403, 'forbidden'],
    ];
    for (const [method, url, headers, body, status, code] of cases) {
      const response = await call(method, url, headers, body);
      expect(response.status, `${method} ${url} ${JSON.stringify(body)}: ${response.body}`).toBe(status);
      expect(response.type).toContain('application/problem+json');
      expect(response.json, `${method} ${url}`).toMatchObject({ code, status });
    }
    expect(await expectStatus(200, 'GET', `/v1/kafka-clusters/${clusterId}/balancer`, operatorAuth)).toEqual(before);
    expect(await stack.deps.prisma.rebalancePlan.count()).toBe(plansBefore);
    figures['badInputCases'] = cases.length;
  });
});

describe('balancing a skewed cell on the real cluster', () => {
  it('brings the most loaded broker within the stop threshold of the mean in a few rounds, inside the cell, racks apart, never under min ISR', async () => {
    await putSettings(BASE_SETTINGS);
    const [a, b] = [cell.brokerIds[0] as number, cell.brokerIds[1] as number];
    await makeSkew([a, b]);
    const balancer = startBalancer();

    // The balancer samples the skew: the third broker of the cell carries nothing of the topic.
    const skewed = await eventually(async () => {
      const load = await cellLoad();
      return load.maxOverMean > 1.25 ? load : undefined;
    }, { timeoutMs: 120_000, intervalMs: 1_000, what: 'the skew to show in the sampled load' }).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${JSON.stringify(figures)}\n${balancer.output().slice(-3000)}`);
    });
    figures['skew'] = { maxOverMean: skewed.maxOverMean, maxLoad: skewed.load, brokers: skewed.brokers.map((x) => ({ id: x['id'], load: x['load'], in: x['bytesInPerSecond'], out: x['bytesOutPerSecond'] })) };

    // A dry run shows the plan and predicts the loads, and changes nothing.
    const dry = await expectStatus(201, 'POST', `/v1/kafka-clusters/${clusterId}/rebalances`, operatorAuth, { dryRun: true });
    expect(dry).toMatchObject({ state: 'DRY_RUN', dryRun: true });
    expect((dry['moves'] as Json[]).length).toBeGreaterThan(0);
    // The skewed cell's own figure: the worst cell of the cluster may be the other one, whose
    // loads of a few percent the balancer rightly leaves alone.
    const cellMaxOverMean = (summary: Json) => {
      const loads = (summary['brokers'] as { cellId: string | null; load: number }[]).filter((b) => b.cellId === cell.id).map((b) => b.load);
      return Math.max(...loads) / (loads.reduce((sum, l) => sum + l, 0) / loads.length);
    };
    expect(cellMaxOverMean(dry['predictedAfter'] as Json)).toBeLessThan(cellMaxOverMean(dry['before'] as Json));
    expect(await stack.deps.prisma.partitionMove.count({ where: { planId: String(dry['id']) } })).toBe(0);

    const invariants = watchInvariants();
    const startedAt = Date.now();
    await putSettings({ enabled: true });
    const balanced = await eventually(async () => {
      if ((await activePlans()) > 0) return undefined;
      const load = await cellLoad();
      return load.maxOverMean < 1 + BASE_SETTINGS.stopThresholdPct / 100 ? load : undefined;
    }, { timeoutMs: 240_000, intervalMs: 1_000, what: 'the cell to be balanced within the stop threshold' });
    const seconds = (Date.now() - startedAt) / 1000;
    const violations = await invariants.stop();
    expect(violations, balancer.output().slice(-4000)).toEqual([]);
    expect(invariants.checks()).toBeGreaterThan(5);

    const plans = await stack.deps.prisma.rebalancePlan.findMany({ where: { physicalClusterId: clusterId, trigger: 'scheduled' }, orderBy: { createdAt: 'asc' } });
    const moves = await stack.deps.prisma.partitionMove.findMany({ where: { planId: { in: plans.map((p) => p.id) } } });
    expect(plans.length).toBeGreaterThan(0);
    expect(plans.length).toBeLessThanOrEqual(5);
    expect(plans.every((p) => p.state === 'COMPLETED')).toBe(true);
    expect(moves.every((m) => m.state === 'DONE')).toBe(true);
    figures['balance'] = {
      rounds: plans.length,
      seconds,
      before: { maxOverMean: skewed.maxOverMean, maxLoad: skewed.load },
      after: { maxOverMean: balanced.maxOverMean, maxLoad: balanced.load },
      moves: moves.length,
      leadershipMoves: moves.filter((m) => m.kind === 'LEADERSHIP').length,
      replicaMoves: moves.filter((m) => m.kind === 'REPLICA').length,
      bytes: moves.reduce((sum, m) => sum + Number(m.bytes), 0),
      invariantChecks: invariants.checks(),
    };

    // Kafka's own view: inside the cell, racks apart, every replica in sync; no throttle left.
    const racks = rackOf();
    for (const p of await describeTopic(topic)) {
      expect(p.replicas.every((r) => cell.brokerIds.includes(r))).toBe(true);
      expect(new Set(p.replicas.map((r) => racks.get(r))).size).toBe(p.replicas.length);
      expect(p.isr.length).toBeGreaterThanOrEqual(2);
    }
    expect(await throttlesLeft()).toEqual([]);

    // The plan history through the API, with moves and progress.
    const list = (await expectStatus(200, 'GET', `/v1/kafka-clusters/${clusterId}/rebalances`, operatorAuth))['items'] as Json[];
    const last = plans[plans.length - 1]!;
    expect(list.map((p) => p['id'])).toContain(last.id);
    const detail = await expectStatus(200, 'GET', `/v1/kafka-clusters/${clusterId}/rebalances/${last.id}`, operatorAuth);
    expect(detail).toMatchObject({ state: 'COMPLETED', progress: { done: (detail['moves'] as Json[]).length, pending: 0, inProgress: 0 } });
    const metrics = await stack.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toContain(`cellar_cluster_load_percent{cluster="${clusterId}"}`);
    expect(metrics.body).toMatch(new RegExp(`cellar_partition_moves\\{cluster="${clusterId}",reason="REBALANCE",kind="\\w+",state="DONE"\\} \\d+`));
  }, 400_000);

  it(`a balanced cell under steady load makes no move over ${STEADY_RUN_MS / 60_000} minutes`, async () => {
    // Not vacuous: the balancer is on, and the cell starts balanced (the previous spec balanced it).
    await putSettings({ enabled: true });
    expect((await cellLoad()).maxOverMean).toBeLessThan(1 + BASE_SETTINGS.triggerThresholdPct / 100);
    const movesBefore = await stack.deps.prisma.partitionMove.count({ where: { physicalClusterId: clusterId, reason: 'REBALANCE' } });
    const plansBefore = await stack.deps.prisma.rebalancePlan.count({ where: { physicalClusterId: clusterId, trigger: 'scheduled' } });
    const samples: number[] = [];
    const until = Date.now() + STEADY_RUN_MS;
    while (Date.now() < until) {
      samples.push((await cellLoad()).maxOverMean);
      await new Promise((r) => setTimeout(r, 5_000));
    }
    expect(await stack.deps.prisma.partitionMove.count({ where: { physicalClusterId: clusterId, reason: 'REBALANCE' } })).toBe(movesBefore);
    expect(await stack.deps.prisma.rebalancePlan.count({ where: { physicalClusterId: clusterId, trigger: 'scheduled' } })).toBe(plansBefore);
    figures['steady'] = { seconds: STEADY_RUN_MS / 1000, moves: 0, maxOverMeanSeen: Math.max(...samples), minOverMeanSeen: Math.min(...samples) };
  }, STEADY_RUN_MS + 80_000);
});

describe('a balancer killed in the middle of a plan', () => {
  it('resumes the plan when started again: nothing orphaned in Kafka, no throttle left', async () => {
    for (const b of balancers) await b.stop();
    // Off (no rounds), no cooldown, a slow throttle so the crash lands while data copies.
    await putSettings({ ...BASE_SETTINGS, enabled: false, partitionCooldownSeconds: 0, replicationThrottleBytesPerSecond: 300_000, maxConcurrentMovesPerBroker: 2 });
    const [a, b] = [cell.brokerIds[0] as number, cell.brokerIds[2] as number];
    await makeSkew([a, b]);
    const sampler = startBalancer();
    await eventually(async () => ((await cellLoad()).maxOverMean > 1.25 ? true : undefined), { timeoutMs: 120_000, intervalMs: 1_000, what: 'the new skew to show' });
    await sampler.stop();

    const crashing = startBalancer({ CELLAR_FAULT_CRASH_AFTER_STEP: 'execute-plan:submitted' });
    const plan = await expectStatus(201, 'POST', `/v1/kafka-clusters/${clusterId}/rebalances`, operatorAuth, {});
    expect(plan['state'], JSON.stringify({ reason: plan['reason'], before: plan['before'], progress: plan['progress'] })).toBe('PLANNED');
    const planId = String(plan['id']);
    const exit = await Promise.race([crashing.exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 60_000))]);
    expect(exit, crashing.output().slice(-3000)).toEqual({ code: 137, signal: null });
    const afterCrash = await stack.deps.prisma.partitionMove.findMany({ where: { planId } });
    const running = afterCrash.filter((m) => m.state === 'IN_PROGRESS');
    expect(running.length).toBeGreaterThan(0);
    // The crash left the batch's throttle in place (it is removed only when the batch finishes).
    expect(await throttlesLeft()).not.toEqual([]);
    const listed = await kafkaTool(kafka(), 'reassign', ['--list']);
    figures['crash'] = { movesInPlan: afterCrash.length, inProgressAtCrash: running.length, replicaMovesAtCrash: running.filter((m) => m.kind === 'REPLICA').length, kafkaListedAtCrash: listed.includes(topic) };

    const startedAt = Date.now();
    const resumed = startBalancer();
    await eventually(async () => {
      const view = await expectStatus(200, 'GET', `/v1/kafka-clusters/${clusterId}/rebalances/${planId}`, operatorAuth);
      if (view['state'] === 'FAILED' || view['state'] === 'CANCELLED') throw new Error(`plan ${String(view['state'])}`);
      return view['state'] === 'COMPLETED' ? view : undefined;
    }, { timeoutMs: 240_000, intervalMs: 1_000, what: 'the plan to complete after the restart' });
    (figures['crash'] as Json)['resumeToCompletedSeconds'] = (Date.now() - startedAt) / 1000;
    await resumed.stop();

    const moves = await stack.deps.prisma.partitionMove.findMany({ where: { planId } });
    expect(moves.every((m) => m.state === 'DONE')).toBe(true);
    (figures['crash'] as Json)['bytesMoved'] = moves.reduce((sum, m) => sum + Number(m.bytes), 0);
    // Kafka's own tools: no reassignment left running, no throttle on any broker or the topic.
    expect(await kafkaTool(kafka(), 'reassign', ['--list'])).not.toContain(topic);
    expect(await throttlesLeft()).toEqual([]);
    const racks = rackOf();
    for (const p of await describeTopic(topic)) {
      expect(p.replicas.every((r) => cell.brokerIds.includes(r))).toBe(true);
      expect(new Set(p.replicas.map((r) => racks.get(r))).size).toBe(p.replicas.length);
    }
  }, 400_000);
});

describe('load oscillating around the trigger threshold', () => {
  it('does not make the balancer flip-flop: no partition moved twice, nothing given back to the hot broker, at most two plans', async () => {
    const balancer = startBalancer();
    // From wherever the previous spec left the cell: balanced first, then a cooldown that outlasts the run.
    await putSettings({ ...BASE_SETTINGS, enabled: true, imbalanceDurationSeconds: 20, partitionCooldownSeconds: 600 });
    await eventually(async () => {
      if ((await activePlans()) > 0) return undefined;
      const load = await cellLoad();
      return load.maxOverMean < 1 + BASE_SETTINGS.stopThresholdPct / 100 ? load : undefined;
    }, { timeoutMs: 240_000, intervalMs: 1_000, what: 'the cell to be balanced before the oscillation' }).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${balancer.output().slice(-3000)}`);
    });
    const since = new Date();

    // Extra produce into the partitions one broker leads, 10 s on and 10 s off: the raw
    // imbalance crosses the trigger every cycle; smoothed, it hovers around it.
    const key = await expectStatus(201, 'POST', `/v1/logical-clusters/${lc.id}/api-keys`, tenant.auth, {});
    const client = secondClient('balancer-spec-burst', { username: String(key['key']), password: String(key['secret']) });
    const burst = client.producer();
    await eventually(() => burst.connect().then(() => true), { what: 'the burst producer to connect' });
    const hot = cell.brokerIds[0] as number;
    const ratios: number[] = [];
    const until = Date.now() + 100_000;
    const value = 'y'.repeat(1000);
    while (Date.now() < until) {
      const metadata = await checker.fetchTopicMetadata({ topics: [topic] });
      const led = (metadata.topics[0]?.partitions ?? []).filter((p) => p.leader === hot).map((p) => p.partitionId);
      const cycleEnd = Date.now() + 10_000;
      const on = Math.floor((Date.now() - since.getTime()) / 10_000) % 2 === 0;
      while (Date.now() < cycleEnd) {
        if (on && led.length > 0) await burst.send({ topic, acks: 1, messages: Array.from({ length: 8 }, (_, i) => ({ partition: led[i % led.length] as number, value })) }).catch(() => undefined);
        await new Promise((r) => setTimeout(r, 100));
      }
      ratios.push((await cellLoad()).maxOverMean);
    }
    await burst.disconnect();

    const plans = await stack.deps.prisma.rebalancePlan.findMany({ where: { physicalClusterId: clusterId, trigger: 'scheduled', createdAt: { gte: since } } });
    const moves = await stack.deps.prisma.partitionMove.findMany({ where: { planId: { in: plans.map((p) => p.id) } }, orderBy: { createdAt: 'asc' } });
    const movedTwice = moves.filter((m, i) => moves.findIndex((o) => o.topic === m.topic && o.partition === m.partition) !== i);
    // Toward the hot broker is the flop after a flip: load taken off it during a burst, given back in the lull.
    const towardHot = moves.filter((m) => (m.toReplicas.includes(hot) && !m.fromReplicas.includes(hot)) || (m.toReplicas[0] === hot && m.fromReplicas[0] !== hot));
    figures['oscillation'] = { seconds: 100, plans: plans.length, moves: moves.length, towardHot: towardHot.length, maxOverMeanSeen: Math.max(...ratios), minOverMeanSeen: Math.min(...ratios) };
    expect(movedTwice).toEqual([]);
    expect(towardHot).toEqual([]);
    // The burst's strength depends on the machine (it reached 1.49 × the mean in one benchmark run, well past the
    // trigger, and two plans of one move each took load off the hot broker): a bound on churn, not a count.
    expect(plans.length).toBeLessThanOrEqual(2);
    await putSettings({ enabled: false });
    await eventually(async () => ((await activePlans()) === 0 ? true : undefined), { timeoutMs: 120_000, what: 'no plan running' });
  }, 500_000);
});
