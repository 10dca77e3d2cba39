import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrokerHealthState } from '@cellar/db';
import { kafkaTool, limitCpu, type CpuLimit } from '@cellar/kafka-harness';
import { eventually, testStack, uniqueName } from '@cellar/test-support';
import type { Admin, Consumer, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorAuth } from '../src/test-fixtures';
import { ensureTestCluster } from './support/fleet';
import { secondClient } from './support/kafka-client';
import { expectStatus as expectStatusOf, type Json, type Method } from './support/http';
import { buildStackApp } from './support/stack-app';
import { startDetector, type TenancyWorkerProcess } from './support/worker';

/**
 * The degradation detector on the real six-broker Kafka under steady produce and consume
 * load: the real detector process, probes and scrapes, checked with Kafka's own
 * kafka-topics and a second client (kafkajs). Latencies are measured and written to
 * test-output/detector-e2e.json, not asserted: the benchmark (npm run bench:detector) reports them.
 */

const kafka = () => testStack().kafka;
/** The default 3 s rounds, and a short cool-down so a recovery fits in a test. */
const DETECTOR_ENV = {
  DETECTOR_HEALTH: JSON.stringify({ recoveryCoolDownMs: 10_000, cleanRoundsToRecover: 3 }),
  DETECTOR_MAX_MITIGATED_BROKERS: '2',
};
const HEALTHY_RUN_MS = Number(process.env['CELLAR_DETECTOR_HEALTHY_RUN_MS'] ?? 120_000);
/** Fault trials per kind: 1 in CI, 5 in the benchmark (npm run bench:detector). */
const TRIALS = Number(process.env['CELLAR_DETECTOR_TRIALS'] ?? 1);
/** Victims rotate over both cells and all racks; broker 1 is kept for the crash test. */
const FREEZE_VICTIMS = [3, 4, 6, 2, 5];
const SLOW_VICTIMS = [5, 6, 2, 4, 3];
/** Keeps a trial's figures, written at once so a benchmark cut short still has the trials it finished. */
function record(kind: string, value: unknown): void {
  ((figures[kind] ??= []) as unknown[]).push(value);
  saveFigures();
}
function saveFigures(): void {
  mkdirSync('test-output', { recursive: true });
  writeFileSync(join('test-output', 'detector-e2e.json'), JSON.stringify(figures, null, 2));
}

let stack: Awaited<ReturnType<typeof buildStackApp>>;
let clusterId: string;
let detector: TenancyWorkerProcess | undefined;
/** Output of detector processes already stopped, kept for test-output/detector-process.log. */
const detectorOutput: string[] = [];
let admin: Admin;
let producer: Producer;
let consumer: Consumer;
let loadTimer: NodeJS.Timeout | undefined;
let produced = 0;
let consumed = 0;
const topic = uniqueName('detector-load');
const figures: Record<string, unknown> = {};
/** Partition p is led by preference by broker p + 1, one replica per rack (az1: 1,2; az2: 3,4; az3: 5,6). */
const LOAD_ASSIGNMENT = [[1, 3, 5], [2, 4, 6], [3, 5, 1], [4, 6, 2], [5, 1, 3], [6, 2, 4]];

const expectStatus = (status: number, method: Method, url: string, body?: unknown): Promise<Json> => expectStatusOf(stack.app, status, method, url, operatorAuth, body);

interface BrokerHealthView {
  brokers: { brokerId: number; state: string; since: string }[];
  recentTransitions: { brokerId: number; from: string; to: string; at: string; reason: string }[];
}
const health = async () => (await expectStatus(200, 'GET', `/v1/kafka-clusters/${clusterId}/health`)) as unknown as BrokerHealthView;
const stateOf = async (nodeId: number) => (await health()).brokers.find((b) => b.brokerId === nodeId)?.state;
const waitForState = (nodeId: number, state: string, timeoutMs: number) =>
  eventually(async () => ((await stateOf(nodeId)) === state ? Date.now() : undefined), { timeoutMs, intervalMs: 500, what: `broker ${nodeId} ${state}` });
/** When the detector recorded the broker's move into `state` (the decision itself, not when a poll saw it). */
async function recordedAt(nodeId: number, state: BrokerHealthState, sinceMs: number): Promise<number> {
  const transition = await stack.deps.prisma.brokerHealthTransition.findFirstOrThrow({
    where: { physicalClusterId: clusterId, nodeId, toState: state, at: { gte: new Date(sinceMs) } },
    orderBy: { at: 'asc' },
  });
  return transition.at.getTime();
}

