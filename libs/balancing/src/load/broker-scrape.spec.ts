import { describe, expect, it } from 'vitest';
import { brokerCountersFromMetrics } from './broker-scrape';

// Lines as the JMX exporter writes them (client_java 1.x: TYPE without _total, samples with it).
const PAGE = `# TYPE kafka_server_brokertopicmetrics_bytesin counter
kafka_server_brokertopicmetrics_bytesin_total 1000.0
kafka_server_brokertopicmetrics_bytesin_total{topic="lkc-a.orders"} 600.0
kafka_server_brokertopicmetrics_bytesin_total{topic="lkc-b.clicks"} 400.0
# TYPE kafka_server_brokertopicmetrics_bytesout counter
kafka_server_brokertopicmetrics_bytesout_total 300.0
kafka_server_brokertopicmetrics_bytesout_total{topic="lkc-a.orders"} 300.0
# TYPE kafka_server_brokertopicmetrics_replicationbytesin counter
kafka_server_brokertopicmetrics_replicationbytesin_total 50.0
# TYPE kafka_server_brokertopicmetrics_replicationbytesout counter
kafka_server_brokertopicmetrics_replicationbytesout_total 70.0
# TYPE kafka_server_kafkarequesthandlerpool_requesthandleravgidlepercent gauge
kafka_server_kafkarequesthandlerpool_requesthandleravgidlepercent 0.8
`;

describe('brokerCountersFromMetrics', () => {
  it('reads per-topic bytes, broker network with replication, and handler idle', () => {
    expect(brokerCountersFromMetrics(PAGE)).toEqual({
      topicBytesIn: { 'lkc-a.orders': 600, 'lkc-b.clicks': 400 },
      topicBytesOut: { 'lkc-a.orders': 300 },
      networkIn: 1050,
      networkOut: 370,
      requestHandlerIdle: 0.8,
    });
  });

  it('throws on a page it cannot read rather than reading zeros', () => {
    expect(() => brokerCountersFromMetrics('not { a metric page')).toThrow();
  });
});
