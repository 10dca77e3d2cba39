import { randomUUID } from 'node:crypto';
import { ClusterLockBusyError } from '@cellar/cluster-lock';
import type { Broker, Prisma } from '@cellar/db';
import { assessRound, HEALTH_STATES, reviveHealth, step, type BrokerHealth, type HealthState, type BrokerObservation, type HealthInput, type HealthTransition } from '@cellar/health';
import { metricSamples } from '@cellar/tenancy';
import type { JobDefinition } from '@cellar/worker-runtime';
import type { Logger } from 'pino';
import { z } from 'zod';
import { brokerSignals, signalLines, windowedMeanMs, windowedOwnTimeMs, type BrokerSignals } from '../broker-signals';
import { ClusterProber, type BrokerProbeResult } from '../cluster-prober';
import type { DetectorDeps } from '../detector-deps';
import { decideMitigation } from '../mitigation-decision';
import { ensureProbeTopic, PROBE_TOPIC, type ProbeBroker } from '../probe-topic';

interface ClusterRuntime {
  prober: ClusterProber;
  /** Last ISR-shrink counter per broker and when it was read, for a per-second rate. */
  isrShrinks: Map<number, { total: number; at: number }>;
  /** Last timer totals per broker, for the means over the time between two scrapes. */
  timers: Map<number, Pick<BrokerSignals, 'produceTimers' | 'fetchTimers' | 'logFlushTime'>>;
  guardWasTripped: boolean;
  /** The last scrape of each broker; scrapes run beside the rounds, never holding one up. */
  scraped: Map<number, { signals: BrokerSignals | null; means: TimerMeans | null; error: string | null; at: number }>;
  scraping: Promise<void> | null;
}

/**
 * One detector round for every active physical cluster: canaries to every broker, a scrape
 * of every broker's metrics, a verdict per broker against its peers and its own history,
 * one step of each broker's health state machine, and a mitigation for each transition that
 * calls for one. Rounds of one cluster never overlap (a lease per cluster, separate from
 * the cluster lock the mitigations and the balancer share).
 */
export function detectorRoundJob(deps: DetectorDeps): JobDefinition & { close(): Promise<void> } {
  const runtimes = new Map<string, Promise<ClusterRuntime>>();
  const runtimeFor = (clusterId: string, brokers: ProbeBroker[], logger: Logger) => {
    let runtime = runtimes.get(clusterId);
    if (!runtime) {
      runtime = (async () => {
        await ensureProbeTopic(await deps.admins.forCluster(clusterId), brokers, logger);
        const connection = await deps.admins.connectionFor(clusterId);
        return { prober: new ClusterProber(connection, deps.settings.probeTimeoutMs, deps.settings.canariesPerRound), isrShrinks: new Map(), timers: new Map(), guardWasTripped: false, scraped: new Map(), scraping: null };
      })();
      runtimes.set(clusterId, runtime);
      runtime.catch(() => runtimes.delete(clusterId));
    }
    return runtime;
  };

  return {
    name: 'detector-round',
    data: z.object({}).passthrough(),
    everyMs: deps.settings.roundIntervalMs,
    async handle(_data, logger) {
      const clusters = await deps.prisma.physicalCluster.findMany({ where: { status: 'ACTIVE' }, select: { id: true, name: true } });
      await Promise.all(
        clusters.map(async (cluster) => {
          const log = logger.child({ cluster: cluster.name, clusterId: cluster.id });
          try {
            await deps.roundLocks.withLock(cluster.id, { actor: 'detector', purpose: 'round' }, async () => {
              const brokers = await deps.prisma.broker.findMany({ where: { clusterId: cluster.id }, orderBy: { nodeId: 'asc' } });
              if (brokers.length === 0) return;
              const runtime = await runtimeFor(cluster.id, brokers.map((b) => ({ nodeId: b.nodeId, rack: b.rack })), log);
              await runRound(deps, cluster, brokers, runtime, log);
            });
          } catch (error) {
            if (error instanceof ClusterLockBusyError) return; // another process is running this cluster's round
            deps.metrics?.rounds.inc({ cluster: cluster.id, outcome: 'failed' });
            log.error({ err: error }, 'detector round failed');
          }
        }),
      );
      await pruneSamples(deps);
    },
    async close() {
      const all = [...runtimes.values()];
      runtimes.clear();
      await Promise.all(all.map(async (r) => (await r.catch(() => undefined))?.prober.close()));
    },
  };
}

