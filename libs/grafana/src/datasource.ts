import type { DataSourceRef } from '@grafana/schema';

/**
 * The uid of the Prometheus data source Grafana is provisioned with
 * (deploy/grafana/provisioning/datasources/prometheus.yaml). A fixed uid lets the dashboard
 * name it without an import-time prompt.
 */
export const PROMETHEUS_DATASOURCE_UID = 'cellar-prometheus';

export const prometheus: DataSourceRef = { type: 'prometheus', uid: PROMETHEUS_DATASOURCE_UID };
