import { DashboardCursorSync, VariableHide, VariableRefresh, VariableSort, type Dashboard, type VariableModel } from '@grafana/schema';
import { prometheus } from './datasource';
import { layOut, type Section } from './layout';
import { barGauge, dashedQuery, rightAxisQuery, stat, stateTimeline, timeSeries } from './panels';

export const CELLAR_DASHBOARD_UID = 'cellar-overview';

/**
 * The classic dashboard JSON model's version this dashboard is written for: Grafana 12.0
 * onwards reads it as is, and newer releases migrate it on load.
 */
export const SCHEMA_VERSION = 41;

// Every query filters by the template variables. Cellar's series label the physical cluster
// with its id (`cluster`), the brokers' own JMX series with its name (`cluster_name`, from the
// scrape config): each kind filters on its own label. `broker` is the node id on both; its "All"
// is the regex .*, which also matches series without the label, like the controller's.
const CLUSTER = 'cluster=~"$cluster"';
const CLUSTER_NAME = 'cluster_name=~"$cluster_name"';
const BROKER = 'broker=~"$broker"';

/**
 * `expr`, one vector with the cluster id label, with the cluster's `name` added for legends.
 * Names come from the API's cellar_kafka_cluster_info, taken once per cluster however many API
 * replicas serve it (group_left needs one match); a cluster it does not name (the API is down)
 * is named by its id instead, so no series drops out of a panel. `metric` is the one `expr` reads.
 */
function withClusterName(expr: string, metric: string): string {
  const names = `max by (cluster, name) (cellar_kafka_cluster_info{${CLUSTER}})`;
  const ids = `label_replace(group by (cluster) (${metric}{${CLUSTER}}), "name", "$1", "cluster", "(.+)")`;
  return `${expr}\n* on (cluster) group_left (name) (\n  ${names}\n  or on (cluster)\n  ${ids}\n)`;
}

/** The capacity marks Cruise Control uses for network and disk (DESIGN.md). */
const LOAD_STEPS = [['green'], ['orange', 70], ['red', 80]] as const;
const ANY_IS_BAD = [['green'], ['red', 1]] as const;
const IDLE_STEPS = [['red'], ['orange', 0.2], ['green', 0.4]] as const;

/**
 * Broker health states (libs/health) with the number the state timeline shows for each and
 * its colour. The detector sets cellar_broker_health_state to 1 for the current state and 0
 * for the others, so max over state × number is the current state's number.
 */
const HEALTH_STATES = [
  { value: 1, text: 'HEALTHY', color: 'green' },
  { value: 2, text: 'SUSPECT', color: 'yellow' },
  { value: 3, text: 'SLOW', color: 'orange' },
  { value: 4, text: 'UNREACHABLE', color: 'red' },
  { value: 5, text: 'STORAGE_STALLED', color: 'dark-red' },
  { value: 6, text: 'RECOVERING', color: 'blue' },
  { value: 7, text: 'DEMOTED', color: 'purple' },
  { value: 8, text: 'DRAINED', color: 'text' },
] as const;

const healthStateNumber = `max by (cluster, broker) (\n${HEALTH_STATES.map(
  ({ value, text }) => `  cellar_broker_health_state{state="${text}", ${CLUSTER}, ${BROKER}} * ${value}`,
).join('\n  or\n')}\n)`;

/** The four Cellar processes and the prefix of their prom-client default metrics. */
const PROCESSES = [
  { name: 'api', prefix: 'cellar_api_' },
  { name: 'tenancy worker', prefix: 'cellar_tenancy_worker_' },
  { name: 'balancer', prefix: 'cellar_balancer_' },
  { name: 'detector', prefix: 'cellar_detector_' },
] as const;

