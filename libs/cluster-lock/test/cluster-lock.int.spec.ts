import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { testStack } from '@cellar/test-support';
import { afterAll, describe, expect, it } from 'vitest';
import { ClusterLockBusyError, ClusterLocks } from '../src';

const stack = testStack();
const clients: Redis[] = [];
function client(): Redis {
  const redis = new Redis(stack.redisUrl);
  clients.push(redis);
  return redis;
}
afterAll(async () => {
  await Promise.all(clients.map((c) => c.quit().catch(() => undefined)));
});

const detector = { actor: 'detector', purpose: 'mitigation m1' };
const balancer = { actor: 'balancer', purpose: 'plan p1' };

describe('ClusterLocks on the real Redis', () => {
  it('lets one holder in at a time and names the holder to the one refused', async () => {
    const cluster = randomUUID();
    const a = new ClusterLocks(client(), { prefix: stack.redisPrefix });
    const b = new ClusterLocks(client(), { prefix: stack.redisPrefix });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const first = a.withLock(cluster, detector, async () => {
      entered();
      await held;
      return 'first';
    });
    await inside;
    const refused = await b.withLock(cluster, balancer, async () => 'second').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ClusterLockBusyError);
    expect((refused as ClusterLockBusyError).heldBy).toMatch(/^detector: mitigation m1/);
    expect(await b.heldBy(cluster)).toMatch(/^detector/);
    release();
    expect(await first).toBe('first');
    expect(await b.heldBy(cluster)).toBeNull();
    expect(await b.withLock(cluster, balancer, async () => 'second')).toBe('second');
  });

  it('waits for the lock when asked to', async () => {
    const cluster = randomUUID();
    const a = new ClusterLocks(client(), { prefix: stack.redisPrefix });
    const b = new ClusterLocks(client(), { prefix: stack.redisPrefix });
    const order: string[] = [];
    const first = a.withLock(cluster, detector, async () => {
      order.push('a in');
      await new Promise((r) => setTimeout(r, 600));
      order.push('a out');
    });
    await new Promise((r) => setTimeout(r, 100));
    await b.withLock(cluster, balancer, async () => void order.push('b in'), { waitMs: 5_000 });
    await first;
    expect(order).toEqual(['a in', 'a out', 'b in']);
  });

  it('keeps the lease for a holder that works longer than the lease', async () => {
    const cluster = randomUUID();
    const a = new ClusterLocks(client(), { prefix: stack.redisPrefix, leaseMs: 1_000 });
    const b = new ClusterLocks(client(), { prefix: stack.redisPrefix, leaseMs: 1_000 });
    await a.withLock(cluster, detector, async (signal) => {
      await new Promise((r) => setTimeout(r, 2_500));
      expect(signal.aborted).toBe(false);
      await expect(b.withLock(cluster, balancer, async () => 'stolen')).rejects.toBeInstanceOf(ClusterLockBusyError);
    });
  });

  it('frees the lock of a holder that died once its lease runs out, and tells the dead holder', async () => {
    const cluster = randomUUID();
    const dyingRedis = client();
    const dying = new ClusterLocks(dyingRedis, { prefix: stack.redisPrefix, leaseMs: 1_000 });
    const survivor = new ClusterLocks(client(), { prefix: stack.redisPrefix, leaseMs: 1_000 });
    let signalSeen: AbortSignal | undefined;
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const abandoned = dying
      .withLock(cluster, detector, async (signal) => {
        signalSeen = signal;
        entered();
        await new Promise((r) => setTimeout(r, 3_000));
      })
      .catch(() => undefined);
    await inside;
    // The holder loses Redis, as a killed process would: nothing renews the lease.
    dyingRedis.disconnect();
    await expect(survivor.withLock(cluster, balancer, async () => 'taken over', { waitMs: 3_000 })).resolves.toBe('taken over');
    await abandoned;
    expect(signalSeen?.aborted).toBe(true);
  });
});
