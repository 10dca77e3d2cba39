/**
 * Named fixtures and a small cluster simulator for the specs: observations of the local
 * six-broker cluster (cells cell-1 = [1, 3, 5], cell-2 = [2, 4, 6]), verdicts for the state
 * machine alone, and a seeded noise source so every run of a spec sees the same numbers.
 */
import { assessRound } from './assess-round';
import { DEFAULT_ASSESSMENT_CONFIG, DEFAULT_HEALTH_CONFIG, type AssessmentConfig, type HealthConfig } from './config';
import { initialHealth } from './memory';
import { step } from './step';
import type { BrokerHealth, BrokerObservation, BrokerSignals, GuardResult, HealthTransition, Verdict } from './types';
import { seededRandom } from '@cellar/cells';

/** The same seed gives the same simulated noise on every run. */
export { seededRandom };

export const NODE_IDS = [1, 2, 3, 4, 5, 6] as const;
export const ROUND_MS = 3_000;
export const T0 = 1_800_000_000_000;

export const cellOf = (nodeId: number) => (nodeId % 2 === 1 ? 'cell-1' : 'cell-2');

/** A broker answering its canaries in `ms` (produce), ms/2 (fetch) and ms/3 (request), with scraped metrics to match. */
export function observation(nodeId: number, ms: number, extra: Partial<BrokerObservation> = {}, signals: BrokerSignals = {}): BrokerObservation {
  return {
    nodeId,
    cellId: cellOf(nodeId),
    probe: { produceMs: ms, fetchMs: ms / 2, requestMs: ms / 3, ok: true },
    signals: {
      requestHandlerIdle: 0.8,
      networkProcessorIdle: 0.85,
      produceTimeMeanMs: ms * 2,
      fetchTimeMeanMs: ms * 3,
      requestQueueSize: 1,
      underReplicatedPartitions: 0,
      isrShrinksPerSec: 0,
      logFlushTimeMeanMs: 3,
      logEndOffsetAdvancing: true,
      ...signals,
    },
    ...extra,
  };
}

/** A broker whose probes time out and whose metrics endpoint does not answer (SIGSTOP). */
export function frozen(nodeId: number): BrokerObservation {
  return { nodeId, cellId: cellOf(nodeId), probe: { produceMs: null, fetchMs: null, requestMs: null, ok: false }, signals: null };
}

/** A verdict for the state machine alone; the flags are what matter. */
export function verdict(flags: { slow?: boolean; unreachable?: boolean; storageStalled?: boolean } = {}, nodeId = 1): Verdict {
  const slow = flags.slow ?? false;
  const unreachable = flags.unreachable ?? false;
  const storageStalled = flags.storageStalled ?? false;
  return {
    nodeId,
    at: T0,
    slow,
    unreachable,
    storageStalled,
    flagged: slow || unreachable || storageStalled,
    evidence: {
      peerScope: 'cluster',
      probe: { produceMs: 5, fetchMs: 3, requestMs: 2, ok: !unreachable },
      fenced: false,
      scrapeOk: true,
      signals: {},
      context: { underReplicatedPartitions: 0, isrShrinksPerSec: 0 },
      fired: [
        ...(slow ? [{ rule: 'slow-vs-peers-and-history' as const, kind: 'slow' as const, detail: 'fixture' }] : []),
        ...(unreachable ? [{ rule: 'probe-failed' as const, kind: 'unreachable' as const, detail: 'fixture' }] : []),
        ...(storageStalled ? [{ rule: 'log-end-offset-stuck' as const, kind: 'storageStalled' as const, detail: 'fixture' }] : []),
      ],
    },
    samples: slow || unreachable ? {} : { produceMs: 5 },
  };
}


/** A standard normal draw (Box–Muller) from a uniform source. */
export function gaussian(random: () => number): number {
  const u = Math.max(random(), Number.EPSILON);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

export interface SimulatedRound {
  round: number;
  now: number;
  guard: GuardResult;
  verdicts: Map<number, Verdict>;
  transitions: (HealthTransition & { nodeId: number })[];
}

/**
 * Runs the detector's loop over a cluster: one `assessRound` per round, one `step` per observed
 * broker, memories carried over. `observe(round)` says what the probes and scrapes saw.
 */
export function simulate(
  rounds: number,
  observe: (round: number) => BrokerObservation[],
  options: { assessment?: AssessmentConfig; health?: HealthConfig; healths?: Map<number, BrokerHealth>; startAt?: number } = {},
) {
  const assessment = options.assessment ?? DEFAULT_ASSESSMENT_CONFIG;
  const healthConfig = options.health ?? DEFAULT_HEALTH_CONFIG;
  const start = options.startAt ?? T0;
  const healths = options.healths ?? new Map<number, BrokerHealth>();
  const log: SimulatedRound[] = [];
  for (let round = 0; round < rounds; round++) {
    const now = start + round * ROUND_MS;
    const observations = observe(round);
    for (const o of observations) if (!healths.has(o.nodeId)) healths.set(o.nodeId, initialHealth(now));
    const memories = new Map([...healths].map(([id, h]) => [id, h.memory]));
    const { verdicts, guard } = assessRound(observations, memories, assessment, now);
    const transitions: SimulatedRound['transitions'] = [];
    for (const [nodeId, v] of verdicts) {
      const { next, transition } = step(healths.get(nodeId)!, { kind: 'round', verdict: v, guardTripped: guard.tripped }, healthConfig, now);
      healths.set(nodeId, next);
      if (transition) transitions.push({ ...transition, nodeId });
    }
    log.push({ round, now, guard, verdicts, transitions });
  }
  return { healths, log, transitions: log.flatMap((r) => r.transitions) };
}

/**
 * Six brokers under steady load: each with its own base latency and log-normal noise, and with
 * probability `spikeRate` per broker and round a one-round hiccup (a GC pause, a page-cache
 * miss) that makes that round `spike`× slower.
 */
export function loadedCluster(seed: number, noise: { sigma?: number; spikeRate?: number; spike?: number } = {}) {
  const { sigma = 0.25, spikeRate = 0, spike = 5 } = noise;
  const random = seededRandom(seed);
  const base = new Map(NODE_IDS.map((id) => [id, 4 + random() * 8]));
  return (round: number, slowdown: (nodeId: number, round: number) => number = () => 1): BrokerObservation[] =>
    NODE_IDS.map((id) => {
      const hiccup = random() < spikeRate ? spike : 1;
      const ms = base.get(id)! * Math.exp(sigma * gaussian(random)) * slowdown(id, round) * hiccup;
      return observation(id, ms, {}, {
        requestHandlerIdle: Math.max(0, 0.7 - 0.02 * gaussian(random)) / slowdown(id, round),
        networkProcessorIdle: 0.8,
        logFlushTimeMeanMs: 2 + random() * 3,
      });
    });
}
