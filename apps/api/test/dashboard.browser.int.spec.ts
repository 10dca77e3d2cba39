/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually, testStack, uniqueName } from '@cellar/test-support';
import type { Admin, Producer } from 'kafkajs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATOR_TOKEN, operatorAuth } from '../src/test-fixtures';
import { ensureTestCluster } from './support/fleet';
import { secondClient } from './support/kafka-client';
import { buildStackApp } from './support/stack-app';
import { freePort, startApi, startBalancer, startDetector, type TenancyWorkerProcess } from './support/worker';

/**
 * The SRE dashboard in a real browser (Debian's Chromium, driven by playwright-core) against
 * the real running system: the API process, the degradation detector and the balancer on the
 * test stack's Kafka under a little produce load. Its numbers are checked against the API's,
 * and a broker frozen during the test must show its state change on the page, with the why.
 */

const CHROMIUM = process.env['CELLAR_CHROMIUM'] ?? '/usr/bin/chromium';
const OUTPUT = 'test-output';
/** Partition p is led by preference by broker p + 1, one replica per rack. */
const LOAD_ASSIGNMENT = [[1, 3, 5], [2, 4, 6], [3, 5, 1], [4, 6, 2], [5, 1, 3], [6, 2, 4]];
const VICTIM = 4;

let stack: Awaited<ReturnType<typeof buildStackApp>>;
let clusterId: string;
let baseUrl: string;
const processes: TenancyWorkerProcess[] = [];
let browser: Browser;
let page: Page;
let admin: Admin;
let producer: Producer;
let loadTimer: NodeJS.Timeout | undefined;
const topic = uniqueName('dashboard-load');
const failedRequests: string[] = [];
const consoleErrors: string[] = [];

const api = async <T>(path: string): Promise<T> => {
  const response = await fetch(`${baseUrl}${path}`, { headers: operatorAuth });
  if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
};
/** What the page writes for a load: one decimal and a percent sign. */
const pct = (value: number | null | undefined) => (value === null || value === undefined ? '–' : `${value.toFixed(1)}%`);

interface LoadView {
  clusterLoad: number | null;
  sampledAt: string | null;
  brokers: { id: number; load: number }[];
}
interface HealthView {
  brokers: { brokerId: number; state: string }[];
}

async function pageFigures() {
  return page.evaluate(() => {
    const headline = document.getElementById('cluster-load')!;
    return {
      clusterLoad: headline.textContent,
      sampledAt: headline.dataset['sampledAt'] ?? '',
      brokers: [...document.querySelectorAll<HTMLTableRowElement>('#brokers tr')].map((row) => ({
        id: Number(row.dataset['brokerId']),
        state: row.dataset['state'] ?? '',
        load: row.querySelector('td.load')?.textContent ?? '',
      })),
    };
  });
}

beforeAll(async () => {
  stack = await buildStackApp();
  ({ clusterId } = await ensureTestCluster(stack.app));
  const client = secondClient('dashboard-browser', undefined, { retry: { retries: 8, initialRetryTime: 200 } });
  admin = client.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [{ topic, replicaAssignment: LOAD_ASSIGNMENT.map((replicas, partition) => ({ partition, replicas })), configEntries: [{ name: 'min.insync.replicas', value: '2' }] }],
  });
  producer = client.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  loadTimer = setInterval(() => {
    producer.send({ topic, acks: -1, timeout: 5_000, messages: [0, 1, 2, 3, 4, 5].map((partition) => ({ partition, value: 'x'.repeat(2048) })) }).catch(() => undefined);
  }, 100);

  // The system as `npm run up` runs it: the API process and both workers on one queue prefix.
  const prefix = `${testStack().redisPrefix}:${uniqueName('dashboard')}`;
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  processes.push(
    startApi(prefix, port),
    startDetector(prefix, { DETECTOR_HEALTH: JSON.stringify({ recoveryCoolDownMs: 10_000, cleanRoundsToRecover: 3 }) }),
    startBalancer(prefix, { BALANCER_SAMPLE_INTERVAL_MS: '3000' }),
  );
  await eventually(async () => ((await fetch(`${baseUrl}/readyz`).catch(() => undefined))?.ok ? true : undefined), { timeoutMs: 60_000, what: 'the API process to be ready' });

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  page.on('response', (response) => {
    if (response.status() >= 400) failedRequests.push(`${response.status()} ${response.url()}`);
  });
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  mkdirSync(OUTPUT, { recursive: true });
}, 300_000);