const overview: Section = {
  title: 'Overview',
  panels: [
    stat({
      title: 'Physical cluster load',
      description: 'Load of each physical cluster: its most loaded broker, 0–100% (the balancer’s smoothed cluster-load metric).',
      unit: 'percent',
      queries: [{ expr: withClusterName(`max by (cluster) (cellar_cluster_load_percent{${CLUSTER}})`, 'cellar_cluster_load_percent'), legend: '{{name}}' }],
      min: 0,
      max: 100,
      thresholds: LOAD_STEPS,
      sparkline: true,
      w: 6,
      h: 5,
    }),
    stat({
      title: 'Brokers not HEALTHY',
      description: 'Brokers the degradation detector holds in any state but HEALTHY.',
      unit: 'short',
      queries: [{ expr: `sum(max by (cluster, broker, state) (cellar_broker_health_state{state!="HEALTHY", ${CLUSTER}}))`, legend: 'brokers' }],
      thresholds: ANY_IS_BAD,
      noValue: '0',
      w: 6,
      h: 5,
    }),
    stat({
      title: 'Under-replicated partitions',
      description: 'Partitions with fewer in-sync replicas than replicas, summed over the leaders’ reports.',
      unit: 'short',
      queries: [{ expr: `sum(kafka_server_replicamanager_underreplicatedpartitions{${CLUSTER_NAME}})`, legend: 'partitions' }],
      thresholds: ANY_IS_BAD,
      noValue: '0',
      w: 4,
      h: 5,
    }),
    stat({
      title: 'Offline partitions',
      description: 'Partitions without a leader, as the controller counts them.',
      unit: 'short',
      queries: [{ expr: `sum(max by (cluster_name) (kafka_controller_kafkacontroller_offlinepartitionscount{${CLUSTER_NAME}}))`, legend: 'partitions' }],
      thresholds: ANY_IS_BAD,
      noValue: '0',
      w: 4,
      h: 5,
    }),
    stat({
      title: 'Scrape targets down',
      description: 'Cellar processes and Kafka nodes Prometheus failed to scrape last time (see Status → Targets in Prometheus).',
      unit: 'short',
      queries: [{ expr: 'count(up == 0) or vector(0)', legend: 'targets' }],
      thresholds: ANY_IS_BAD,
      w: 4,
      h: 5,
    }),
  ],
};

const clusterLoad: Section = {
  title: 'Cluster load',
  panels: [
    timeSeries({
      title: 'Broker load',
      description:
        'Cluster-load metric of each broker, 0–100% (smoothed). Both the balancer and the API serve it; the maximum of the two is shown. Dashed: the 70% and 80% capacity marks.',
      unit: 'percent',
      queries: [
        {
          expr: withClusterName(`max by (cluster, broker) (cellar_broker_load_percent{${CLUSTER}, ${BROKER}})`, 'cellar_broker_load_percent'),
          legend: '{{name}} broker {{broker}}',
        },
      ],
      min: 0,
      max: 100,
      thresholds: LOAD_STEPS,
      showThresholds: true,
      w: 12,
      h: 8,
    }),
    timeSeries({
      title: 'Cell load',
      description: 'Load of each cell: its most loaded broker.',
      unit: 'percent',
      queries: [{ expr: withClusterName(`max by (cluster, cell) (cellar_cell_load_percent{${CLUSTER}})`, 'cellar_cell_load_percent'), legend: '{{name}} {{cell}}' }],
      min: 0,
      max: 100,
      thresholds: LOAD_STEPS,
      showThresholds: true,
      w: 6,
      h: 8,
    }),
    timeSeries({
      title: 'Physical cluster load',
      description: 'Load of each physical cluster: its most loaded broker.',
      unit: 'percent',
      queries: [{ expr: withClusterName(`max by (cluster) (cellar_cluster_load_percent{${CLUSTER}})`, 'cellar_cluster_load_percent'), legend: '{{name}}' }],
      min: 0,
      max: 100,
      thresholds: LOAD_STEPS,
      showThresholds: true,
      w: 6,
      h: 8,
    }),
  ],
};