interface MitigationView {
  id: string;
  kind: string;
  state: string;
  brokerId: number;
  step: string | null;
  outcome: Record<string, unknown>;
  completedAt: string | null;
  createdAt: string;
}
const mitigations = async (query: string) => ((await expectStatus(200, 'GET', `/v1/mitigations?clusterId=${clusterId}&${query}`)) as { items: MitigationView[] }).items;

/** Partitions of every topic as a second client sees them (leader, replicas, ISR). */
async function partitions(): Promise<{ topic: string; partition: number; leader: number; replicas: number[]; isr: number[] }[]> {
  const topics = (await admin.listTopics()).filter((t) => t !== '_cellar-probe');
  const metadata = await admin.fetchTopicMetadata({ topics });
  return metadata.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partitionId, leader: p.leader, replicas: p.replicas, isr: p.isr })));
}

/** kafka-topics --describe --under-min-isr-partitions, Kafka's own view: the partitions below min ISR. */
async function underMinIsr(): Promise<string[]> {
  const out = await kafkaTool(kafka(), 'topics', ['--describe', '--under-min-isr-partitions', '--exclude-internal']);
  return out.split('\n').filter((line) => line.includes('Partition:'));
}

/** kafka-topics --describe of the load topic: leader per partition and preferred (first) replica. */
async function describeLoadTopic(): Promise<{ partition: number; leader: number; replicas: number[] }[]> {
  const out = await kafkaTool(kafka(), 'topics', ['--describe', '--topic', topic]);
  return [...out.matchAll(/Partition: (\d+)\s+Leader: (-?\d+)\s+Replicas: ([\d,]+)/g)].map((m) => ({ partition: Number(m[1]), leader: Number(m[2]), replicas: (m[3] as string).split(',').map(Number) }));
}

/**
 * Runs one fault trial; when it fails, waits (best effort) for the victim to be HEALTHY and
 * every replica back in sync before failing, so the next trial starts from a whole cluster and
 * one failure is not counted again by the trials after it.
 */
async function isolatedTrial(victim: number, trial: () => Promise<void>): Promise<void> {
  try {
    await trial();
  } catch (error) {
    await waitForState(victim, 'HEALTHY', 240_000).catch(() => undefined);
    await waitUntilWhole().catch(() => undefined);
    throw error;
  }
}

async function waitUntilWhole(): Promise<void> {
  await eventually(async () => ((await partitions()).every((p) => p.isr.length === p.replicas.length) ? true : undefined), { timeoutMs: 120_000, intervalMs: 1_000, what: 'every replica back in sync' });
}

beforeAll(async () => {
  stack = await buildStackApp();
  ({ clusterId } = await ensureTestCluster(stack.app));
  const client = secondClient('detector-e2e', undefined, { requestTimeout: 5_000, retry: { retries: 8, initialRetryTime: 200 } });
  admin = client.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [{ topic, replicaAssignment: LOAD_ASSIGNMENT.map((replicas, partition) => ({ partition, replicas })), configEntries: [{ name: 'min.insync.replicas', value: '2' }] }],
  });
  producer = client.producer({ allowAutoTopicCreation: false });
  consumer = client.consumer({ groupId: `${topic}-group` });
  await Promise.all([producer.connect(), consumer.connect()]);
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async () => void consumed++ });
  // Steady load: 20 batches a second of 6 records (one per partition), acks=all; errors while a broker is frozen are expected.
  loadTimer = setInterval(() => {
    producer
      .send({ topic, acks: -1, timeout: 5_000, messages: [0, 1, 2, 3, 4, 5].map((partition) => ({ partition, value: 'x'.repeat(512) })) })
      .then(() => void (produced += 6))
      .catch(() => undefined);
  }, 50);
  detector = startDetector(stack.redisPrefix, DETECTOR_ENV);
  // The first rounds create the probe topic and learn every broker's history.
  await eventually(async () => ((await stack.deps.prisma.brokerSample.count({ where: { physicalClusterId: clusterId, produceMs: { not: null } } })) >= 6 * 10 ? true : undefined), {
    timeoutMs: 120_000,
    intervalMs: 1_000,
    what: 'ten rounds of canaries',
  });
}, 300_000);

