import { describe, expect, it } from 'vitest';
import { metricNamesIn, metricNamesInVariableQuery } from './promql';

describe('metricNamesIn', () => {
  it('finds the selected metrics and none of the functions, labels, keywords or variables', () => {
    const expr =
      'histogram_quantile(0.99, sum by (le, broker) (rate(cellar_probe_latency_seconds_bucket{probe="produce", cluster=~"$cluster"}[$__rate_interval]))) ' +
      'or on (broker) cellar_broker_load_percent offset 5m unless count(up == 0) > bool 1e3';
    expect(metricNamesIn(expr).sort()).toEqual(['cellar_broker_load_percent', 'cellar_probe_latency_seconds_bucket', 'up']);
  });

  it('ignores names inside strings and label matchers', () => {
    expect(metricNamesIn('sum(kafka_server_replicamanager_leadercount{job="not_a_metric", area=~"heap|x_y"}) * 100')).toEqual(['kafka_server_replicamanager_leadercount']);
  });

  it('reads label lists after the aggregation too', () => {
    expect(metricNamesIn('sum(rate(cellar_mitigations_total[5m])) without (actor)')).toEqual(['cellar_mitigations_total']);
  });
});

describe('metricNamesInVariableQuery', () => {
  it('reads the selector of label_values(selector, label), not the label', () => {
    expect(metricNamesInVariableQuery('label_values(cellar_broker_health_state{cluster=~"$cluster"}, broker)')).toEqual(['cellar_broker_health_state']);
    expect(metricNamesInVariableQuery('label_values({broker!="", cluster=~"$cluster"}, broker)')).toEqual([]);
    expect(metricNamesInVariableQuery('label_values(cluster)')).toEqual([]);
  });
});