const brokerHealth: Section = {
  title: 'Broker health and mitigations',
  panels: [
    stateTimeline({
      title: 'Broker health state',
      description: 'The degradation detector’s state for each broker over time; each state has one mitigation (libs/health/README.md).',
      queries: [{ expr: withClusterName(healthStateNumber, 'cellar_broker_health_state'), legend: '{{name}} broker {{broker}}' }],
      states: HEALTH_STATES,
      w: 24,
      h: 9,
    }),
    timeSeries({
      title: 'Health transitions per 5 min',
      description: 'Broker health state changes, all clusters (the counter has no cluster label).',
      unit: 'short',
      queries: [{ expr: 'sum by (from, to) (increase(cellar_broker_health_transitions_total[5m]))', legend: '{{from}} → {{to}}' }],
      bars: true,
      stacked: true,
      w: 8,
      h: 8,
    }),
    timeSeries({
      title: 'Mitigations per 5 min',
      description: 'Mitigations by kind and how they ended (completed, rolled_back, failed, blocked by a guardrail, dry_run), all clusters.',
      unit: 'short',
      queries: [{ expr: 'sum by (kind, outcome) (increase(cellar_mitigations_total[5m]))', legend: '{{kind}} {{outcome}}' }],
      bars: true,
      stacked: true,
      w: 8,
      h: 8,
    }),
    timeSeries({
      title: 'Detector rounds',
      description: 'Rounds per second by outcome: judged, guard (too many brokers looked bad at once, nothing judged), failed.',
      unit: 'ops',
      queries: [{ expr: `sum by (outcome) (rate(cellar_detector_rounds_total{${CLUSTER}}[$__rate_interval]))`, legend: '{{outcome}}' }],
      stacked: true,
      w: 8,
      h: 8,
    }),
    timeSeries({
      title: 'Probe latency p50 / p99',
      description: 'Canary round trips over the selected brokers: produce (acks=1 to the broker’s pinned probe partition), fetch, and a metadata request.',
      unit: 's',
      queries: [
        { expr: `histogram_quantile(0.5, sum by (le, probe) (rate(cellar_probe_latency_seconds_bucket{${CLUSTER}, ${BROKER}}[$__rate_interval])))`, legend: 'p50 {{probe}}' },
        { expr: `histogram_quantile(0.99, sum by (le, probe) (rate(cellar_probe_latency_seconds_bucket{${CLUSTER}, ${BROKER}}[$__rate_interval])))`, legend: 'p99 {{probe}}' },
      ],
      w: 12,
      h: 8,
    }),
    timeSeries({
      title: 'Produce canary p99 by broker',
      description: 'A broker much slower than its peers here is what the detector calls SLOW.',
      unit: 's',
      queries: [
        {
          expr: withClusterName(
            `histogram_quantile(0.99, sum by (le, cluster, broker) (rate(cellar_probe_latency_seconds_bucket{probe="produce", ${CLUSTER}, ${BROKER}}[$__rate_interval])))`,
            'cellar_probe_latency_seconds_bucket',
          ),
          legend: '{{name}} broker {{broker}}',
        },
      ],
      w: 12,
      h: 8,
    }),
    timeSeries({
      title: 'Failed probe rounds per 5 min',
      description: 'Rounds in which a broker did not answer all its canaries in time.',
      unit: 'short',
      queries: [
        {
          expr: withClusterName(`sum by (cluster, broker) (increase(cellar_probe_failures_total{${CLUSTER}, ${BROKER}}[5m]))`, 'cellar_probe_failures_total'),
          legend: '{{name}} broker {{broker}}',
        },
      ],
      bars: true,
      stacked: true,
      w: 12,
      h: 8,
    }),
    barGauge({
      title: 'Mitigations in the time range',
      description: 'Mitigations by kind, actor (detector or operator) and outcome over the dashboard’s time range.',
      unit: 'short',
      queries: [{ expr: 'sum by (kind, actor, outcome) (increase(cellar_mitigations_total[$__range]))', legend: '{{kind}} by {{actor}}: {{outcome}}', instant: true }],
      w: 12,
      h: 8,
    }),
  ],
};