afterAll(async () => {
  if (loadTimer) clearInterval(loadTimer);
  await detector?.stop();
  await Promise.allSettled([producer?.disconnect(), consumer?.disconnect()]);
  await admin?.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin?.disconnect();
  mkdirSync('test-output', { recursive: true });
  // The detector's own record of the run, for reading a failure after the database is gone.
  const samples = await stack?.deps.prisma.brokerSample.findMany({ where: { physicalClusterId: clusterId }, orderBy: { at: 'asc' } }).catch(() => []);
  const transitions = await stack?.deps.prisma.brokerHealthTransition.findMany({ where: { physicalClusterId: clusterId }, orderBy: { at: 'asc' } }).catch(() => []);
  writeFileSync(join('test-output', 'detector-samples.json'), JSON.stringify({ samples, transitions }, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 1));
  await stack?.close();
  writeFileSync(join('test-output', 'detector-e2e.json'), JSON.stringify({ ...figures, produced, consumed }, null, 2));
  writeFileSync(join('test-output', 'detector-process.log'), detectorOutput.join('') + (detector?.output() ?? ''));
}, 120_000);

function healthyRun(): void {
  it('makes no state change on a healthy cluster under load', async () => {
    const since = new Date();
    await new Promise((r) => setTimeout(r, HEALTHY_RUN_MS));
    const transitions = await stack.deps.prisma.brokerHealthTransition.findMany({ where: { physicalClusterId: clusterId, at: { gte: since } } });
    const rounds = await stack.deps.prisma.brokerSample.count({ where: { physicalClusterId: clusterId, at: { gte: since } } });
    const failures = await stack.deps.prisma.brokerSample.findMany({ where: { physicalClusterId: clusterId, at: { gte: since }, probeError: { not: null } }, select: { nodeId: true, probeError: true, at: true } });
    figures['healthyRun'] = { ms: HEALTHY_RUN_MS, brokerRounds: rounds, transitions: transitions.length, produced, probeFailures: failures.map((f) => `${f.at.toISOString()} ${f.nodeId}: ${f.probeError}`) };
    saveFigures();
    expect(transitions.map((t) => `${t.nodeId}: ${t.fromState} -> ${t.toState} (${t.reason})`)).toEqual([]);
    // At least one judged round per broker every 6 s (rounds are every 3 s).
    expect(rounds).toBeGreaterThan((6 * HEALTHY_RUN_MS) / 6_000);
    expect(produced).toBeGreaterThan(0);
  }, HEALTHY_RUN_MS + 60_000);
}

