import type { AssessmentConfig } from './config';
import { SIGNAL_SPECS, judgedValues, thresholdsFor } from './signals';
import { median, medianAbsoluteDeviation, robustZScore, round3 } from './stats';
import type {
  BrokerMemory,
  BrokerObservation,
  FiredRule,
  GuardResult,
  JudgedSignal,
  RoundAssessment,
  SignalEvidence,
  Verdict,
  VerdictEvidence,
  VerdictRule,
} from './types';

/** What `assessRound` reads of a broker's memory: its own recent values, and its outlier rounds without them. */
export type HistorySource = Pick<BrokerMemory, 'history'> & Partial<Pick<BrokerMemory, 'outlierRounds'>>;

/**
 * Judges every observed broker of one cluster for one round, against its peers (leave-one-out
 * median and MAD over the cluster or its cell) and against its own history, then applies the
 * guard. Pure: the same observations, memories, config and `now` give the same verdicts.
 *
 * A broker with no observation gets no verdict (and the detector should not step it).
 */
export function assessRound(
  observations: readonly BrokerObservation[],
  memories: ReadonlyMap<number, HistorySource | undefined>,
  config: AssessmentConfig,
  now: number,
): RoundAssessment {
  const sorted = [...observations].sort((a, b) => a.nodeId - b.nodeId);
  const values = new Map(sorted.map((o) => [o.nodeId, judgedValues(o)]));
  const verdicts = new Map<number, Verdict>();
  for (const observation of sorted) {
    const { scope, peers } = peersOf(observation, sorted, config);
    const peerValues = peers.map((p) => values.get(p.nodeId)!);
    verdicts.set(
      observation.nodeId,
      judgeBroker(observation, values.get(observation.nodeId)!, peerValues, scope, memories.get(observation.nodeId), config, now),
    );
  }
  return { verdicts, guard: applyGuard([...verdicts.values()], config) };
}

function peersOf(observation: BrokerObservation, all: readonly BrokerObservation[], config: AssessmentConfig) {
  const others = all.filter((o) => o.nodeId !== observation.nodeId);
  if (config.peerScope === 'cell' && observation.cellId !== null) {
    const cellPeers = others.filter((o) => o.cellId === observation.cellId);
    if (cellPeers.length >= config.minPeers) return { scope: 'cell' as const, peers: cellPeers };
  }
  return { scope: 'cluster' as const, peers: others };
}

function judgeBroker(
  observation: BrokerObservation,
  own: Partial<Record<JudgedSignal, number>>,
  peerValues: readonly Partial<Record<JudgedSignal, number>>[],
  peerScope: 'cluster' | 'cell',
  memory: HistorySource | undefined,
  config: AssessmentConfig,
  now: number,
): Verdict {
  const fired: FiredRule[] = [];
  const { probe } = observation;
  const fenced = observation.fenced === true;
  const produceFailsFetchWorks = !probe.ok && probe.produceMs === null && probe.fetchMs !== null;

  if (fenced) fired.push({ rule: 'fenced', kind: 'unreachable', detail: 'the controller no longer lists the broker as alive' });
  if (!probe.ok && !produceFailsFetchWorks) {
    fired.push({ rule: 'probe-failed', kind: 'unreachable', detail: probe.error ? `the canary probe failed: ${probe.error}` : 'the canary probe failed or timed out' });
  }
  const unreachable = fired.length > 0;
  if (produceFailsFetchWorks) {
    fired.push({
      rule: 'produce-fails-fetch-works',
      kind: 'storageStalled',
      detail: `canary produce failed while fetch answered in ${round3(probe.fetchMs!)} ms`,
    });
  }
  if (!unreachable && observation.signals?.logEndOffsetAdvancing === false) {
    fired.push({ rule: 'log-end-offset-stuck', kind: 'storageStalled', detail: 'the probe partition log end offset did not advance' });
  }

  const signals: Partial<Record<JudgedSignal, SignalEvidence>> = {};
  const samples: Partial<Record<JudgedSignal, number>> = {};
  for (const signal of Object.keys(own) as JudgedSignal[]) {
    const value = own[signal]!;
    const peers = peerValues.map((p) => p[signal]).filter((v): v is number => v !== undefined);
    const evidence = judgeSignal(signal, value, peers, memory?.history[signal] ?? [], memory?.outlierRounds?.[signal] ?? 0, config);
    signals[signal] = evidence;
    if (!evidence.outlierVsPeers) samples[signal] = round3(value);
    if (evidence.flagged) fired.push(signalRule(signal, evidence, config));
  }

  const slow = fired.some((f) => f.kind === 'slow');
  const storageStalled = fired.some((f) => f.kind === 'storageStalled');
  const evidence: VerdictEvidence = {
    peerScope,
    probe: { ...probe },
    fenced,
    scrapeOk: observation.signals !== null,
    signals,
    context: {
      underReplicatedPartitions: observation.signals?.underReplicatedPartitions ?? null,
      isrShrinksPerSec: observation.signals?.isrShrinksPerSec ?? null,
    },
    fired,
  };
  return {
    nodeId: observation.nodeId,
    at: now,
    unreachable,
    slow,
    storageStalled,
    flagged: unreachable || slow || storageStalled,
    evidence,
    samples,
  };
}