const rebalancing: Section = {
  title: 'Rebalancing',
  panels: [
    timeSeries({
      title: 'Rebalance plans by state',
      description: 'Plans recorded in PostgreSQL by state, dry runs included.',
      unit: 'short',
      queries: [{ expr: `sum by (state) (max by (cluster, state) (cellar_rebalance_plans{${CLUSTER}}))`, legend: '{{state}}' }],
      w: 8,
      h: 8,
    }),
    timeSeries({
      title: 'Plan steps per 5 min',
      description: 'Plans reaching a state (planned, executing, completed, cancelled, failed, dry_run) by trigger (scheduled or manual).',
      unit: 'short',
      queries: [{ expr: `sum by (trigger, state) (increase(cellar_rebalance_plans_total{${CLUSTER}}[5m]))`, legend: '{{trigger}} {{state}}' }],
      bars: true,
      stacked: true,
      w: 8,
      h: 8,
    }),
    timeSeries({
      title: 'Balancer rounds per 5 min',
      description: 'Balancing rounds by outcome: balanced, waiting (imbalance not yet long enough), planned, busy, unhealthy, disabled, not_sampled, no_moves.',
      unit: 'short',
      queries: [{ expr: `sum by (outcome) (increase(cellar_balancer_rounds_total{${CLUSTER}}[5m]))`, legend: '{{outcome}}' }],
      bars: true,
      stacked: true,
      w: 8,
      h: 8,
    }),
    timeSeries({
      title: 'Partition moves by reason and state',
      description: 'Moves recorded in PostgreSQL (quarantine, rebalance, mitigation) by kind and state.',
      unit: 'short',
      queries: [{ expr: `sum by (reason, kind, state) (max by (cluster, reason, kind, state) (cellar_partition_moves{${CLUSTER}}))`, legend: '{{reason}} {{kind}} {{state}}' }],
      legendTable: true,
      w: 8,
      h: 8,
    }),
    timeSeries({
      title: 'Moves per 5 min',
      description: 'Moves reaching a state: the balancer’s executor (rebalance) and the tenancy worker’s quarantines.',
      unit: 'short',
      queries: [
        { expr: 'sum by (reason, kind, state) (increase(cellar_reassignment_moves_total[5m]))', legend: '{{reason}} {{kind}} {{state}}' },
        { expr: 'sum by (reason, state) (increase(cellar_partition_moves_total[5m]))', legend: '{{reason}} {{state}}' },
      ],
      bars: true,
      stacked: true,
      w: 8,
      h: 8,
    }),
    timeSeries({
      title: 'Replica bytes moved',
      description: 'Left: bytes per second copied by the balancer’s finished moves. Right, dashed: bytes copied by all finished moves so far (from PostgreSQL).',
      unit: 'Bps',
      queries: [
        { expr: 'sum by (reason) (rate(cellar_reassignment_bytes_moved_total[$__rate_interval]))', legend: '{{reason}} rate' },
        { expr: `sum by (reason) (max by (cluster, reason) (cellar_partition_moved_bytes{${CLUSTER}}))`, legend: '{{reason}} total' },
      ],
      overrides: [rightAxisQuery('B', 'bytes'), dashedQuery('B')],
      w: 8,
      h: 8,
    }),
  ],
};

const tenancy: Section = {
  title: 'Logical clusters and capacity',
  panels: [
    timeSeries({
      title: 'Logical clusters by status',
      description: 'Logical clusters of all tenants by status; deleted ones are not counted.',
      unit: 'short',
      queries: [{ expr: 'max by (status) (cellar_logical_clusters)', legend: '{{status}}' }],
      stacked: true,
      w: 8,
      h: 8,
    }),
    timeSeries({
      title: 'Committed vs capacity per cell',
      description: 'CKUs of the logical clusters placed in each cell; dashed: what the cell can host (brokers × CKUs per broker).',
      unit: 'suffix:CKU',
      queries: [
        { expr: `max by (cluster, cell) (cellar_cell_committed_ckus{${CLUSTER}})`, legend: '{{cell}} committed' },
        { expr: `max by (cluster, cell) (cellar_cell_capacity_ckus{${CLUSTER}})`, legend: '{{cell}} capacity' },
      ],
      min: 0,
      overrides: [dashedQuery('B')],
      w: 8,
      h: 8,
    }),
    barGauge({
      title: 'Cell CKU utilization',
      description: 'Committed CKUs over capacity, per cell; new logical clusters go to the lighter of two candidate cells.',
      unit: 'percent',
      queries: [
        {
          expr: `100 * max by (cluster, cell, quarantine) (cellar_cell_committed_ckus{${CLUSTER}}) / max by (cluster, cell, quarantine) (cellar_cell_capacity_ckus{${CLUSTER}})`,
          legend: '{{cell}} (quarantine: {{quarantine}})',
          instant: true,
        },
      ],
      min: 0,
      max: 100,
      thresholds: [['green'], ['orange', 70], ['red', 90]],
      w: 8,
      h: 8,
    }),
    timeSeries({
      title: 'Tenancy jobs per 5 min',
      description: 'Job runs by job and outcome: completed, skipped (nothing left to do), retry (will run again), failed (gave up).',
      unit: 'short',
      queries: [{ expr: 'sum by (job, outcome) (increase(cellar_tenancy_jobs_total[5m]))', legend: '{{job}} {{outcome}}' }],
      bars: true,
      stacked: true,
      legendTable: true,
      w: 12,
      h: 8,
    }),
    timeSeries({
      title: 'Tenancy job duration p99',
      description: 'Wall time of one job run, whatever its outcome.',
      unit: 's',
      queries: [{ expr: 'histogram_quantile(0.99, sum by (le, job) (rate(cellar_tenancy_job_duration_seconds_bucket[$__rate_interval])))', legend: '{{job}}' }],
      w: 12,
      h: 8,
    }),
  ],
};

