import type { BalancerSettings, PrismaClient } from '@cellar/db';
import { SOFT_GOALS, type BrokerCapacity, type Goal, type PlannerSettings } from '@cellar/planner';
import { z } from 'zod';
import { BalancerError } from './balancer.error';

/** A broker's capacity when the operator set none: 1 Gbit/s each way, 1 TB of disk. */
export const DEFAULT_BROKER_CAPACITY: BrokerCapacity = { networkInBytesPerSecond: 125_000_000, networkOutBytesPerSecond: 125_000_000, diskBytes: 1_000_000_000_000 };

export const brokerCapacitySchema = z.strictObject({
  networkInBytesPerSecond: z.number().positive(),
  networkOutBytesPerSecond: z.number().positive(),
  diskBytes: z.number().positive(),
});

const pct = z.number().positive().max(1000);
const seconds = z.number().int().min(0).max(7 * 24 * 3600);

/** The knobs as the API shows them and takes them (every field optional on PUT: the rest is kept). */
export const balancerSettingsShape = {
  enabled: z.boolean(),
  goals: z
    .array(z.enum(SOFT_GOALS))
    .min(1)
    .refine((goals) => new Set(goals).size === goals.length, 'goals must not repeat'),
  triggerThresholdPct: pct,
  stopThresholdPct: pct,
  imbalanceDurationSeconds: seconds,
  maxMovesPerRound: z.number().int().min(1).max(10_000),
  maxConcurrentMovesPerBroker: z.number().int().min(1).max(1_000),
  maxBytesInFlight: z.number().int().positive(),
  partitionCooldownSeconds: seconds,
  replicationThrottleBytesPerSecond: z.number().int().min(1024),
  loadHalfLifeSeconds: z.number().int().min(1).max(24 * 3600),
  roundIntervalSeconds: z.number().int().min(1).max(24 * 3600),
  brokerCapacity: brokerCapacitySchema,
};

export const balancerSettingsSchema = z.object(balancerSettingsShape);
export type BalancerSettingsView = z.infer<typeof balancerSettingsSchema>;

/** PUT body: any subset of the knobs; stop < trigger is checked on the merged result. */
export const balancerSettingsUpdateSchema = z.strictObject(balancerSettingsShape).partial();
export type BalancerSettingsUpdate = z.infer<typeof balancerSettingsUpdateSchema>;

export function settingsView(row: BalancerSettings): BalancerSettingsView {
  const capacity = brokerCapacitySchema.safeParse(row.brokerCapacity);
  return {
    enabled: row.enabled,
    goals: row.goals.filter((g): g is Goal => (SOFT_GOALS as readonly string[]).includes(g)),
    triggerThresholdPct: row.triggerThresholdPct,
    stopThresholdPct: row.stopThresholdPct,
    imbalanceDurationSeconds: row.imbalanceDurationSeconds,
    maxMovesPerRound: row.maxMovesPerRound,
    maxConcurrentMovesPerBroker: row.maxConcurrentMovesPerBroker,
    maxBytesInFlight: Number(row.maxBytesInFlight),
    partitionCooldownSeconds: row.partitionCooldownSeconds,
    replicationThrottleBytesPerSecond: Number(row.replicationThrottleBytesPerSecond),
    loadHalfLifeSeconds: row.loadHalfLifeSeconds,
    roundIntervalSeconds: row.roundIntervalSeconds,
    brokerCapacity: capacity.success ? capacity.data : DEFAULT_BROKER_CAPACITY,
  };
}

/** The cluster's settings row, created with the defaults on first read. */
export async function loadBalancerSettings(prisma: PrismaClient, physicalClusterId: string): Promise<BalancerSettings> {
  return prisma.balancerSettings.upsert({ where: { physicalClusterId }, create: { physicalClusterId, brokerCapacity: DEFAULT_BROKER_CAPACITY as object }, update: {} });
}

/**
 * Merges `update` into the current settings and checks the result as a whole (hysteresis
 * needs stop < trigger). Compare-and-set on version; a concurrent writer's change wins and
 * this one is applied on top of it (one retry).
 */
export async function updateBalancerSettings(prisma: PrismaClient, physicalClusterId: string, update: BalancerSettingsUpdate): Promise<BalancerSettings> {
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const row = await loadBalancerSettings(prisma, physicalClusterId);
    const merged = { ...settingsView(row), ...update };
    if (merged.stopThresholdPct >= merged.triggerThresholdPct) {
      throw new BalancerError('balancer_settings_invalid', `stopThresholdPct (${merged.stopThresholdPct}) must be lower than triggerThresholdPct (${merged.triggerThresholdPct})`, {
        details: { errors: [{ field: 'stopThresholdPct', message: 'must be lower than triggerThresholdPct' }] },
      });
    }
    const { count } = await prisma.balancerSettings.updateMany({
      where: { physicalClusterId, version: row.version },
      data: {
        ...merged,
        maxBytesInFlight: BigInt(merged.maxBytesInFlight),
        replicationThrottleBytesPerSecond: BigInt(merged.replicationThrottleBytesPerSecond),
        brokerCapacity: merged.brokerCapacity as object,
        // Turning the balancer off forgets the imbalance it was timing.
        ...(merged.enabled ? {} : { imbalanceSince: null }),
        version: { increment: 1 },
      },
    });
    if (count === 1) return loadBalancerSettings(prisma, physicalClusterId);
  }
  throw new BalancerError('kafka_cluster_busy', 'the balancer settings kept changing under this update; try again', { retryable: true });
}

/** The planner's view of the settings; `active` lowers the trigger to the stop threshold (hysteresis across rounds). */
export function plannerSettings(view: BalancerSettingsView, options: { active?: boolean; inFlightBytes?: number } = {}): PlannerSettings {
  return {
    goals: view.goals,
    triggerThresholdPct: options.active ? view.stopThresholdPct : view.triggerThresholdPct,
    stopThresholdPct: view.stopThresholdPct,
    maxMovesPerRound: view.maxMovesPerRound,
    maxConcurrentMovesPerBroker: view.maxConcurrentMovesPerBroker,
    maxBytesInFlight: view.maxBytesInFlight,
    ...(options.inFlightBytes ? { inFlight: { bytes: options.inFlightBytes } } : {}),
  };
}