describe('degradation detector on the real cluster under load', () => {
  // In CI the healthy run comes first; the benchmark runs its fault trials first, so a run cut short keeps them.
  if (TRIALS === 1) healthyRun();

  it.for(FREEZE_VICTIMS.slice(0, TRIALS))('a frozen broker (%i) becomes UNREACHABLE and loses leadership, then recovers and gets preferred leadership back', { timeout: 600_000 }, (victim: number) => isolatedTrial(victim, async () => {
    const pid = kafka().brokers.find((b) => b.nodeId === victim)!.pid;
    const frozenAt = Date.now();
    process.kill(pid, 'SIGSTOP');
    try {
      await waitForState(victim, 'UNREACHABLE', 90_000);
      const unreachableAt = await recordedAt(victim, 'UNREACHABLE', frozenAt);
      const leadershipOffAt = await eventually(async () => ((await partitions()).some((p) => p.leader === victim) ? undefined : Date.now()), { timeoutMs: 90_000, intervalMs: 500, what: 'no partition led by the frozen broker' });
      const [demote] = await eventually(async () => {
        const rows = (await mitigations(`brokerId=${victim}&state=COMPLETED`)).filter((m) => m.kind === 'DEMOTE' && Date.parse(m.createdAt) >= frozenAt);
        return rows.length > 0 ? rows : undefined;
      }, { timeoutMs: 60_000, intervalMs: 500, what: 'the DEMOTE mitigation completed' });
      record('freeze', { victim, detectionMs: unreachableAt - frozenAt, leadershipOffMs: leadershipOffAt - frozenAt, mitigatedMs: Date.parse(demote!.completedAt!) - frozenAt, demoteOutcome: demote!.outcome });
      expect(demote!.outcome).toMatchObject({ leadersOnBrokerAfter: 0 });
      // Kafka's own tool: the preferred order now puts another in-sync replica first for the
      // partitions the broker used to lead by preference, and nothing is under min ISR.
      const described = await describeLoadTopic();
      expect(described.filter((p) => p.replicas[0] === victim)).toEqual([]);
      expect(described.every((p) => p.leader !== victim)).toBe(true);
      expect(await underMinIsr()).toEqual([]);
      // Every other broker stayed HEALTHY.
      expect((await health()).brokers.filter((b) => b.brokerId !== victim).map((b) => b.state)).toEqual(['HEALTHY', 'HEALTHY', 'HEALTHY', 'HEALTHY', 'HEALTHY']);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    const resumedAt = Date.now();
    await waitForState(victim, 'RECOVERING', 120_000);
    const healthyAt = await waitForState(victim, 'HEALTHY', 180_000);
    const restore = await eventually(async () => (await mitigations(`brokerId=${victim}&state=COMPLETED`)).find((m) => m.kind === 'RESTORE' && Date.parse(m.createdAt) >= resumedAt), { timeoutMs: 60_000, intervalMs: 500, what: 'the RESTORE mitigation completed' });
    await waitUntilWhole();
    const described = await describeLoadTopic();
    record('freezeRecovery', { victim, healthyAfterResumeMs: healthyAt - resumedAt, restoredMs: Date.parse(restore.completedAt!) - resumedAt, restoreOutcome: restore.outcome });
    // Preferred leadership is back: the broker is first replica and leader of its partition again.
    const own = described.find((p) => p.partition === victim - 1)!;
    expect(own.replicas[0]).toBe(victim);
    expect(own.leader).toBe(victim);
  }));

  it.for(SLOW_VICTIMS.slice(0, TRIALS))('a CPU-starved broker (%i) becomes SLOW and is demoted while every other broker stays HEALTHY', { timeout: 600_000 }, (victim: number) => isolatedTrial(victim, async () => {
    const pid = kafka().brokers.find((b) => b.nodeId === victim)!.pid;
    let limit: CpuLimit | undefined;
    const since = new Date();
    const slowedAt = Date.now();
    limit = limitCpu(pid, 0.1, `cellar-test-${testStack().runId}-${victim}`);
    try {
      await waitForState(victim, 'SLOW', 120_000);
      const slowAt = await recordedAt(victim, 'SLOW', slowedAt);
      const demote = await eventually(async () => (await mitigations(`brokerId=${victim}&state=COMPLETED`)).find((m) => m.kind === 'DEMOTE' && Date.parse(m.createdAt) >= since.getTime()), { timeoutMs: 60_000, intervalMs: 500, what: 'the DEMOTE mitigation completed' });
      // The second client may ask the starved broker itself, whose metadata cache trails the
      // controller's by seconds at 10% of a CPU: wait for the view to settle, do not take its first word.
      const ledAfter = await partitions().then((all) => all.filter((p) => p.leader === victim).length);
      const led = await eventually(async () => {
        const count = (await partitions()).filter((p) => p.leader === victim).length;
        return count === 0 ? count : undefined;
      }, { timeoutMs: 30_000, intervalMs: 1_000, what: `no partition led by the starved broker ${victim}` }).catch(() => ledAfter);
      record('slow', { victim, detectionMs: slowAt - slowedAt, mitigatedMs: Date.parse(demote.completedAt!) - slowedAt, leadersLeftAtFirstRead: ledAfter, outcome: demote.outcome });
      expect(led).toBe(0);
      const others = await stack.deps.prisma.brokerHealthTransition.findMany({ where: { physicalClusterId: clusterId, at: { gte: since }, nodeId: { not: victim } } });
      expect(others.map((t) => `${t.nodeId}: ${t.fromState} -> ${t.toState}`)).toEqual([]);
    } finally {
      limit.release();
      limit = undefined;
    }
    await waitForState(victim, 'HEALTHY', 180_000);
    await waitUntilWhole();
  }));

  it('finishes a mitigation a killed detector left half done, and says it resumed', async () => {
    const victim = 1;
    await detector!.stop();
    detectorOutput.push(detector!.output());
    detector = startDetector(stack.redisPrefix, { ...DETECTOR_ENV, CELLAR_FAULT_CRASH_AFTER_STEP: 'mitigate-demote:submit' });
    // The operator's request id is the correlation id of everything the demotion does.
    const requestId = uniqueName('demote-request');
    await expectStatusOf(stack.app, 202, 'POST', `/v1/kafka-clusters/${clusterId}/brokers/${victim}/demote`, { ...operatorAuth, 'x-request-id': requestId }, { note: 'detector e2e: crash mid-mitigation' });
    const exit = await detector.exited;
    expect(exit.code).toBe(137);
    const [halfDone] = await mitigations(`brokerId=${victim}&state=IN_PROGRESS`);
    expect(halfDone).toMatchObject({ kind: 'DEMOTE', step: 'await' });
    expect(await stateOf(victim)).toBe('DEMOTED');

    const restartedAt = Date.now();
    detectorOutput.push(detector.output());
    detector = startDetector(stack.redisPrefix, DETECTOR_ENV);
    const finished = await eventually(async () => {
      const row = (await mitigations(`brokerId=${victim}`)).find((m) => m.id === halfDone!.id);
      return row && row.state !== 'IN_PROGRESS' ? row : undefined;
    }, { timeoutMs: 90_000, intervalMs: 500, what: 'the half-done mitigation finished' });
    figures['crashResume'] = { resumeMs: Date.parse(finished.completedAt!) - restartedAt, outcome: finished.outcome };
    saveFigures();
    expect(finished.state).toBe('COMPLETED');
    expect(finished.outcome).toMatchObject({ resumedAtStep: 'await', leadersOnBrokerAfter: 0 });
    expect((await describeLoadTopic()).every((p) => p.leader !== victim)).toBe(true);

    // Traceability: the request's id leads from the audit record through the transition and the
    // mitigation to each leadership move on Kafka, and into the resumed detector's log lines.
    const trace = (await expectStatus(200, 'GET', `/v1/traces/${requestId}`)) as { events: { kind: string; summary: string; details: Record<string, unknown> }[] };
    const kinds = trace.events.map((e) => e.kind);
    expect(kinds.slice(0, 3)).toEqual(['audit', 'health-transition', 'mitigation']);
    expect(trace.events[0]).toMatchObject({ details: { actor: 'operator', action: 'broker.demote.requested' } });
    expect(trace.events[1]).toMatchObject({ details: { from: 'HEALTHY', to: 'DEMOTED', actor: 'operator' } });
    const leadershipMoves = trace.events.filter((e) => e.kind === 'partition-move' && e.details['leaderBefore'] === victim);
    expect(leadershipMoves.map((e) => e.details['topic'])).toContain(topic);
    const timeline = (await expectStatus(200, 'GET', `/v1/kafka-clusters/${clusterId}/timeline?brokerId=${victim}&kinds=partition-move`)) as { events: { correlationId: string; summary: string }[] };
    expect(timeline.events.filter((e) => e.correlationId === requestId).map((e) => e.summary)).toContainEqual(expect.stringMatching(new RegExp(`^${topic}-0: \\[1,3,5\\] → \\[\\d,\\d,\\d\\], leadership 1 → \\d done \\(mitigation DEMOTE of broker 1\\)$`)));
    expect(detector.output()).toContain(requestId);

    // The operator gives the broker back; preferred leadership returns with it.
    await expectStatus(409, 'POST', `/v1/kafka-clusters/${clusterId}/brokers/${victim}/demote`);
    await expectStatus(202, 'POST', `/v1/kafka-clusters/${clusterId}/brokers/${victim}/restore`);
    await waitForState(victim, 'HEALTHY', 60_000);
    await eventually(async () => (await mitigations(`brokerId=${victim}&state=COMPLETED`)).find((m) => m.kind === 'RESTORE'), { timeoutMs: 60_000, what: 'the RESTORE mitigation completed' });
    await eventually(async () => ((await describeLoadTopic()).find((p) => p.partition === victim - 1)?.leader === victim ? true : undefined), { timeoutMs: 60_000, intervalMs: 2_000, what: 'preferred leadership back on the restored broker' });
  }, 600_000);

  it('answers bad override requests with problem+json and changes nothing', async () => {
    // The detector keeps judging meanwhile, so "nothing" is what an override would change: no operator transition, no mitigation.
    const since = new Date();
    const mitigationsBefore = await stack.deps.prisma.mitigation.count({ where: { physicalClusterId: clusterId } });
    const bad = await expectStatus(404, 'POST', `/v1/kafka-clusters/${clusterId}/brokers/99/drain`);
    expect(bad).toMatchObject({ code: 'broker_not_found' });
    expect(await expectStatus(400, 'POST', `/v1/kafka-clusters/${clusterId}/brokers/1/drain`, { unexpected: true })).toMatchObject({ code: 'validation_failed' });
    expect(await expectStatus(404, 'GET', '/v1/mitigations/nope')).toMatchObject({ code: 'mitigation_not_found' });
    expect(await expectStatus(400, 'GET', '/v1/mitigations?state=SIDEWAYS')).toMatchObject({ code: 'validation_failed' });
    expect(await stack.deps.prisma.brokerHealthTransition.count({ where: { physicalClusterId: clusterId, actor: 'operator', at: { gte: since } } })).toBe(0);
    expect(await stack.deps.prisma.mitigation.count({ where: { physicalClusterId: clusterId } })).toBe(mitigationsBefore);
  });

  if (TRIALS > 1) healthyRun();
});