const api: Section = {
  title: 'API',
  panels: [
    timeSeries({
      title: 'Requests by route',
      description: 'Requests per second by method and route pattern.',
      unit: 'reqps',
      queries: [{ expr: 'sum by (method, route) (rate(cellar_http_request_duration_seconds_count[$__rate_interval]))', legend: '{{method}} {{route}}' }],
      legendTable: true,
      w: 8,
      h: 8,
    }),
    timeSeries({
      title: 'Latency p50 / p99',
      description: 'Time from receiving a request to sending its response, over all routes.',
      unit: 's',
      queries: [
        { expr: 'histogram_quantile(0.5, sum by (le) (rate(cellar_http_request_duration_seconds_bucket[$__rate_interval])))', legend: 'p50' },
        { expr: 'histogram_quantile(0.99, sum by (le) (rate(cellar_http_request_duration_seconds_bucket[$__rate_interval])))', legend: 'p99' },
      ],
      w: 8,
      h: 8,
    }),
    timeSeries({
      title: 'Server errors (5xx) by route',
      description: 'Responses with a 5xx status per second; internals stay in the API’s logs, not in the response.',
      unit: 'reqps',
      queries: [{ expr: 'sum by (route, status_code) (rate(cellar_http_request_duration_seconds_count{status_code=~"5.."}[$__rate_interval]))', legend: '{{status_code}} {{route}}' }],
      thresholds: ANY_IS_BAD,
      w: 8,
      h: 8,
    }),
    timeSeries({
      title: 'Latency p99 by route',
      description: 'The slowest routes first in the legend.',
      unit: 's',
      queries: [{ expr: 'histogram_quantile(0.99, sum by (le, route) (rate(cellar_http_request_duration_seconds_bucket[$__rate_interval])))', legend: '{{route}}' }],
      legendTable: true,
      w: 12,
      h: 8,
    }),
    timeSeries({
      title: 'Error ratio',
      description: 'Share of responses with a 5xx (server) and a 4xx (client: validation, auth, not found, conflicts) status.',
      unit: 'percentunit',
      queries: [
        {
          expr: 'sum(rate(cellar_http_request_duration_seconds_count{status_code=~"5.."}[$__rate_interval])) / sum(rate(cellar_http_request_duration_seconds_count[$__rate_interval]))',
          legend: '5xx',
        },
        {
          expr: 'sum(rate(cellar_http_request_duration_seconds_count{status_code=~"4.."}[$__rate_interval])) / sum(rate(cellar_http_request_duration_seconds_count[$__rate_interval]))',
          legend: '4xx',
        },
      ],
      min: 0,
      w: 12,
      h: 8,
    }),
  ],
};

const TOPICLESS = 'topic=""';

