/**
 * The shapes the health library takes and returns. Everything here is plain data that
 * survives `JSON.stringify`/`JSON.parse` unchanged (no Map, no Date, no Infinity/NaN),
 * because verdicts and transitions are stored as evidence and `BrokerMemory` is stored in
 * `Broker.healthMemory` so a restarted detector carries on where it was.
 */

/** A broker's health state (DESIGN.md); each has exactly one mitigation strategy (`MITIGATION_FOR`). */
export const HEALTH_STATES = [
  'HEALTHY',
  'SUSPECT',
  'SLOW',
  'UNREACHABLE',
  'STORAGE_STALLED',
  'RECOVERING',
  'DEMOTED',
  'DRAINED',
] as const;
export type HealthState = (typeof HEALTH_STATES)[number];

/** What the detector does about a broker. */
export const MITIGATIONS = ['NONE', 'WATCH', 'MOVE_LEADERSHIP_OFF', 'MOVE_REPLICAS_OFF', 'RESTORE_LEADERSHIP'] as const;
export type Mitigation = (typeof MITIGATIONS)[number];

/** The states the detector enters on its own, each fed by one hysteresis score. */
export const BAD_STATES = ['SLOW', 'UNREACHABLE', 'STORAGE_STALLED'] as const;
export type BadState = (typeof BAD_STATES)[number];

/** The three kinds of trouble a round can flag; one score each. */
export const FLAG_KINDS = ['slow', 'unreachable', 'storageStalled'] as const;
export type FlagKind = (typeof FLAG_KINDS)[number];

/** Scraped broker metrics for one round; a missing or null field was not measured. */
export interface BrokerSignals {
  /** kafka.server RequestHandlerAvgIdlePercent, 0..1. */
  requestHandlerIdle?: number | null;
  /** kafka.network SocketServer NetworkProcessorAvgIdlePercent, 0..1. */
  networkProcessorIdle?: number | null;
  /**
   * Mean time (ms) the broker itself spent on produce and consumer-fetch requests over the time
   * since the previous scrape: TotalTimeMs without RemoteTimeMs (waiting in purgatory for
   * followers or for data) and ThrottleTimeMs (a client over its quota).
   */
  produceTimeMeanMs?: number | null;
  fetchTimeMeanMs?: number | null;
  /** Kafka's own p99s: evidence only, never judged (Yammer's reservoir keeps a spike for minutes). */
  produceTotalTimeP99Ms?: number | null;
  fetchTotalTimeP99Ms?: number | null;
  requestQueueSize?: number | null;
  underReplicatedPartitions?: number | null;
  isrShrinksPerSec?: number | null;
  /** Mean log flush time (ms) over the time since the previous scrape; its p99 is evidence only. */
  logFlushTimeMeanMs?: number | null;
  logFlushTimeP99Ms?: number | null;
  /** Whether the log end offset of the broker's probe partition moved since the last round. */
  logEndOffsetAdvancing?: boolean | null;
}

/** One round's observation of one broker (null = not measured this round). */
export interface BrokerObservation {
  nodeId: number;
  cellId: string | null;
  probe: {
    produceMs: number | null;
    fetchMs: number | null;
    requestMs: number | null;
    /** false: the probe failed or timed out (which half failed shows as a null latency). */
    ok: boolean;
    /** What the prober said went wrong, shown as evidence. */
    error?: string | null;
  };
  /** null: the scrape failed (on its own never a flag: the metrics endpoint is not the broker). */
  signals: BrokerSignals | null;
  /** From cluster metadata: the controller no longer lists the broker as alive. */
  fenced?: boolean;
}

/**
 * The values a broker is judged on. Idle ratios are turned into busy ratios (1 − idle) so every
 * judged signal reads "higher is worse".
 */
export const JUDGED_SIGNALS = [
  'produceMs',
  'fetchMs',
  'requestMs',
  'produceTimeMeanMs',
  'fetchTimeMeanMs',
  'requestQueueSize',
  'requestHandlerBusy',
  'networkProcessorBusy',
  'logFlushTimeMeanMs',
] as const;
export type JudgedSignal = (typeof JUDGED_SIGNALS)[number];

/** How one signal of one broker compared this round. Numbers are rounded for storage. */
export interface SignalEvidence {
  value: number;
  /** Median of the peers' values (the broker itself left out); null: too few peers measured it. */
  peerMedian: number | null;
  /** Median absolute deviation of the peers' values. */
  peerMad: number | null;
  peerCount: number;
  /** Robust z-score (value − peerMedian) / max(1.4826·MAD, minScale). */
  zScore: number | null;
  /** Median of the broker's own recent values; null: fewer than `minHistorySamples`. */
  historyMedian: number | null;
  historyCount: number;
  /** Over the floor, over ratio × peer median and over the z threshold. */
  outlierVsPeers: boolean;
  /** Over ratio × its own history median; null when history is too short to say. */
  outlierVsHistory: boolean | null;
  /** No history to judge by, and an outlier against peers in fewer than `minHistorySamples` rounds so far: never flagged. */
  warmingUp: boolean;
  /** The signal alone flags the broker this round. */
  flagged: boolean;
}

