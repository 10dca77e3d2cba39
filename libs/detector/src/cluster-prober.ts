import { median } from '@cellar/health';
import { BrokerConnectionProbe, KafkaPartitionClient, type BrokerView, type KafkaConnectionConfig } from '@cellar/kafka-adapter';
import { PROBE_TOPIC } from './probe-topic';

export interface BrokerTarget {
  nodeId: number;
  host: string;
  port: number;
}

/** One broker's canaries in one round; a null latency means that probe failed or was not run. */
export interface BrokerProbeResult {
  nodeId: number;
  /** Metadata request on the broker's own connection. */
  requestMs: number | null;
  /** acks=1 produce to the probe partition the broker leads by preference (median of the round's canaries). */
  produceMs: number | null;
  /** Fetch of that record back from the broker (median of the round's canaries). */
  fetchMs: number | null;
  /** Produce-and-fetch canaries that completed this round. */
  canaries: number;
  /** Why a probe failed (first failure), or null. */
  error: string | null;
  /** The broker's answer to the metadata request, when it answered. */
  view: BrokerView | null;
}

interface BrokerClients {
  connection: BrokerConnectionProbe;
  partition: KafkaPartitionClient;
  /** A probe still waiting on this broker: the next round does not pile another on it. */
  busy: Promise<unknown> | null;
}

class ProbeTimeout extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ProbeTimeout(`${what} timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * Canaries for every broker of one physical cluster. Each broker has its own clients
 * whose only bootstrap address is that broker, so one frozen broker stalls its own probes
 * and nobody else's; a probe still pending from an earlier round counts as a failure
 * rather than queueing behind it.
 *
 * Each round sends up to `canaries` produce-and-fetch pairs one after another and reports
 * their medians: on a busy machine a single canary now and then takes ten times the usual,
 * and one number per round would pass that noise straight to the judgement (Kora sends about
 * five probes per broker in the same time). New pairs start only in the first half of the
 * timeout, and the pairs that completed count even if a later one hangs; none completing is a
 * failure.
 */
export class ClusterProber {
  private readonly clients = new Map<number, BrokerClients>();

  constructor(
    private readonly connection: KafkaConnectionConfig,
    private readonly timeoutMs: number,
    private readonly canaries = 3,
  ) {}

  async round(brokers: readonly BrokerTarget[]): Promise<BrokerProbeResult[]> {
    return Promise.all(brokers.map((broker) => this.probe(broker)));
  }

  private clientsFor(broker: BrokerTarget): BrokerClients {
    let clients = this.clients.get(broker.nodeId);
    if (!clients) {
      const address = `${broker.host}:${broker.port}`;
      const config = { ...this.connection, bootstrapServers: [address], requestTimeoutMs: this.timeoutMs * 2, connectTimeoutMs: this.timeoutMs };
      clients = { connection: new BrokerConnectionProbe(config, address), partition: new KafkaPartitionClient(config), busy: null };
      this.clients.set(broker.nodeId, clients);
    }
    return clients;
  }

  private async probe(broker: BrokerTarget): Promise<BrokerProbeResult> {
    const result: BrokerProbeResult = { nodeId: broker.nodeId, requestMs: null, produceMs: null, fetchMs: null, canaries: 0, error: null, view: null };
    const clients = this.clientsFor(broker);
    if (clients.busy) {
      result.error = 'an earlier probe of this broker has not finished';
      return result;
    }
    const pairs: { produceMs: number; fetchMs: number }[] = [];
    const work = this.measure(broker.nodeId, clients, result, pairs, performance.now() + this.timeoutMs / 2);
    clients.busy = work;
    void work.finally(() => {
      if (clients.busy === work) clients.busy = null;
    }).catch(() => undefined);
    try {
      await withTimeout(work, this.timeoutMs, `probe of broker ${broker.nodeId}`);
    } catch (error) {
      if (pairs.length === 0) result.error ??= error instanceof Error ? error.message : String(error);
    }
    const done = [...pairs]; // a canary still running after the timeout must not change the result
    result.canaries = done.length;
    if (done.length > 0) {
      result.produceMs = median(done.map((p) => p.produceMs));
      result.fetchMs = median(done.map((p) => p.fetchMs));
    }
    return result;
  }

  private async measure(nodeId: number, clients: BrokerClients, result: BrokerProbeResult, pairs: { produceMs: number; fetchMs: number }[], startBefore: number): Promise<void> {
    try {
      result.view = await clients.connection.view(PROBE_TOPIC);
      result.requestMs = result.view.latencyMs;
      const pinned = result.view.partitions.find((p) => p.replicas[0] === nodeId);
      if (!pinned) {
        result.error = 'no probe partition with this broker as preferred leader';
        return;
      }
      if (pinned.leader !== nodeId) {
        result.error = `does not lead its probe partition (leader ${pinned.leader})`;
        return;
      }
      for (let i = 0; i < this.canaries && (i === 0 || performance.now() < startBefore); i++) {
        let started = performance.now();
        const produced = await clients.partition.produce(PROBE_TOPIC, pinned.partition, String(Date.now()), undefined, { acks: 1 });
        const produceMs = performance.now() - started;
        started = performance.now();
        await clients.partition.fetch(PROBE_TOPIC, pinned.partition, produced.offset, { maxWaitMs: 0 });
        pairs.push({ produceMs, fetchMs: performance.now() - started });
      }
    } catch (error) {
      if (pairs.length === 0) result.error ??= error instanceof Error ? error.message : String(error);
    }
  }

  async close(): Promise<void> {
    const all = [...this.clients.values()];
    this.clients.clear();
    await Promise.all(all.flatMap((c) => [c.connection.close(), c.partition.close()]));
  }
}