const kafkaBrokers: Section = {
  title: 'Kafka brokers (JMX exporter)',
  panels: [
    timeSeries({
      title: 'Bytes in per broker',
      description: 'Bytes produced by clients into partitions each broker leads (broker-wide BytesInPerSec).',
      unit: 'Bps',
      queries: [{ expr: `sum by (cluster_name, broker) (rate(kafka_server_brokertopicmetrics_bytesin_total{${TOPICLESS}, ${CLUSTER_NAME}, ${BROKER}}[$__rate_interval]))`, legend: '{{cluster_name}} broker {{broker}}' }],
      w: 12,
      h: 8,
    }),
    timeSeries({
      title: 'Bytes out per broker',
      description: 'Bytes consumers fetched from partitions each broker leads, replication excluded (BytesOutPerSec).',
      unit: 'Bps',
      queries: [{ expr: `sum by (cluster_name, broker) (rate(kafka_server_brokertopicmetrics_bytesout_total{${TOPICLESS}, ${CLUSTER_NAME}, ${BROKER}}[$__rate_interval]))`, legend: '{{cluster_name}} broker {{broker}}' }],
      w: 12,
      h: 8,
    }),
    timeSeries({
      title: 'Replication bytes per broker',
      description: 'Bytes each broker fetched as a follower (in) and served to its followers (out); reassignments show up here, under their throttle.',
      unit: 'Bps',
      queries: [
        { expr: `sum by (cluster_name, broker) (rate(kafka_server_brokertopicmetrics_replicationbytesin_total{${CLUSTER_NAME}, ${BROKER}}[$__rate_interval]))`, legend: 'in {{cluster_name}} broker {{broker}}' },
        { expr: `sum by (cluster_name, broker) (rate(kafka_server_brokertopicmetrics_replicationbytesout_total{${CLUSTER_NAME}, ${BROKER}}[$__rate_interval]))`, legend: 'out {{cluster_name}} broker {{broker}}' },
      ],
      w: 12,
      h: 8,
    }),
    timeSeries({
      title: 'Produce and fetch requests per broker',
      description: 'Produce and consumer fetch requests per second (RequestsPerSec), all API versions.',
      unit: 'reqps',
      queries: [{ expr: `sum by (cluster_name, broker, request) (rate(kafka_network_requestmetrics_requests_total{${CLUSTER_NAME}, ${BROKER}}[$__rate_interval]))`, legend: '{{request}} {{cluster_name}} broker {{broker}}' }],
      w: 12,
      h: 8,
    }),
    timeSeries({
      title: 'Request handler idle',
      description: 'Fraction of time the request handler threads were idle (one-minute rate); under 20% the broker is saturated.',
      unit: 'percentunit',
      queries: [{ expr: `max by (cluster_name, broker) (kafka_server_kafkarequesthandlerpool_requesthandleravgidlepercent{${CLUSTER_NAME}, ${BROKER}})`, legend: '{{cluster_name}} broker {{broker}}' }],
      min: 0,
      max: 1,
      thresholds: IDLE_STEPS,
      showThresholds: true,
      w: 8,
      h: 8,
    }),
    timeSeries({
      title: 'Network processor idle',
      description: 'Fraction of time the network threads were idle.',
      unit: 'percentunit',
      queries: [{ expr: `max by (cluster_name, broker) (kafka_network_socketserver_networkprocessoravgidlepercent{${CLUSTER_NAME}, ${BROKER}})`, legend: '{{cluster_name}} broker {{broker}}' }],
      min: 0,
      max: 1,
      thresholds: IDLE_STEPS,
      showThresholds: true,
      w: 8,
      h: 8,
    }),
    timeSeries({
      title: 'Request queue size',
      description: 'Requests waiting for a request handler thread.',
      unit: 'short',
      queries: [{ expr: `max by (cluster_name, broker) (kafka_network_requestchannel_requestqueuesize{${CLUSTER_NAME}, ${BROKER}})`, legend: '{{cluster_name}} broker {{broker}}' }],
      w: 8,
      h: 8,
    }),
    timeSeries({
      title: 'Produce / fetch total time p99',
      description: 'Request total time p99 (receipt to response). Fetches include their long-poll wait (fetch.max.wait.ms), so a quiet topic shows ~500 ms.',
      unit: 'ms',
      queries: [
        {
          expr: `max by (cluster_name, broker, request) (kafka_network_requestmetrics_totaltimems{quantile="0.99", request=~"Produce|FetchConsumer|FetchFollower", ${CLUSTER_NAME}, ${BROKER}})`,
          legend: '{{request}} {{cluster_name}} broker {{broker}}',
        },
      ],
      legendTable: true,
      w: 12,
      h: 8,
    }),
    timeSeries({
      title: 'Log flush time p99',
      description: 'Time to flush a log segment to disk; storage that stops progressing is what the detector calls STORAGE_STALLED.',
      unit: 'ms',
      queries: [{ expr: `max by (cluster_name, broker) (kafka_log_logflushstats_logflushrateandtimems{quantile="0.99", ${CLUSTER_NAME}, ${BROKER}})`, legend: '{{cluster_name}} broker {{broker}}' }],
      w: 12,
      h: 8,
    }),
    timeSeries({
      title: 'Under-replicated partitions',
      description: 'Partitions each broker leads with fewer in-sync replicas than replicas; dashed: below min.insync.replicas (producers with acks=all fail).',
      unit: 'short',
      queries: [
        { expr: `sum by (cluster_name, broker) (kafka_server_replicamanager_underreplicatedpartitions{${CLUSTER_NAME}, ${BROKER}})`, legend: 'under-replicated {{cluster_name}} broker {{broker}}' },
        { expr: `sum by (cluster_name, broker) (kafka_server_replicamanager_underminisrpartitioncount{${CLUSTER_NAME}, ${BROKER}})`, legend: 'under min ISR {{cluster_name}} broker {{broker}}' },
      ],
      overrides: [dashedQuery('B')],
      w: 8,
      h: 8,
    }),
    timeSeries({
      title: 'ISR shrinks and expands',
      description: 'Followers dropped from (shrinks) and rejoining (expands) partitions’ in-sync replica sets, per second.',
      unit: 'ops',
      queries: [
        { expr: `sum by (cluster_name, broker) (rate(kafka_server_replicamanager_isrshrinks_total{${CLUSTER_NAME}, ${BROKER}}[$__rate_interval]))`, legend: 'shrinks {{cluster_name}} broker {{broker}}' },
        { expr: `sum by (cluster_name, broker) (rate(kafka_server_replicamanager_isrexpands_total{${CLUSTER_NAME}, ${BROKER}}[$__rate_interval]))`, legend: 'expands {{cluster_name}} broker {{broker}}' },
      ],
      overrides: [dashedQuery('B')],
      w: 8,
      h: 8,
    }),
    timeSeries({
      title: 'Active and fenced brokers',
      description: 'Brokers registered and unfenced, and fenced, as the controller counts them; and active controllers (should be 1).',
      unit: 'short',
      queries: [
        { expr: `max by (cluster_name) (kafka_controller_kafkacontroller_activebrokercount{${CLUSTER_NAME}})`, legend: 'active brokers {{cluster_name}}' },
        { expr: `max by (cluster_name) (kafka_controller_kafkacontroller_fencedbrokercount{${CLUSTER_NAME}})`, legend: 'fenced brokers {{cluster_name}}' },
        { expr: `sum by (cluster_name) (kafka_controller_kafkacontroller_activecontrollercount{${CLUSTER_NAME}})`, legend: 'active controllers {{cluster_name}}' },
      ],
      min: 0,
      w: 8,
      h: 8,
    }),
    timeSeries({
      title: 'Leaders per broker',
      description: 'Partitions each broker leads; a demoted broker drops to zero. Dashed: replicas hosted.',
      unit: 'short',
      queries: [
        { expr: `max by (cluster_name, broker) (kafka_server_replicamanager_leadercount{${CLUSTER_NAME}, ${BROKER}})`, legend: 'leaders {{cluster_name}} broker {{broker}}' },
        { expr: `max by (cluster_name, broker) (kafka_server_replicamanager_partitioncount{${CLUSTER_NAME}, ${BROKER}})`, legend: 'replicas {{cluster_name}} broker {{broker}}' },
      ],
      overrides: [dashedQuery('B')],
      w: 12,
      h: 8,
    }),
    timeSeries({
      title: 'Broker JVM heap and GC',
      description: 'Heap used by each Kafka node’s JVM; right: fraction of time spent in garbage collection.',
      unit: 'bytes',
      queries: [
        { expr: `sum by (cluster_name, broker) (jvm_memory_used_bytes{area="heap", job="kafka", ${CLUSTER_NAME}, ${BROKER}})`, legend: 'heap {{cluster_name}} broker {{broker}}' },
        { expr: `sum by (cluster_name, broker) (rate(jvm_gc_collection_seconds_sum{job="kafka", ${CLUSTER_NAME}, ${BROKER}}[$__rate_interval]))`, legend: 'GC {{cluster_name}} broker {{broker}}' },
      ],
      overrides: [rightAxisQuery('B', 'percentunit'), dashedQuery('B')],
      w: 12,
      h: 8,
    }),
  ],
};

