import { metricSamples } from '@cellar/tenancy';
import { describe, expect, it } from 'vitest';
import { brokerSignals, signalLines, windowedMeanMs, windowedOwnTimeMs } from './broker-signals';

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
# TYPE kafka_network_requestmetrics_totaltimems_mean gauge
kafka_network_requestmetrics_totaltimems_mean{request="Produce"} 2.5
kafka_network_requestmetrics_totaltimems_mean{request="FetchConsumer"} 480.0
# TYPE kafka_network_requestmetrics_totaltimems_count counter
kafka_network_requestmetrics_totaltimems_count_total{request="Produce"} 1000.0
kafka_network_requestmetrics_totaltimems_count_total{request="FetchConsumer"} 200.0
# TYPE kafka_network_requestmetrics_remotetimems_mean gauge
kafka_network_requestmetrics_remotetimems_mean{request="Produce"} 1.0
kafka_network_requestmetrics_remotetimems_mean{request="FetchConsumer"} 470.0
# TYPE kafka_network_requestmetrics_remotetimems_count counter
kafka_network_requestmetrics_remotetimems_count_total{request="Produce"} 1000.0
kafka_network_requestmetrics_remotetimems_count_total{request="FetchConsumer"} 200.0
# TYPE kafka_network_requestmetrics_throttletimems_mean gauge
kafka_network_requestmetrics_throttletimems_mean{request="Produce"} 0.5
# TYPE kafka_network_requestmetrics_throttletimems_count counter
kafka_network_requestmetrics_throttletimems_count_total{request="Produce"} 1000.0
# TYPE kafka_network_requestchannel_requestqueuesize gauge
kafka_network_requestchannel_requestqueuesize 3.0
# TYPE kafka_server_replicamanager_underreplicatedpartitions gauge
kafka_server_replicamanager_underreplicatedpartitions 1.0
# TYPE kafka_server_replicamanager_isrshrinks counter
kafka_server_replicamanager_isrshrinks_total 7.0
# TYPE kafka_log_logflushstats_logflushrateandtimems gauge
kafka_log_logflushstats_logflushrateandtimems{quantile="0.99"} 4.0
kafka_log_logflushstats_logflushrateandtimems{quantile="0.999"} 40.0
# TYPE kafka_log_logflushstats_logflushrateandtimems_mean gauge
kafka_log_logflushstats_logflushrateandtimems_mean 1.5
# TYPE kafka_log_logflushstats_logflushrateandtimems_count counter
kafka_log_logflushstats_logflushrateandtimems_count_total 40.0
`;

describe('brokerSignals', () => {
  it('reads every signal the detector judges from an exporter page', () => {
    expect(brokerSignals(metricSamples(PAGE))).toEqual({
      requestHandlerIdle: 0.93,
      networkProcessorIdle: 0.97,
      produceTotalTimeP99Ms: 12.5,
      fetchTotalTimeP99Ms: 505,
      produceTimers: { total: { count: 1000, meanMs: 2.5 }, remote: { count: 1000, meanMs: 1 }, throttle: { count: 1000, meanMs: 0.5 } },
      fetchTimers: { total: { count: 200, meanMs: 480 }, remote: { count: 200, meanMs: 470 }, throttle: null },
      logFlushTime: { count: 40, meanMs: 1.5 },
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

  it('turns two readings of a timer into its mean over the time between them', () => {
    // 1,000 requests at 2.5 ms, then 100 more at 52.5 ms: the all-time mean moves to 7.05 ms.
    expect(windowedMeanMs({ count: 1000, meanMs: 2.5 }, { count: 1100, meanMs: 7.045454545454546 })).toBeCloseTo(52.5, 6);
    expect(windowedMeanMs({ count: 1000, meanMs: 2.5 }, { count: 1000, meanMs: 2.5 })).toBeNull(); // nothing timed in between
    expect(windowedMeanMs({ count: 1000, meanMs: 2.5 }, { count: 10, meanMs: 1 })).toBeNull(); // the broker restarted
    expect(windowedMeanMs(null, { count: 10, meanMs: 1 })).toBeNull();
  });

  it('counts only the broker’s own time: a consumer fetch waiting out its max wait, or a throttled client, is not a slow broker', () => {
    const at = (total: [number, number], remote: [number, number], throttle: [number, number] | null = null) => ({
      total: { count: total[0], meanMs: total[1] },
      remote: { count: remote[0], meanMs: remote[1] },
      throttle: throttle && { count: throttle[0], meanMs: throttle[1] },
    });
    // 100 fetches in the window, each waiting 500 ms for data in purgatory and 2 ms of the broker's work.
    expect(windowedOwnTimeMs(at([100, 502], [100, 500]), at([200, 502], [200, 500]))).toBeCloseTo(2, 6);
    // 100 produces: 3 ms total, 1 ms waiting for followers, 1.5 ms throttled.
    expect(windowedOwnTimeMs(at([0, 0], [0, 0], [0, 0]), at([100, 3], [100, 1], [100, 1.5]))).toBeCloseTo(0.5, 6);
    // Without the parts (an exporter that does not serve them) it is the total.
    expect(windowedOwnTimeMs({ total: { count: 0, meanMs: 0 }, remote: null, throttle: null }, { total: { count: 10, meanMs: 7 }, remote: null, throttle: null })).toBe(7);
    expect(windowedOwnTimeMs(null, at([10, 1], [10, 0]))).toBeNull();
  });

  it('leaves what the page lacks as null', () => {
    expect(Object.values(brokerSignals(metricSamples('# TYPE up gauge\nup 1\n'))).every((v) => v === null)).toBe(true);
  });
});
