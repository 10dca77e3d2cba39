/** What a broker can carry. Rates in bytes per second, disk in bytes; all must be > 0. */
export interface BrokerCapacity {
  networkInBytesPerSecond: number;
  networkOutBytesPerSecond: number;
  diskBytes: number;
}

/** One broker as the planner sees it (smoothed figures from the load sampler). */
export interface BrokerLoadInput {
  id: number;
  rack: string;
  /** The cell the broker belongs to; null for brokers outside every cell (spares, new brokers). */
  cellId: string | null;
  capacity: BrokerCapacity;
  /** Fraction of time the request handler threads were busy, 0..1 (1 - RequestHandlerAvgIdlePercent). */
  requestHandlerBusy: number;
  /** false: DEMOTED; the broker keeps its replicas but leads nothing. */
  leadersAllowed: boolean;
  /** false: DRAINED or being drained; it gets no replicas and is emptied before anything else. */
  replicasAllowed: boolean;
}

/** One partition with its smoothed load. */
export interface PartitionLoadInput {
  topic: string;
  partition: number;
  /** Replica assignment; `[0]` is the preferred leader. */
  replicas: number[];
  /** The current leader (may differ from `replicas[0]`); -1 when the partition is offline. */
  leader: number;
  /** Replicas in sync; only these may take leadership. Defaults to all replicas. */
  isr?: number[];
  /** Produce traffic into the partition (what one replica receives), bytes/s. */
  bytesInPerSecond: number;
  /** Consumer traffic out of the leader, excluding replication, bytes/s. */
  bytesOutPerSecond: number;
  /** Size of one replica on disk, bytes. */
  sizeBytes: number;
  /** The cell of the logical cluster owning the topic; null for topics of no tenant (anywhere). */
  cellId: string | null;
  /** false: cooling down, or already being moved; the planner never moves it. */
  movable: boolean;
  /**
   * Brokers that lost a replica or the leadership of this partition recently (from the
   * balancer's move history): soft goals never give either back to them, so a load that
   * wobbles cannot move a partition back and forth. Hard-goal repairs may still use them.
   */
  recentlyLeft?: number[];
}

/** The soft goals, optimised in the configured order. */
export const SOFT_GOALS = ['CLUSTER_LOAD', 'NETWORK_IN', 'NETWORK_OUT', 'DISK', 'LEADER_COUNT', 'REPLICA_COUNT'] as const;
export type Goal = (typeof SOFT_GOALS)[number];

/** Hard goals: always hold; repairs of them come before any soft goal. */
export const HARD_GOALS = ['DRAIN', 'LEADERSHIP_NOT_ALLOWED', 'CELL_CONTAINMENT', 'RACK_AWARENESS', 'CAPACITY'] as const;
export type HardGoal = (typeof HARD_GOALS)[number];

export interface PlannerSettings {
  /** Soft goals, highest priority first. CLUSTER_LOAD runs first unless it is listed elsewhere. */
  goals: Goal[];
  /** Act only when, in some cell, the most loaded broker is more than this % above the cell's mean (or the least loaded this % below it). */
  triggerThresholdPct: number;
  /** Each goal stops once every broker is within this % of its cell's mean. Below the trigger = hysteresis. */
  stopThresholdPct: number;
  /** Moves per plan (leadership and replica moves alike). */
  maxMovesPerRound: number;
  /** Replica moves per broker per plan, as source or destination (leadership moves copy nothing and are not counted). */
  maxConcurrentMovesPerBroker: number;
  /** Bytes the plan's replica moves may copy, plus `inFlight.bytes`. */
  maxBytesInFlight: number;
  /** Absolute dead band in load percentage points: imbalance smaller than this never triggers (noise on idle clusters). Default 0. */
  minImbalancePct?: number;
  /** A destination may be filled to this % of each capacity (Cruise Control uses 80). Default 100. */
  capacityLimitPct?: number;
  /** Fixed cost of a replica move, in bytes, added to its size when ranking by improvement per byte. Default 64 MiB. */
  moveCostBytes?: number;
  /** Work already under way outside this plan, counted against the budgets. */
  inFlight?: { bytes: number; movesPerBroker?: Record<number, number> };
}

export type MoveKind = 'LEADERSHIP' | 'REPLICA';

export interface PlannedMove {
  topic: string;
  partition: number;
  kind: MoveKind;
  fromReplicas: number[];
  /** `[0]` is the leader after the move (the executor elects the preferred leader). */
  toReplicas: number[];
  /** Bytes copied: size × replicas added; 0 for LEADERSHIP. */
  bytes: number;
  goal: Goal | HardGoal;
  /** Broker the load leaves and broker it goes to. */
  source: number;
  destination: number;
  /** Drop of the goal's imbalance score (Σ over the two brokers of (metric − cell mean)², metric in % of capacity or in counts); 0 for hard-goal repairs. */
  improvement: number;
}

export interface BrokerLoadSummary {
  id: number;
  cellId: string | null;
  /** Cluster-load metric 0..100 (see brokerLoad). */
  load: number;
  /** Fractions of capacity (may exceed 1): network in, network out, disk; predicted request-handler busy. */
  networkIn: number;
  networkOut: number;
  disk: number;
  requestHandlerBusy: number;
  bytesInPerSecond: number;
  bytesOutPerSecond: number;
  diskBytes: number;
  leaders: number;
  replicas: number;
}

export interface CellLoadSummary {
  cellId: string | null;
  /** Most loaded broker of the cell (Kora: a cell is as loaded as its most loaded broker). */
  load: number;
  mean: number;
  /** load / mean (1 when the mean is 0). */
  maxOverMean: number;
  /** Least loaded broker. */
  min: number;
}

export interface LoadSummary {
  brokers: BrokerLoadSummary[];
  cells: CellLoadSummary[];
  /** Cluster load: the most loaded broker. */
  max: number;
  /** Mean over brokers that may hold replicas. */
  mean: number;
  maxOverMean: number;
  /** The worst cell's maxOverMean: what the trigger and stop thresholds look at. */
  worstCellMaxOverMean: number;
}

export interface PlanResult {
  moves: PlannedMove[];
  before: LoadSummary;
  predictedAfter: LoadSummary;
  /** true when the plan acted (imbalance above the trigger, or a hard goal needed repair). */
  triggered: boolean;
  /** Why it triggered, or why not; one sentence for the operator. */
  reason: string;
  stats: PlanStats;
}

export interface PlanStats {
  leadershipMoves: number;
  replicaMoves: number;
  bytesMoved: number;
  /** Bytes any plan must copy to bring every broker's network in within the stop threshold of its cell's mean (network in moves only with replicas), plus everything on drained brokers. */
  bytesLowerBound: number;
  /** A budget that held planning back (a move it refused), if one did. */
  stoppedBy: 'maxMovesPerRound' | 'maxBytesInFlight' | null;
  /** Partitions that were not considered: unknown brokers in their replicas, or offline. */
  skippedPartitions: number;
  /** Hard-goal violations the plan could not repair (no valid destination within the budgets). */
  unrepaired: number;
}