let lastPrune = 0;
async function pruneSamples(deps: DetectorDeps): Promise<void> {
  if (Date.now() - lastPrune < 60_000) return;
  lastPrune = Date.now();
  await deps.prisma.brokerSample.deleteMany({ where: { at: { lt: new Date(Date.now() - deps.settings.sampleRetentionMs) } } });
}

/** Produce and fetch time (the broker's own part) and log-flush time as means over the time since the broker's previous scrape. */
interface TimerMeans {
  produceTimeMeanMs: number | null;
  fetchTimeMeanMs: number | null;
  logFlushTimeMeanMs: number | null;
}

function timerMeans(previous: Pick<BrokerSignals, 'produceTimers' | 'fetchTimers' | 'logFlushTime'> | undefined, current: BrokerSignals): TimerMeans {
  return {
    produceTimeMeanMs: windowedOwnTimeMs(previous?.produceTimers, current.produceTimers),
    fetchTimeMeanMs: windowedOwnTimeMs(previous?.fetchTimers, current.fetchTimers),
    logFlushTimeMeanMs: windowedMeanMs(previous?.logFlushTime, current.logFlushTime),
  };
}

async function scrape(url: string | null, timeoutMs: number): Promise<{ signals: BrokerSignals | null; error: string | null }> {
  if (!url) return { signals: null, error: 'no metrics endpoint registered' };
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) return { signals: null, error: `HTTP ${response.status}` };
    return { signals: brokerSignals(metricSamples(signalLines(await response.text()))), error: null };
  } catch (error) {
    return { signals: null, error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * Hands each probe partition back to its preferred leader when that broker is alive and in
 * sync again (leadership fails over while a broker is down), so its canaries measure it.
 */
async function keepProbeLeadership(deps: DetectorDeps, clusterId: string, probes: readonly BrokerProbeResult[], logger: Logger): Promise<void> {
  const view = probes.find((p) => p.view)?.view;
  if (!view) return;
  const astray = view.partitions.filter((p) => p.leader !== p.replicas[0] && p.isr.includes(p.replicas[0]!) && view.liveBrokers.includes(p.replicas[0]!));
  if (astray.length === 0) return;
  const admin = await deps.admins.forCluster(clusterId);
  await admin.electLeaders('preferred', astray.map((p) => ({ topic: PROBE_TOPIC, partition: p.partition }))).catch((error: unknown) => {
    logger.warn({ err: error }, 'probe partition leadership could not be restored this round');
  });
}

/** A broker is fenced when most brokers that answered no longer list it as alive. */
function fencedBrokers(results: readonly BrokerProbeResult[]): Set<number> {
  const views = results.flatMap((r) => (r.view ? [r.view] : []));
  const fenced = new Set<number>();
  if (views.length === 0) return fenced;
  for (const { nodeId } of results) {
    const listing = views.filter((v) => v.liveBrokers.includes(nodeId)).length;
    if (listing * 2 < views.length) fenced.add(nodeId);
  }
  return fenced;
}

/** The broker's health as stored; memory from another version starts afresh. */
export function healthOf(broker: Broker): BrokerHealth {
  return reviveHealth(broker.healthState, broker.healthSince.getTime(), broker.healthMemory);
}

async function runRound(deps: DetectorDeps, cluster: { id: string; name: string }, brokers: Broker[], runtime: ClusterRuntime, logger: Logger): Promise<void> {
  const { settings, metrics } = deps;
  // Canaries first and alone: scraping and parsing in the same moment would delay their timers.
  const probes = await runtime.prober.round(brokers);
  const now = Date.now();
  await keepProbeLeadership(deps, cluster.id, probes, logger);
  // A JMX exporter on a busy broker can take seconds to answer: scrapes run on their own and
  // each round judges the latest one, if it is recent enough.
  runtime.scraping ??= Promise.all(
    brokers.map(async (b) => {
      const scraped = await scrape(b.metricsUrl, settings.scrapeTimeoutMs);
      let means: TimerMeans | null = null;
      if (scraped.signals) {
        means = timerMeans(runtime.timers.get(b.nodeId), scraped.signals);
        runtime.timers.set(b.nodeId, scraped.signals);
      }
      runtime.scraped.set(b.nodeId, { ...scraped, means, at: Date.now() });
    }),
  ).then(() => void (runtime.scraping = null));
  const scrapes = brokers.map((b) => {
    const last = runtime.scraped.get(b.nodeId);
    if (!last) return { signals: null, means: null, error: 'not scraped yet' };
    if (now - last.at > 3 * settings.roundIntervalMs + settings.scrapeTimeoutMs) return { signals: null, means: null, error: `last scrape ${Math.round((now - last.at) / 1000)} s old` };
    return last;
  });
  const fenced = fencedBrokers(probes);

  const observations: BrokerObservation[] = brokers.map((broker, i) => {
    const probe = probes[i]!;
    const scraped = scrapes[i]!;
    let isrShrinksPerSec: number | null = null;
    if (scraped.signals?.isrShrinksTotal != null) {
      const previous = runtime.isrShrinks.get(broker.nodeId);
      if (previous && now > previous.at) isrShrinksPerSec = Math.max(0, (scraped.signals.isrShrinksTotal - previous.total) / ((now - previous.at) / 1000));
      runtime.isrShrinks.set(broker.nodeId, { total: scraped.signals.isrShrinksTotal, at: now });
    }
    const { isrShrinksTotal: _total, produceTimers: _produce, fetchTimers: _fetch, logFlushTime: _flush, ...signals } = scraped.signals ?? ({} as BrokerSignals);
    for (const [probeKind, ms] of [['produce', probe.produceMs], ['fetch', probe.fetchMs], ['request', probe.requestMs]] as const) {
      if (ms !== null) metrics?.probeLatency.observe({ cluster: cluster.id, broker: String(broker.nodeId), probe: probeKind }, ms / 1000);
    }
    const ok = probe.error === null && probe.produceMs !== null && probe.fetchMs !== null && probe.requestMs !== null;
    if (!ok) metrics?.probeFailures.inc({ cluster: cluster.id, broker: String(broker.nodeId) });
    return {
      nodeId: broker.nodeId,
      cellId: broker.cellId,
      probe: { produceMs: probe.produceMs, fetchMs: probe.fetchMs, requestMs: probe.requestMs, ok, error: probe.error },
      signals: scraped.signals ? { ...signals, ...scraped.means, isrShrinksPerSec } : null,
      fenced: fenced.has(broker.nodeId),
    };
  });

  const healths = new Map(brokers.map((b) => [b.nodeId, healthOf(b)]));
  const assessment = assessRound(observations, new Map([...healths].map(([id, h]) => [id, h.memory])), settings.assessment, now);
  const guard = assessment.guard;
  metrics?.rounds.inc({ cluster: cluster.id, outcome: guard.tripped ? 'guard' : 'judged' });
  if (guard.tripped !== runtime.guardWasTripped) {
    runtime.guardWasTripped = guard.tripped;
    if (guard.tripped) logger.warn({ guard }, 'too many brokers look bad at once: suspecting the probe path or the network, not acting');
    else logger.info('guard cleared: judging brokers again');
    await deps.prisma.auditEvent.create({
      data: {
        correlationId: randomUUID(),
        actor: 'detector',
        action: guard.tripped ? 'detector.guard.tripped' : 'detector.guard.cleared',
        subjectType: 'physical-cluster',
        subjectId: cluster.id,
        clusterId: cluster.id,
        details: JSON.parse(JSON.stringify(guard)) as Prisma.InputJsonValue,
      },
    });
  }

  await deps.prisma.brokerSample.createMany({
    data: brokers.map((broker, i) => ({
      physicalClusterId: cluster.id,
      nodeId: broker.nodeId,
      at: new Date(now),
      produceMs: probes[i]!.produceMs,
      fetchMs: probes[i]!.fetchMs,
      requestMs: probes[i]!.requestMs,
      probeError: probes[i]!.error,
      signals: observations[i]!.signals ? (JSON.parse(JSON.stringify(observations[i]!.signals)) as Prisma.InputJsonValue) : undefined,
      scrapeError: scrapes[i]!.error,
    })),
  });

  for (const broker of brokers) {
    const verdict = assessment.verdicts.get(broker.nodeId);
    if (!verdict) continue;
    const input: HealthInput = { kind: 'round', verdict, guardTripped: guard.tripped };
    const { state } = await applyStep(deps, cluster, broker, healths.get(broker.nodeId)!, input, now, logger);
    setStateGauge(deps, cluster.id, broker.nodeId, state);
  }
}

function setStateGauge(deps: DetectorDeps, cluster: string, nodeId: number, current: HealthState): void {
  for (const state of HEALTH_STATES) deps.metrics?.healthState.set({ cluster, broker: String(nodeId), state }, state === current ? 1 : 0);
}

/**
 * Runs one step of a broker's state machine and stores the result: its memory always, and
 * on a transition the new state, the transition with its evidence, and the mitigation it
 * calls for, in one transaction. The mitigation job is queued after the commit.
 */
export async function applyStep(
  deps: DetectorDeps,
  cluster: { id: string; name: string },
  broker: Broker,
  health: BrokerHealth,
  input: HealthInput,
  now: number,
  logger: Logger,
  correlationId: string = randomUUID(),
): Promise<{ state: HealthState; transition?: HealthTransition; mitigationId?: string }> {
  const { next, transition } = step(health, input, deps.settings.health, now);
  const memory = JSON.parse(JSON.stringify(next.memory)) as Prisma.InputJsonValue;
  if (!transition) {
    await deps.prisma.broker.update({ where: { id: broker.id }, data: { healthMemory: memory } });
    return { state: next.state };
  }
  let mitigationId: string | undefined;
  await deps.prisma.$transaction(async (tx) => {
    await tx.broker.update({ where: { id: broker.id }, data: { healthMemory: memory, healthState: next.state, healthSince: new Date(next.since) } });
    await tx.brokerHealthTransition.create({
      data: {
        physicalClusterId: cluster.id,
        nodeId: broker.nodeId,
        at: new Date(transition.at),
        fromState: transition.from,
        toState: transition.to,
        actor: transition.actor,
        reason: transition.reason,
        evidence: JSON.parse(JSON.stringify({ rule: transition.rule, mitigation: transition.mitigation, ...transition.evidence })) as Prisma.InputJsonValue,
        correlationId,
      },
    });
    mitigationId = await decideMitigation(deps, tx, cluster, broker, transition, correlationId);
  });
  deps.metrics?.transitions.inc({ from: transition.from, to: transition.to });
  setStateGauge(deps, cluster.id, broker.nodeId, next.state);
  logger.info({ broker: broker.nodeId, from: transition.from, to: transition.to, rule: transition.rule, mitigation: transition.mitigation, mitigationId }, transition.reason);
  if (mitigationId) await deps.jobs.mitigate(mitigationId);
  return { state: next.state, transition, ...(mitigationId ? { mitigationId } : {}) };
}