const processes: Section = {
  title: 'Cellar processes',
  collapsed: true,
  panels: [
    timeSeries({
      title: 'CPU',
      description: 'CPU seconds per second of each process (1 = one core).',
      unit: 'percentunit',
      queries: PROCESSES.map(({ name, prefix }) => ({ expr: `sum by (instance) (rate(${prefix}process_cpu_seconds_total[$__rate_interval]))`, legend: `${name} {{instance}}` })),
      min: 0,
      w: 8,
      h: 8,
    }),
    timeSeries({
      title: 'Resident memory',
      description: 'Resident set size of each process.',
      unit: 'bytes',
      queries: PROCESSES.map(({ name, prefix }) => ({ expr: `sum by (instance) (${prefix}process_resident_memory_bytes)`, legend: `${name} {{instance}}` })),
      min: 0,
      w: 8,
      h: 8,
    }),
    timeSeries({
      title: 'Event loop lag p99',
      description: 'A busy event loop delays canaries and scrapes: the detector’s probe timings include it.',
      unit: 's',
      queries: PROCESSES.map(({ name, prefix }) => ({ expr: `max by (instance) (${prefix}nodejs_eventloop_lag_p99_seconds)`, legend: `${name} {{instance}}` })),
      min: 0,
      w: 8,
      h: 8,
    }),
  ],
};

