import { ExecutionError, Redlock, ResourceLockedError, type RedlockAbortSignal } from '@sesamecare-oss/redlock';
import type { Redis } from 'ioredis';

/** The lock could not be had within the wait: someone else is changing this cluster. */
export class ClusterLockBusyError extends Error {
  override readonly name = 'ClusterLockBusyError';
  constructor(
    readonly clusterId: string,
    readonly heldBy: string | null,
  ) {
    super(`physical cluster ${clusterId} is locked${heldBy ? ` by ${heldBy}` : ''}`);
  }
}

export interface ClusterLockOptions {
  /** Key prefix, e.g. the deployment's Redis prefix. */
  prefix: string;
  /**
   * How long the lease lives without renewal. A holder renews it while its routine runs;
   * a holder that dies loses it after this long, so this bounds crash takeover.
   */
  leaseMs?: number;
}

export interface LockHolder {
  /** "detector", "balancer", ... */
  actor: string;
  /** What it is doing, e.g. "mitigation cmq..." or "plan cmr...". */
  purpose: string;
}

/** What the routine gets: a signal that fires if the lease was lost (stop before the next Kafka change). */
export type LockSignal = RedlockAbortSignal;

/**
 * One lock per physical cluster, shared by the detector's mitigations, the balancer's
 * executor and the quarantine moves, so two of them never decide and submit partition
 * moves on the same cluster at once. A lease in Redis (Redlock on one Redis), renewed while
 * the holder works; who holds it is kept next to it for operators.
 */
export class ClusterLocks {
  private readonly redlock: Redlock;
  private readonly leaseMs: number;

  constructor(
    private readonly redis: Redis,
    private readonly options: ClusterLockOptions,
  ) {
    this.leaseMs = options.leaseMs ?? 15_000;
    this.redlock = new Redlock([redis], { retryCount: 0, retryDelay: 200, retryJitter: 100, automaticExtensionThreshold: Math.min(5_000, this.leaseMs / 3) });
    // Extension failures surface through the routine's abort signal.
    this.redlock.on('error', () => undefined);
  }

  private key(clusterId: string): string {
    return `${this.options.prefix}:lock:cluster:${clusterId}`;
  }

  /**
   * Runs `routine` holding the cluster's lock, waiting up to `waitMs` for it (default: no
   * wait). Throws ClusterLockBusyError when it stays taken.
   */
  async withLock<T>(clusterId: string, holder: LockHolder, routine: (signal: LockSignal) => Promise<T>, options: { waitMs?: number } = {}): Promise<T> {
    const retryDelay = 250;
    const retryCount = Math.max(0, Math.ceil((options.waitMs ?? 0) / retryDelay));
    const key = this.key(clusterId);
    try {
      return await this.redlock.using([key], this.leaseMs, { retryCount, retryDelay }, async (signal) => {
        await this.redis.set(`${key}:holder`, JSON.stringify({ ...holder, since: new Date().toISOString() }), 'PX', this.leaseMs * 4);
        try {
          return await routine(signal);
        } finally {
          await this.redis.del(`${key}:holder`).catch(() => undefined);
        }
      });
    } catch (error) {
      if (error instanceof ResourceLockedError || (error instanceof ExecutionError && /quorum/i.test(error.message))) {
        throw new ClusterLockBusyError(clusterId, await this.heldBy(clusterId));
      }
      throw error;
    }
  }

  /** Who holds the cluster's lock now, as "actor: purpose", or null. */
  async heldBy(clusterId: string): Promise<string | null> {
    const key = this.key(clusterId);
    const [lease, holder] = await Promise.all([this.redis.pttl(key), this.redis.get(`${key}:holder`)]);
    if (lease < 0) return null;
    if (!holder) return 'unknown';
    const parsed = JSON.parse(holder) as LockHolder & { since: string };
    return `${parsed.actor}: ${parsed.purpose} (since ${parsed.since})`;
  }
}