function judgeSignal(
  signal: JudgedSignal,
  value: number,
  peers: readonly number[],
  history: readonly number[],
  outlierRounds: number,
  config: AssessmentConfig,
): SignalEvidence {
  const t = thresholdsFor(signal, config);
  const enoughPeers = peers.length >= config.minPeers;
  const peerMedian = enoughPeers ? median(peers) : null;
  const peerMad = enoughPeers ? medianAbsoluteDeviation(peers) : null;
  const zScore = peerMedian !== null && peerMad !== null ? robustZScore(value, peerMedian, peerMad, t.minScale) : null;
  const outlierVsPeers =
    peerMedian !== null && zScore !== null && value >= t.floor && value > t.ratioToPeers * peerMedian && zScore >= config.minZScore;
  const historyMedian = history.length >= config.minHistorySamples ? median(history) : null;
  const outlierVsHistory = historyMedian === null ? null : value > t.ratioToHistory * historyMedian;
  // Without a history to judge by, peers alone decide only once the signal has been an outlier
  // for as many rounds as a history needs: the broker was an outlier all along (history learns
  // only peer-consistent values). Before that, a start-up spike or a signal seldom measured
  // would be judged on a handful of values (peers alone flagged brokers in the real cluster's
  // first half-minute).
  const warmingUp = historyMedian === null && outlierRounds < config.minHistorySamples;
  return {
    value: round3(value),
    peerMedian: peerMedian === null ? null : round3(peerMedian),
    peerMad: peerMad === null ? null : round3(peerMad),
    peerCount: peers.length,
    zScore: zScore === null ? null : round3(zScore),
    historyMedian: historyMedian === null ? null : round3(historyMedian),
    historyCount: history.length,
    outlierVsPeers,
    outlierVsHistory,
    warmingUp,
    flagged: outlierVsPeers && outlierVsHistory !== false && !warmingUp,
  };
}

function signalRule(signal: JudgedSignal, e: SignalEvidence, config: AssessmentConfig): FiredRule {
  const t = thresholdsFor(signal, config);
  const kind = SIGNAL_SPECS[signal].kind;
  const withHistory = e.outlierVsHistory === true;
  const rule: VerdictRule =
    kind === 'slow'
      ? withHistory
        ? 'slow-vs-peers-and-history'
        : 'slow-vs-peers-no-history'
      : withHistory
        ? 'log-flush-vs-peers-and-history'
        : 'log-flush-vs-peers-no-history';
  const detail =
    `${signal} ${e.value} > ${t.ratioToPeers}× peer median ${e.peerMedian} (z ${e.zScore} ≥ ${config.minZScore}, floor ${t.floor})` +
    (withHistory
      ? ` and > ${t.ratioToHistory}× own history median ${e.historyMedian}`
      : ` (no history: an outlier against peers in ${config.minHistorySamples}+ rounds, all along)`);
  return { rule, kind, signal, detail };
}

function applyGuard(verdicts: readonly Verdict[], config: AssessmentConfig): GuardResult {
  const badNodeIds = verdicts.filter((v) => v.flagged).map((v) => v.nodeId);
  const observed = verdicts.length;
  const badFraction = observed === 0 ? 0 : round3(badNodeIds.length / observed);
  const tripped = badNodeIds.length >= config.guard.minBadBrokers && badNodeIds.length / observed > config.guard.maxBadFraction;
  return {
    tripped,
    badFraction,
    badNodeIds,
    observed,
    ...(tripped
      ? {
          reason:
            `${badNodeIds.length} of ${observed} brokers look bad at once (${badFraction} > ${config.guard.maxBadFraction}): ` +
            `suspect the probe path or the network, not the brokers [${badNodeIds.join(', ')}]`,
        }
      : {}),
  };
}
