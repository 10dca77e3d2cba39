import { z } from 'zod';
import { HealthError } from './health.error';

/**
 * Settings of the aggregation and of the state machine, with defaults for rounds every ~3 s.
 * The detector parses overrides from its environment with these schemas (`resolve…Config`).
 */

const thresholds = (defaults: { ratioToPeers: number; ratioToHistory: number; floor: number; minScale: number }) =>
  z.object({
    /** Flag when the value is over this many times the peers' median… */
    ratioToPeers: z.number().gt(1).default(defaults.ratioToPeers),
    /** …and over this many times the broker's own history median (when it has enough history). */
    ratioToHistory: z.number().gt(1).default(defaults.ratioToHistory),
    /** …and at least this much in absolute terms (ms, requests or busy ratio), so an idle cluster's jitter never flags. */
    floor: z.number().min(0).default(defaults.floor),
    /** Smallest spread used for the z-score, so identical peers do not make every difference infinite. */
    minScale: z.number().gt(0).default(defaults.minScale),
  });

export const AssessmentConfigSchema = z.object({
  /** Peers are the whole cluster, or the broker's cell when it has at least `minPeers` other measured brokers. */
  peerScope: z.enum(['cluster', 'cell']).default('cluster'),
  /** Fewer peers with a value than this and the signal is not judged against peers (so cannot flag). */
  minPeers: z.number().int().min(1).default(2),
  /** Fewer own samples than this and the history test is skipped (peers alone, with the z-score, decide). */
  minHistorySamples: z.number().int().min(1).default(10),
  /** Robust z-score over the peers a value must also exceed (MAD-based). */
  minZScore: z.number().min(0).default(3.5),
  /** Canary produce/fetch and request latency, ms. */
  probeLatency: thresholds({ ratioToPeers: 3, ratioToHistory: 3, floor: 25, minScale: 1 }).prefault({}),
  /** Scraped produce/fetch time without remote and throttle time, ms: the mean since the previous scrape. */
  requestTime: thresholds({ ratioToPeers: 3, ratioToHistory: 3, floor: 50, minScale: 5 }).prefault({}),
  /** Scraped request queue size. */
  requestQueue: thresholds({ ratioToPeers: 3, ratioToHistory: 3, floor: 10, minScale: 1 }).prefault({}),
  /** 1 − request handler / network processor idle. */
  threadBusy: thresholds({ ratioToPeers: 3, ratioToHistory: 3, floor: 0.5, minScale: 0.02 }).prefault({}),
  /** Log flush time, ms, the mean since the previous scrape (Cruise Control's SlowBrokerFinder signal, 3× peers and history). */
  logFlush: thresholds({ ratioToPeers: 3, ratioToHistory: 3, floor: 50, minScale: 2 }).prefault({}),
  guard: z
    .object({
      /** More than this fraction of observed brokers bad in one round trips the guard. */
      maxBadFraction: z.number().min(0).max(1).default(0.34),
      /** …and at least this many: one bad broker alone is what the detector exists for. */
      minBadBrokers: z.number().int().min(1).default(2),
    })
    .prefault({}),
});
export type AssessmentConfig = z.output<typeof AssessmentConfigSchema>;
export type AssessmentConfigInput = z.input<typeof AssessmentConfigSchema>;

const score = (defaults: { suspectAt: number; actAt: number }) =>
  z
    .object({
      /**
       * Score at which HEALTHY becomes SUSPECT. At least 2: with 1, alternating flagged and clean
       * rounds would flap HEALTHY ↔ SUSPECT; SUSPECT is left only when every score is back to 0.
       */
      suspectAt: z.number().int().min(2).default(defaults.suspectAt),
      /** Score at which the broker enters the bad state. */
      actAt: z.number().int().min(2).default(defaults.actAt),
    })
    .refine((s) => s.actAt >= s.suspectAt, { message: 'actAt must be >= suspectAt', path: ['actAt'] });

export const HealthConfigSchema = z
  .object({
    /**
     * Cruise Control demotes a slow broker at a score of 5: with 3 s rounds SLOW after ~15 s.
     * SUSPECT needs 3 flagged rounds so that a two-round blip under load records no transition.
     */
    slow: score({ suspectAt: 3, actAt: 5 }).prefault({}),
    /** Probes time out fast and every round, so fewer rounds: UNREACHABLE after ~9 s. */
    unreachable: score({ suspectAt: 2, actAt: 3 }).prefault({}),
    storageStalled: score({ suspectAt: 3, actAt: 5 }).prefault({}),
    /** Scores stop growing here, so a long spell does not take as long again to forget. */
    maxScore: z.number().int().min(2).default(10),
    /**
     * Consecutive clean rounds that take a bad state to RECOVERING. At least 2: with 1,
     * alternating flagged and clean rounds would flap between the bad state and RECOVERING.
     */
    cleanRoundsToRecover: z.number().int().min(2).default(5),
    /** RECOVERING with no flag for this long → HEALTHY, restoring preferred leadership. */
    recoveryCoolDownMs: z.number().int().min(0).default(60_000),
    /** UNREACHABLE for this long (and still failing) → its replicas are moved off too. */
    unreachableDrainAfterMs: z.number().int().min(0).default(300_000),
    /** Own values kept per signal (100 rounds of 3 s = 5 min). */
    historySize: z.number().int().min(1).max(10_000).default(100),
  })
  .refine((c) => FLAG_SCORE_KEYS.every((k) => c[k].actAt <= c.maxScore), {
    message: 'every actAt must be <= maxScore',
    path: ['maxScore'],
  });
const FLAG_SCORE_KEYS = ['slow', 'unreachable', 'storageStalled'] as const;
export type HealthConfig = z.output<typeof HealthConfigSchema>;
export type HealthConfigInput = z.input<typeof HealthConfigSchema>;

export const DEFAULT_ASSESSMENT_CONFIG: AssessmentConfig = deepFreeze(AssessmentConfigSchema.parse({}));
export const DEFAULT_HEALTH_CONFIG: HealthConfig = deepFreeze(HealthConfigSchema.parse({}));

function deepFreeze<T extends object>(value: T): T {
  for (const child of Object.values(value)) if (typeof child === 'object' && child !== null) deepFreeze(child);
  return Object.freeze(value);
}

/** Defaults overlaid with `overrides` (nested objects merge); throws `invalid_health_config`. */
export function resolveAssessmentConfig(overrides: AssessmentConfigInput = {}): AssessmentConfig {
  return parseOrThrow(AssessmentConfigSchema, overrides, 'assessment');
}

/** Defaults overlaid with `overrides` (nested objects merge); throws `invalid_health_config`. */
export function resolveHealthConfig(overrides: HealthConfigInput = {}): HealthConfig {
  return parseOrThrow(HealthConfigSchema, overrides, 'health');
}

function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, which: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const violations = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  throw new HealthError('invalid_health_config', `invalid ${which} config: ${violations.map((v) => `${v.path}: ${v.message}`).join('; ')}`, {
    violations,
  });
}
