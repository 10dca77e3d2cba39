import type { Redis } from 'ioredis';
import type { LoadState } from './load-model';

/**
 * The smoothed load of each cluster, in Redis: a cache of rates that the next rounds rebuild
 * if it is lost (PostgreSQL keeps the per-broker history as LoadSample rows). Kept for a day
 * without writes, so a cluster that is no longer sampled does not linger.
 */
export class LoadStateStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(physicalClusterId: string): string {
    return `${this.prefix}:balancer:load:${physicalClusterId}`;
  }

  async get(physicalClusterId: string): Promise<LoadState | undefined> {
    const text = await this.redis.get(this.key(physicalClusterId));
    return text ? (JSON.parse(text) as LoadState) : undefined;
  }

  async set(physicalClusterId: string, state: LoadState): Promise<void> {
    await this.redis.set(this.key(physicalClusterId), JSON.stringify(state), 'EX', 24 * 3600);
  }
}