/** Rule ids a verdict may carry; stable, shown to operators and stored. */
export const VERDICT_RULES = [
  'probe-failed',
  'fenced',
  'slow-vs-peers-and-history',
  'slow-vs-peers-no-history',
  'produce-fails-fetch-works',
  'log-end-offset-stuck',
  'log-flush-vs-peers-and-history',
  'log-flush-vs-peers-no-history',
] as const;
export type VerdictRule = (typeof VERDICT_RULES)[number];

export interface FiredRule {
  rule: VerdictRule;
  kind: FlagKind;
  /** The judged signal, for signal rules. */
  signal?: JudgedSignal;
  detail: string;
}

/** Why a broker was (or was not) flagged this round: the numbers and the rules that fired. */
export interface VerdictEvidence {
  peerScope: 'cluster' | 'cell';
  probe: BrokerObservation['probe'];
  fenced: boolean;
  scrapeOk: boolean;
  /** Judged signals that had a value this round. */
  signals: Partial<Record<JudgedSignal, SignalEvidence>>;
  /** Recorded for operators, not judged per broker (a slow follower shows up on its leaders). */
  context: { underReplicatedPartitions: number | null; isrShrinksPerSec: number | null };
  fired: FiredRule[];
}

/** One broker's verdict for one round. */
export interface Verdict {
  nodeId: number;
  at: number;
  unreachable: boolean;
  slow: boolean;
  storageStalled: boolean;
  /** Any of the three. */
  flagged: boolean;
  evidence: VerdictEvidence;
  /**
   * The values this broker's history may learn from this round: those that were not outliers
   * against the peers. A broker that is slow compared with its peers therefore never teaches its
   * history that slow is normal, while a cluster-wide shift is learnt.
   */
  samples: Partial<Record<JudgedSignal, number>>;
}

export interface GuardResult {
  tripped: boolean;
  badFraction: number;
  badNodeIds: number[];
  observed: number;
  reason?: string;
}

export interface RoundAssessment {
  /** One verdict per observed broker, keyed by node id. */
  verdicts: Map<number, Verdict>;
  guard: GuardResult;
}

/** Hysteresis scores, one per flag kind: +1 per flagged round, −1 per clean round, floored at 0. */
export type Scores = Record<FlagKind, number>;

/** Everything the state machine remembers about a broker besides its state; stored as JSON. */
export interface BrokerMemory {
  version: 1;
  scores: Scores;
  /** Consecutive clean rounds (guard-tripped rounds neither add nor reset). */
  cleanRounds: number;
  /** Rounds judged (guard-tripped rounds excluded). */
  rounds: number;
  lastRoundAt: number | null;
  lastFlaggedAt: number | null;
  /** The bad state a RECOVERING broker came from, and returns to on a flag. */
  recoveringFrom: BadState | null;
  /** UNREACHABLE past `unreachableDrainAfterMs`: its replicas are to be moved off. */
  escalated: boolean;
  /** Ring buffers of the broker's own recent values, oldest first, at most `historySize` each. */
  history: Partial<Record<JudgedSignal, number[]>>;
  /**
   * Per signal, the rounds it was an outlier against its peers while its history was still too
   * short to judge (capped at `minHistorySamples`): that many and the broker was an outlier all
   * along, so peers alone may flag it. Dropped once the history is long enough.
   */
  outlierRounds: Partial<Record<JudgedSignal, number>>;
}

/** A broker's health: state, when it entered it (epoch ms), and memory. */
export interface BrokerHealth {
  state: HealthState;
  since: number;
  memory: BrokerMemory;
}

export type OperatorAction = 'demote' | 'drain' | 'restore';

export type HealthInput =
  | {
      kind: 'round';
      verdict: Verdict;
      /** The round's guard tripped: the verdict is not trusted and nothing changes. */
      guardTripped: boolean;
    }
  | { kind: 'operator'; action: OperatorAction; actor?: string; note?: string };

/** Stable ids of the rules that move a broker between states (see TRANSITIONS and README.md). */
export const TRANSITION_RULES = [
  'suspect',
  'cleared',
  'slow',
  'unreachable',
  'storage-stalled',
  'unreachable-prolonged',
  'clean-rounds',
  'relapse',
  'cool-down-done',
  'operator-demote',
  'operator-drain',
  'operator-restore',
] as const;
export type TransitionRule = (typeof TRANSITION_RULES)[number];

/** A change the detector stores (BrokerHealthTransition) and acts on (`mitigation`). */
export interface HealthTransition {
  from: HealthState;
  to: HealthState;
  rule: TransitionRule;
  /** One sentence for operators. */
  reason: string;
  /** What the detector does now because of this transition. */
  mitigation: Mitigation;
  actor: 'detector' | 'operator';
  at: number;
  evidence: {
    scores: Scores;
    cleanRounds: number;
    verdict?: Verdict;
    operator?: { action: OperatorAction; actor?: string; note?: string };
  };
}

export interface StepResult {
  next: BrokerHealth;
  transition?: HealthTransition;
}
