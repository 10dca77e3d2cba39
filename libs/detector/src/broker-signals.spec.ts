import { metricSamples } from '@cellar/tenancy';
import { describe, expect, it } from 'vitest';
import { brokerSignals, signalLines } from './broker-signals';

// Lines as the JMX exporter writes them for a Kafka 4.x broker (trimmed).
const PAGE = `# HELP kafka_server_kafkarequesthandlerpool_requesthandleravgidlepercent x
# TYPE kafka_server_kafkarequesthandlerpool_requesthandleravgidlepercent gauge
kafka_server_kafkarequesthandlerpool_requesthandleravgidlepercent 0.93
# TYPE kafka_network_socketserver_networkprocessoravgidlepercent gauge
kafka_network_socketserver_networkprocessoravgidlepercent 0.97
# TYPE kafka_network_requestmetrics_totaltimems gauge
kafka_network_requestmetrics_totaltimems{request="Produce",quantile="0.99"} 12.5
kafka_network_requestmetrics_totaltimems{request="Produce",quantile="0.50"} 2.0
kafka_network_requestmetrics_totaltimems{request="FetchConsumer",quantile="0.99"} 505.0
kafka_network_requestmetrics_totaltimems{request="Fetch",quantile="0.99"} 501.0
# TYPE kafka_network_requestchannel_requestqueuesize gauge
kafka_network_requestchannel_requestqueuesize 3.0
# TYPE kafka_server_replicamanager_underreplicatedpartitions gauge
kafka_server_replicamanager_underreplicatedpartitions 1.0
# TYPE kafka_server_replicamanager_isrshrinks counter
kafka_server_replicamanager_isrshrinks_total 7.0
# TYPE kafka_log_logflushstats_logflushrateandtimems gauge
kafka_log_logflushstats_logflushrateandtimems{quantile="0.99"} 4.0
kafka_log_logflushstats_logflushrateandtimems{quantile="0.999"} 40.0
`;

describe('brokerSignals', () => {
  it('reads every signal the detector judges from an exporter page', () => {
    expect(brokerSignals(metricSamples(PAGE))).toEqual({
      requestHandlerIdle: 0.93,
      networkProcessorIdle: 0.97,
      produceTotalTimeP99Ms: 12.5,
      fetchTotalTimeP99Ms: 505,
      requestQueueSize: 3,
      underReplicatedPartitions: 1,
      isrShrinksTotal: 7,
      logFlushTimeP99Ms: 4,
    });
  });

  it('reads the same from the page cut down to the signal lines', () => {
    const noisy = `${PAGE}# TYPE kafka_server_brokertopicmetrics_bytesin_total counter\nkafka_server_brokertopicmetrics_bytesin_total{topic="a"} 5\n`;
    expect(signalLines(noisy)).not.toContain('bytesin');
    expect(brokerSignals(metricSamples(signalLines(noisy)))).toEqual(brokerSignals(metricSamples(PAGE)));
  });

  it('leaves what the page lacks as null', () => {
    expect(Object.values(brokerSignals(metricSamples('# TYPE up gauge\nup 1\n'))).every((v) => v === null)).toBe(true);
  });
});
