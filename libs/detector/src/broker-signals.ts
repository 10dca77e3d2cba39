import type { MetricSample } from '@cellar/tenancy';

/** The broker metrics the detector judges, from one scrape of its JMX exporter. */
export interface BrokerSignals {
  /** Fraction of time the request handler threads were idle (0..1, one-minute rate). */
  requestHandlerIdle: number | null;
  /** Fraction of time the network processor threads were idle (0..1). */
  networkProcessorIdle: number | null;
  produceTotalTimeP99Ms: number | null;
  fetchTotalTimeP99Ms: number | null;
  requestQueueSize: number | null;
  underReplicatedPartitions: number | null;
  /** Cumulative ISR shrinks (a counter; the detector turns it into a rate between rounds). */
  isrShrinksTotal: number | null;
  logFlushTimeP99Ms: number | null;
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
    .join('\n');
}

export function brokerSignals(samples: readonly MetricSample[]): BrokerSignals {
  const signals: BrokerSignals = {
    requestHandlerIdle: null,
    networkProcessorIdle: null,
    produceTotalTimeP99Ms: null,
    fetchTotalTimeP99Ms: null,
    requestQueueSize: null,
    underReplicatedPartitions: null,
    isrShrinksTotal: null,
    logFlushTimeP99Ms: null,
  };
  for (const { name, labels, value } of samples) {
    const base = name.endsWith('_total') ? name.slice(0, -'_total'.length) : name;
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
  return signals;
}