/**
 * Grafana's text and value of each physical cluster, from one line of the cluster variable's
 * query_result: `{cluster="<id>",name="<name>"} 1 <timestamp>`. Lookaheads, so the order of
 * the labels does not matter.
 */
export const CLUSTER_OPTION_REGEX = '/(?=.*\\bcluster="(?<value>[^"]+)")(?=.*\\bname="(?<text>[^"]+)")/';

/** "All" as the regex .*, rather than the list of the options Grafana would make it. */
const ALL_IS_ANY = { allValue: '.*' } as const;

/** A multi-value query variable with "All", selected by default. */
function queryVariable(name: string, label: string, query: string, more: Partial<VariableModel> = {}): VariableModel {
  return {
    type: 'query',
    name,
    label,
    datasource: prometheus,
    query,
    refresh: VariableRefresh.onTimeRangeChanged,
    sort: VariableSort.naturalAsc,
    multi: true,
    includeAll: true,
    current: { text: 'All', value: '$__all' },
    options: [],
    ...more,
  };
}

/** The SRE view of Cellar and its Kafka clusters, as Grafana's classic dashboard JSON model. */
export function cellarDashboard(): Dashboard {
  return {
    uid: CELLAR_DASHBOARD_UID,
    title: 'Cellar',
    description: 'Cellar control plane and the Kafka clusters it manages: load, broker health and mitigations, rebalancing, capacity, API, brokers.',
    tags: ['cellar', 'kafka'],
    schemaVersion: SCHEMA_VERSION,
    version: 1,
    editable: true,
    graphTooltip: DashboardCursorSync.Crosshair,
    timezone: 'browser',
    refresh: '30s',
    time: { from: 'now-3h', to: 'now' },
    templating: {
      list: [
        // The registered physical clusters: their ids filter Cellar's series, their names are shown.
        queryVariable('cluster', 'Physical cluster', 'query_result(max by (cluster, name) (cellar_kafka_cluster_info))', {
          ...ALL_IS_ANY,
          regex: CLUSTER_OPTION_REGEX,
          description: 'Physical clusters registered with Cellar, by name.',
        }),
        // The names of the selected clusters, for the brokers' JMX series. Its "All" must stay the
        // list of its options: it stays selected when $cluster changes, and .* would then match
        // every cluster. Needs the API's info metric: an unregistered Kafka has no name yet.
        queryVariable('cluster_name', 'Physical cluster name', 'label_values(cellar_kafka_cluster_info{cluster=~"$cluster"}, name)', {
          hide: VariableHide.hideVariable,
          skipUrlSync: true,
        }),
        // Node ids from Cellar's series of the selected clusters; with "All", from the JMX series
        // too (.* matches their missing `cluster`).
        queryVariable('broker', 'Broker', 'label_values({broker!="", cluster=~"$cluster"}, broker)', ALL_IS_ANY),
      ],
    },
    panels: layOut([overview, clusterLoad, brokerHealth, rebalancing, tenancy, api, kafkaBrokers, processes]),
  };
}
