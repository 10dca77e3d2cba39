import { z } from 'zod';
import { HealthError } from './health.error';
import { HEALTH_STATES, JUDGED_SIGNALS, type BrokerHealth, type BrokerMemory, type HealthState } from './types';

/** A broker's memory before its first round. */
export function emptyMemory(): BrokerMemory {
  return {
    version: 1,
    scores: { slow: 0, unreachable: 0, storageStalled: 0 },
    cleanRounds: 0,
    rounds: 0,
    lastRoundAt: null,
    lastFlaggedAt: null,
    recoveringFrom: null,
    escalated: false,
    history: {},
    outlierRounds: {},
  };
}

/** A broker the detector has never judged: HEALTHY since `now`. */
export function initialHealth(now: number): BrokerHealth {
  return { state: 'HEALTHY', since: now, memory: emptyMemory() };
}

const count = z.number().int().min(0);
const finiteNumber = z.number().refine(Number.isFinite);
const historySchema = z.partialRecord(z.enum(JUDGED_SIGNALS), z.array(finiteNumber));

export const BrokerMemorySchema = z.object({
  version: z.literal(1),
  scores: z.object({ slow: count, unreachable: count, storageStalled: count }),
  cleanRounds: count,
  rounds: count,
  lastRoundAt: finiteNumber.nullable(),
  lastFlaggedAt: finiteNumber.nullable(),
  recoveringFrom: z.enum(['SLOW', 'UNREACHABLE', 'STORAGE_STALLED']).nullable(),
  escalated: z.boolean(),
  history: historySchema,
  // Added later: a memory stored before it reads as none counted yet.
  outlierRounds: z.partialRecord(z.enum(JUDGED_SIGNALS), count).default({}),
});

/**
 * Reads `Broker.healthMemory` back. The column defaults to `{}` and may hold a memory of an older
 * shape: anything that does not parse starts from an empty memory (the broker loses its scores
 * and history, never its state, which lives in its own column).
 */
export function parseBrokerMemory(stored: unknown): BrokerMemory {
  const parsed = BrokerMemorySchema.safeParse(stored);
  return parsed.success ? (parsed.data as BrokerMemory) : emptyMemory();
}

/** Rebuilds a broker's health from the Broker row's columns (health_state, health_since, health_memory). */
export function reviveHealth(state: HealthState, since: number, stored: unknown): BrokerHealth {
  if (!(HEALTH_STATES as readonly string[]).includes(state)) {
    throw new HealthError('unknown_health_state', `unknown health state ${String(state)}`, { state });
  }
  return { state, since, memory: parseBrokerMemory(stored) };
}
