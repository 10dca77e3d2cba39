// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- the package ships no types, and this declaration must reach every program that compiles this file (the apps include only their own src)
/// <reference path="./parse-prometheus-text-format.d.ts" />
import parsePrometheusTextFormat from 'parse-prometheus-text-format';

/** What the JMX exporter calls Kafka's BrokerTopicMetrics BytesInPerSec / BytesOutPerSec counts, per topic. */
export const BYTES_IN_METRIC = 'kafka_server_brokertopicmetrics_bytesin_total';
export const BYTES_OUT_METRIC = 'kafka_server_brokertopicmetrics_bytesout_total';

export interface TopicBytes {
  topic: string;
  bytesIn: number;
  bytesOut: number;
}

/**
 * Per-topic produce and fetch byte counters from one broker's Prometheus text page. The
 * broker-wide totals (no `topic` label) are left out. Invalid lines make the parser throw:
 * a page we cannot read is a failed scrape, not zeros.
 */
export function topicBytesFromMetrics(text: string): TopicBytes[] {
  const byTopic = new Map<string, TopicBytes>();
  for (const family of parsePrometheusTextFormat(text)) {
    // client_java 1.x writes `# TYPE x counter` and samples `x_total`: either name may head the family.
    const name = family.name.endsWith('_total') ? family.name : `${family.name}_total`;
    const field = name === BYTES_IN_METRIC ? 'bytesIn' : name === BYTES_OUT_METRIC ? 'bytesOut' : undefined;
    if (!field) continue;
    for (const sample of family.metrics) {
      const topic = sample.labels?.['topic'];
      const value = Number(sample.value);
      if (topic === undefined || !Number.isFinite(value)) continue;
      const entry = byTopic.get(topic) ?? { topic, bytesIn: 0, bytesOut: 0 };
      entry[field] += value;
      byTopic.set(topic, entry);
    }
  }
  return [...byTopic.values()];
}

/** One sample of a broker's Prometheus page. */
export interface MetricSample {
  /** The family name as written on the page (counters may or may not end in `_total`). */
  name: string;
  labels: Record<string, string>;
  value: number;
}

/**
 * Every numeric sample of a Prometheus text page, through the same parser as the usage
 * counters. Invalid lines make the parser throw: a page we cannot read is a failed scrape.
 */
export function metricSamples(text: string): MetricSample[] {
  const samples: MetricSample[] = [];
  for (const family of parsePrometheusTextFormat(text)) {
    for (const sample of family.metrics) {
      const value = Number(sample.value);
      if (Number.isNaN(value)) continue;
      samples.push({ name: family.name, labels: sample.labels ?? {}, value });
    }
  }
  return samples;
}

/** Sums the counters of every topic under each prefix, over all brokers' pages. */
export function bytesByPrefix(brokers: readonly TopicBytes[][], prefixes: readonly string[]): Map<string, { bytesIn: number; bytesOut: number }> {
  const totals = new Map(prefixes.map((prefix) => [prefix, { bytesIn: 0, bytesOut: 0 }]));
  for (const topics of brokers) {
    for (const { topic, bytesIn, bytesOut } of topics) {
      // Prefixes are `<lkc-id>.` and lkc ids have one shape, so a topic matches at most one.
      const prefix = topic.slice(0, topic.indexOf('.') + 1);
      const total = totals.get(prefix);
      if (!total) continue;
      total.bytesIn += bytesIn;
      total.bytesOut += bytesOut;
    }
  }
  return totals;
}
