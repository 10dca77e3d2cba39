import { describe, expect, it } from 'vitest';
import { bytesByPrefix, topicBytesFromMetrics } from './broker-usage';

/** What the JMX exporter agent (client_java 1.x text format) serves for a broker with two tenants' topics. */
const BROKER_PAGE = `# HELP kafka_server_brokertopicmetrics_bytesin_total Attribute exposed for management kafka.server:name=BytesInPerSec,type=BrokerTopicMetrics,attribute=Count
# TYPE kafka_server_brokertopicmetrics_bytesin counter
kafka_server_brokertopicmetrics_bytesin_total 1.5E7
kafka_server_brokertopicmetrics_bytesin_total{topic="lkc-abc234.orders"} 1.2E7
kafka_server_brokertopicmetrics_bytesin_total{topic="lkc-abc234.payments"} 1000.0
kafka_server_brokertopicmetrics_bytesin_total{topic="lkc-zzz999.events"} 2000.0
kafka_server_brokertopicmetrics_bytesin_total{topic="__consumer_offsets"} 300.0
# HELP kafka_server_brokertopicmetrics_bytesout_total Attribute exposed for management
# TYPE kafka_server_brokertopicmetrics_bytesout counter
kafka_server_brokertopicmetrics_bytesout_total{topic="lkc-abc234.orders"} 4.0E7
kafka_server_brokertopicmetrics_bytesout_total{topic="weird \\"quoted\\" name"} 5.0
# HELP kafka_server_replicamanager_leadercount Attribute exposed for management
# TYPE kafka_server_replicamanager_leadercount gauge
kafka_server_replicamanager_leadercount 12.0
`;

describe('topicBytesFromMetrics', () => {
  it('reads per-topic byte counters and leaves out the broker-wide totals and other metrics', () => {
    const topics = topicBytesFromMetrics(BROKER_PAGE);
    expect(topics).toContainEqual({ topic: 'lkc-abc234.orders', bytesIn: 12_000_000, bytesOut: 40_000_000 });
    expect(topics).toContainEqual({ topic: 'lkc-abc234.payments', bytesIn: 1000, bytesOut: 0 });
    expect(topics).toContainEqual({ topic: 'weird "quoted" name', bytesIn: 0, bytesOut: 5 });
    expect(topics.map((t) => t.topic)).not.toContain(undefined);
  });

  it('reads the exporter 0.x form too (TYPE line named with _total)', () => {
    const page = '# TYPE kafka_server_brokertopicmetrics_bytesin_total counter\nkafka_server_brokertopicmetrics_bytesin_total{topic="lkc-abc234.a",} 7.0\n';
    expect(topicBytesFromMetrics(page)).toEqual([{ topic: 'lkc-abc234.a', bytesIn: 7, bytesOut: 0 }]);
  });

  it('refuses a page it cannot read rather than reporting zeros', () => {
    expect(() => topicBytesFromMetrics('kafka_server_brokertopicmetrics_bytesin_total{topic="x" 1\n')).toThrow();
  });
});

describe('bytesByPrefix', () => {
  it('sums every broker and every topic under each prefix; other tenants and internal topics do not count', () => {
    const broker1 = topicBytesFromMetrics(BROKER_PAGE);
    const broker2 = [{ topic: 'lkc-abc234.orders', bytesIn: 500, bytesOut: 0 }];
    const totals = bytesByPrefix([broker1, broker2], ['lkc-abc234.', 'lkc-nnn222.']);
    expect(totals.get('lkc-abc234.')).toEqual({ bytesIn: 12_001_500, bytesOut: 40_000_000 });
    expect(totals.get('lkc-nnn222.')).toEqual({ bytesIn: 0, bytesOut: 0 });
    expect(totals.has('lkc-zzz999.')).toBe(false);
  });
});