afterAll(async () => {
  if (loadTimer) clearInterval(loadTimer);
  await browser?.close().catch(() => undefined);
  await Promise.allSettled(processes.map((p) => p.stop()));
  // What the detector saw and decided, for reading a failure after the database is gone.
  const since = new Date(Date.now() - 30 * 60_000);
  const samples = await stack?.deps.prisma.brokerSample.findMany({ where: { physicalClusterId: clusterId, at: { gte: since } }, orderBy: { at: 'asc' } }).catch(() => []);
  const transitions = await stack?.deps.prisma.brokerHealthTransition.findMany({ where: { physicalClusterId: clusterId, at: { gte: since } }, orderBy: { at: 'asc' } }).catch(() => []);
  writeFileSync(join(OUTPUT, 'dashboard-detector.json'), JSON.stringify({ samples, transitions }, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 1));
  writeFileSync(join(OUTPUT, 'dashboard-processes.log'), processes.map((p) => p.output()).join('\n'));
  await producer?.disconnect().catch(() => undefined);
  await admin?.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin?.disconnect().catch(() => undefined);
  await stack?.close();
}, 120_000);

describe('the SRE dashboard in Chromium', () => {
  it('loads with live cluster load, charts and broker states, and its numbers are the API’s', async () => {
    // The token travels in the fragment, which the browser never sends to a server.
    const openedAt = Date.now();
    await page.goto(`${baseUrl}/dashboard#token=${encodeURIComponent(OPERATOR_TOKEN)}`);
    expect(new URL(page.url()).hash).toBe('');
    await page.waitForSelector('#brokers tr[data-broker-id="6"]', { timeout: 30_000 });
    // Measured, not asserted: how long until the first data is on the page, and what it loaded.
    const loaded = await page.evaluate(() => {
      const navigation = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      const resources = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
      const assets = resources.filter((r) => r.name.includes('/dashboard/'));
      return { domContentLoadedMs: Math.round(navigation.domContentLoadedEventEnd), assets: assets.length, assetBytes: assets.reduce((sum, r) => sum + r.transferSize, 0) };
    });
    const figures = { firstDataMs: Date.now() - openedAt, ...loaded };
    writeFileSync(join(OUTPUT, 'dashboard-figures.json'), JSON.stringify(figures, null, 2));
    process.stdout.write(`[dashboard] ${JSON.stringify(figures)}\n`);

    // Compare against the API once the page shows the same load sample the API answers with.
    const matched = await eventually(
      async () => {
        const [shown, load, health] = await Promise.all([pageFigures(), api<LoadView>(`/v1/kafka-clusters/${clusterId}/load`), api<HealthView>(`/v1/kafka-clusters/${clusterId}/health`)]);
        if (!load.sampledAt || shown.sampledAt !== load.sampledAt) return undefined;
        const states = new Map(health.brokers.map((b) => [b.brokerId, b.state]));
        if (shown.brokers.some((b) => states.get(b.id) !== b.state)) return undefined; // a transition between the two reads
        return { shown, load, health };
      },
      { timeoutMs: 90_000, intervalMs: 1_000, what: 'the page to show the load sample the API answers with' },
    );
    expect(matched.shown.clusterLoad).toBe(pct(matched.load.clusterLoad));
    expect(matched.shown.brokers.map((b) => b.id)).toEqual(matched.health.brokers.map((b) => b.brokerId));
    const apiLoad = new Map(matched.load.brokers.map((b) => [b.id, pct(b.load)]));
    expect(matched.shown.brokers.map((b) => [b.id, b.load])).toEqual(matched.shown.brokers.map((b) => [b.id, apiLoad.get(b.id) ?? '–']));

    // Live: the headline follows new samples without a reload.
    const first = matched.shown.sampledAt;
    await page.waitForFunction((before) => document.getElementById('cluster-load')!.dataset['sampledAt'] !== before, first, { timeout: 30_000 });

    // Charts drawn by uPlot, the cells panel with the API's cells.
    await page.waitForSelector('#chart-cells canvas', { timeout: 30_000 });
    await page.waitForSelector('#chart-brokers canvas', { timeout: 30_000 });
    const cells = await api<{ cells: { id: string; name: string }[] }>(`/v1/kafka-clusters/${clusterId}/cell-usage`);
    for (const cell of cells.cells) await page.waitForSelector(`.cell[data-cell-id="${cell.id}"]`, { timeout: 10_000 });
    await page.screenshot({ path: join(OUTPUT, 'dashboard.png'), fullPage: true });
    expect(failedRequests).toEqual([]);
    expect(consoleErrors).toEqual([]);
  }, 180_000);

  it('shows a frozen broker change state, why, and the leadership it lost; then its recovery', async () => {
    // The detector judges slowness only after its warm-up; a freeze is caught at once, but let it learn first.
    await eventually(async () => ((await stack.deps.prisma.brokerSample.count({ where: { physicalClusterId: clusterId, produceMs: { not: null } } })) >= 6 * 10 ? true : undefined), {
      timeoutMs: 120_000,
      intervalMs: 1_000,
      what: 'ten rounds of canaries',
    });
    const pid = testStack().kafka.brokers.find((b) => b.nodeId === VICTIM)!.pid;
    const frozenAt = new Date();
    process.kill(pid, 'SIGSTOP');
    try {
      await page.waitForSelector(`#brokers tr[data-broker-id="${VICTIM}"][data-state="UNREACHABLE"]`, { timeout: 90_000 });
      await page.screenshot({ path: join(OUTPUT, 'dashboard-broker-frozen.png'), fullPage: true });
      // The mitigation shows up, with its progress, once leadership is off the broker.
      const demote = await eventually(
        async () => (await stack.deps.prisma.mitigation.findFirst({ where: { physicalClusterId: clusterId, nodeId: VICTIM, kind: 'DEMOTE', state: 'COMPLETED', createdAt: { gte: frozenAt } } })) ?? undefined,
        { timeoutMs: 90_000, intervalMs: 1_000, what: 'the DEMOTE mitigation to complete' },
      );
      await page.waitForSelector(`#mitigations tr[data-mitigation-id="${demote.id}"][data-state="COMPLETED"]`, { timeout: 30_000 });

      // Why: the broker's transitions with their evidence, and the leadership its partitions lost.
      await page.click(`#brokers tr[data-broker-id="${VICTIM}"]`);
      await page.waitForSelector('[data-testid="broker-transitions"] li', { timeout: 10_000 });
      const transitions = await page.textContent('[data-testid="broker-transitions"]');
      expect(transitions).toContain('UNREACHABLE');
      expect(transitions).toContain('probe-failed');
      const timeline = await page.textContent('[data-testid="broker-timeline"]');
      expect(timeline).toMatch(new RegExp(`${topic}-3: \\[4,6,2\\] → \\[\\d,\\d,\\d\\], leadership 4 → \\d done \\(mitigation DEMOTE of broker 4\\)`));

      // The trace of the transition: the decision, then each move made on Kafka, in order.
      await page.click('[data-testid="broker-transitions"] li a.cid');
      await page.waitForSelector('[data-testid="trace"] li[data-kind="partition-move"]', { timeout: 10_000 });
      const kinds = await page.$$eval('[data-testid="trace"] li', (items) => items.map((li) => li.getAttribute('data-kind')));
      expect(kinds.slice(0, 2)).toEqual(['health-transition', 'mitigation']);
      expect(kinds).toContain('partition-move');
      await page.screenshot({ path: join(OUTPUT, 'dashboard-trace.png'), fullPage: false });
      await page.click('#close-detail');
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    // Recovery on the page too, and preferred leadership back (the next spec files expect a whole cluster).
    await page.waitForSelector(`#brokers tr[data-broker-id="${VICTIM}"][data-state="HEALTHY"]`, { timeout: 240_000 });
    await eventually(
      async () => {
        const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
        const partition = metadata.topics[0]!.partitions.find((p) => p.partitionId === VICTIM - 1)!;
        return partition.leader === VICTIM && partition.isr.length === 3 ? true : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 2_000, what: 'preferred leadership back on the recovered broker' },
    );
    await page.screenshot({ path: join(OUTPUT, 'dashboard-recovered.png'), fullPage: true });
    expect(consoleErrors).toEqual([]);
  }, 600_000);
});
