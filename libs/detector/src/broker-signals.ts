import type { MetricSample } from '@cellar/tenancy';

/** A Yammer timer's all-time count and mean: two readings give the mean over the time between them. */
export interface TimerTotals {
  count: number;
  meanMs: number;
}

/**
 * One request type's timers. Kafka's TotalTimeMs includes RemoteTimeMs, the time a request
 * waits in purgatory (an acks=all produce for its followers, a fetch for data to arrive up to
 * its max wait) and ThrottleTimeMs (a client over its quota): neither is the broker's own
 * work, and either would make a broker look slow for its traffic rather than its health (a
 * broker leading only quiet partitions answers consumer fetches after their full max wait).
 */
export interface RequestTimers {
  total: TimerTotals;
  remote: TimerTotals | null;
  throttle: TimerTotals | null;
}

/** The broker metrics the detector reads, from one scrape of its JMX exporter. */
export interface BrokerSignals {
  /** Fraction of time the request handler threads were idle (0..1, one-minute rate). */
  requestHandlerIdle: number | null;
  /** Fraction of time the network processor threads were idle (0..1). */
  networkProcessorIdle: number | null;
  /** Kafka's own p99s, shown as evidence; they lag (a reservoir biased to the last five minutes). */
  produceTotalTimeP99Ms: number | null;
  fetchTotalTimeP99Ms: number | null;
  logFlushTimeP99Ms: number | null;
  /** The timers' totals, turned into means over the time since the previous scrape. */
  produceTimers: RequestTimers | null;
  fetchTimers: RequestTimers | null;
  logFlushTime: TimerTotals | null;
  requestQueueSize: number | null;
  underReplicatedPartitions: number | null;
  /** Cumulative ISR shrinks (a counter; the detector turns it into a rate between rounds). */
  isrShrinksTotal: number | null;
}

/**
 * The mean of a timer over the time between two readings of its totals; null when nothing was
 * timed in between (or the broker restarted and its counters went back).
 */
export function windowedMeanMs(previous: TimerTotals | null | undefined, current: TimerTotals | null | undefined): number | null {
  if (!previous || !current) return null;
  const count = current.count - previous.count;
  if (count <= 0) return null;
  const mean = (current.count * current.meanMs - previous.count * previous.meanMs) / count;
  return Number.isFinite(mean) ? Math.max(0, mean) : null;
}

/**
 * The mean time the broker itself spent on one kind of request between two readings: total
 * time without remote (purgatory) and throttle time. Null when nothing was timed in between.
 */
export function windowedOwnTimeMs(previous: RequestTimers | null | undefined, current: RequestTimers | null | undefined): number | null {
  const total = windowedMeanMs(previous?.total, current?.total);
  if (total === null) return null;
  const part = (key: 'remote' | 'throttle') => windowedMeanMs(previous?.[key], current?.[key]) ?? 0;
  return Math.max(0, total - part('remote') - part('throttle'));
}

/**
 * Names as the harness's JMX exporter rules write Kafka's beans
 * (libs/kafka-harness/src/node-config.ts): `kafka_<domain>_<type>_<name>`, percentiles as
 * a `quantile` label, meters as `_total` counters.
 */
const NAMES = {
  requestHandlerIdle: 'kafka_server_kafkarequesthandlerpool_requesthandleravgidlepercent',
  networkProcessorIdle: 'kafka_network_socketserver_networkprocessoravgidlepercent',
  requestTotalTime: 'kafka_network_requestmetrics_totaltimems',
  requestRemoteTime: 'kafka_network_requestmetrics_remotetimems',
  requestThrottleTime: 'kafka_network_requestmetrics_throttletimems',
  requestQueueSize: 'kafka_network_requestchannel_requestqueuesize',
  underReplicatedPartitions: 'kafka_server_replicamanager_underreplicatedpartitions',
  isrShrinks: 'kafka_server_replicamanager_isrshrinks',
  logFlush: 'kafka_log_logflushstats_logflushrateandtimems',
} as const;

const WANTED = Object.values(NAMES);

/**
 * The lines of an exporter page that carry the detector's signals (with their # HELP and
 * # TYPE lines). A broker's page has thousands of per-topic lines the detector never reads;
 * dropping them before parsing keeps a scrape cheap enough not to delay the next round's
 * canaries on a busy machine.
 */
export function signalLines(page: string): string {
  return page
    .split('\n')
    .filter((line) => {
      const name = line.startsWith('# ') ? line.split(' ', 3)[2] ?? '' : line;
      return WANTED.some((wanted) => name.startsWith(wanted));
    })
    .map((line) => `${line}\n`) // the parser drops a last line without its newline
    .join('');
}

export function brokerSignals(samples: readonly MetricSample[]): BrokerSignals {
  const signals: BrokerSignals = {
    requestHandlerIdle: null,
    networkProcessorIdle: null,
    produceTotalTimeP99Ms: null,
    fetchTotalTimeP99Ms: null,
    produceTimers: null,
    fetchTimers: null,
    logFlushTime: null,
    requestQueueSize: null,
    underReplicatedPartitions: null,
    isrShrinksTotal: null,
    logFlushTimeP99Ms: null,
  };
  const timers = new Map<string, Partial<TimerTotals>>();
  const timer = (key: string, part: keyof TimerTotals, value: number) => timers.set(key, { ...timers.get(key), [part]: value });
  for (const { name, labels, value } of samples) {
    const base = name.endsWith('_total') ? name.slice(0, -'_total'.length) : name;
    const request = labels['request'] ?? '';
    const families = [
      [NAMES.requestTotalTime, `total:${request}`],
      [NAMES.requestRemoteTime, `remote:${request}`],
      [NAMES.requestThrottleTime, `throttle:${request}`],
      [NAMES.logFlush, 'logFlush'],
    ] as const;
    for (const [family, key] of families) {
      if (base === `${family}_count`) timer(key, 'count', value);
      if (base === `${family}_mean`) timer(key, 'meanMs', value);
    }
    switch (base) {
      case NAMES.requestHandlerIdle:
        signals.requestHandlerIdle = value;
        break;
      case NAMES.networkProcessorIdle:
        signals.networkProcessorIdle = value;
        break;
      case NAMES.requestQueueSize:
        signals.requestQueueSize = value;
        break;
      case NAMES.underReplicatedPartitions:
        signals.underReplicatedPartitions = value;
        break;
      case NAMES.isrShrinks:
        signals.isrShrinksTotal = value;
        break;
      case NAMES.requestTotalTime:
        if (labels['quantile'] !== '0.99') break;
        if (labels['request'] === 'Produce') signals.produceTotalTimeP99Ms = value;
        if (labels['request'] === 'FetchConsumer') signals.fetchTotalTimeP99Ms = value;
        break;
      case NAMES.logFlush:
        if (labels['quantile'] === '0.99') signals.logFlushTimeP99Ms = value;
        break;
    }
  }
  const totals = (key: string): TimerTotals | null => {
    const t = timers.get(key);
    return t?.count !== undefined && t.meanMs !== undefined ? { count: t.count, meanMs: t.meanMs } : null;
  };
  const requestTimers = (request: string): RequestTimers | null => {
    const total = totals(`total:${request}`);
    return total ? { total, remote: totals(`remote:${request}`), throttle: totals(`throttle:${request}`) } : null;
  };
  signals.produceTimers = requestTimers('Produce');
  signals.fetchTimers = requestTimers('FetchConsumer');
  signals.logFlushTime = totals('logFlush');
  return signals;
}
