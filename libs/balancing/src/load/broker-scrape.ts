import { metricSamples } from '@cellar/tenancy';

/** Cumulative counters and gauges of one broker at one scrape (JMX exporter names, see @cellar/kafka-harness). */
export interface BrokerCounters {
  /** Client produce bytes into partitions this broker leads, per topic (BrokerTopicMetrics BytesInPerSec). */
  topicBytesIn: Record<string, number>;
  /** Consumer fetch bytes out of partitions it leads, per topic (BytesOutPerSec, replication excluded). */
  topicBytesOut: Record<string, number>;
  /** All bytes into the broker: client produce plus replication fetched from leaders. */
  networkIn: number;
  /** All bytes out: consumer fetches plus replication served to followers. */
  networkOut: number;
  /** RequestHandlerAvgIdlePercent (one-minute rate, 0..1); null when the page lacks it. */
  requestHandlerIdle: number | null;
}

const TOPIC_IN = 'kafka_server_brokertopicmetrics_bytesin_total';
const TOPIC_OUT = 'kafka_server_brokertopicmetrics_bytesout_total';
const REPLICATION_IN = 'kafka_server_brokertopicmetrics_replicationbytesin_total';
const REPLICATION_OUT = 'kafka_server_brokertopicmetrics_replicationbytesout_total';
const HANDLER_IDLE = 'kafka_server_kafkarequesthandlerpool_requesthandleravgidlepercent';

/** Reads the counters the load model needs from a broker's Prometheus page; an unreadable page throws. */
export function brokerCountersFromMetrics(text: string): BrokerCounters {
  const counters: BrokerCounters = { topicBytesIn: {}, topicBytesOut: {}, networkIn: 0, networkOut: 0, requestHandlerIdle: null };
  for (const { name, labels, value } of metricSamples(text)) {
    if (!Number.isFinite(value)) continue;
    // client_java 1.x writes `# TYPE x counter` and samples `x_total`: either name may head the family.
    const counterName = name.endsWith('_total') ? name : `${name}_total`;
    const topic = labels['topic'];
    if (name === HANDLER_IDLE) counters.requestHandlerIdle = value;
    else if (counterName === TOPIC_IN) {
      if (topic === undefined) counters.networkIn += value;
      else counters.topicBytesIn[topic] = (counters.topicBytesIn[topic] ?? 0) + value;
    } else if (counterName === TOPIC_OUT) {
      if (topic === undefined) counters.networkOut += value;
      else counters.topicBytesOut[topic] = (counters.topicBytesOut[topic] ?? 0) + value;
    } else if (counterName === REPLICATION_IN && topic === undefined) counters.networkIn += value;
    else if (counterName === REPLICATION_OUT && topic === undefined) counters.networkOut += value;
  }
  return counters;
}

/** GETs a broker's metrics page. */
export async function scrapeBroker(metricsUrl: string, timeoutMs = 5_000): Promise<BrokerCounters> {
  const response = await fetch(metricsUrl, { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new Error(`${metricsUrl} answered ${response.status}`);
  return brokerCountersFromMetrics(await response.text());
}
