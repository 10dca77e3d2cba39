export { CELLAR_DASHBOARD_UID, cellarDashboard, SCHEMA_VERSION } from './cellar.dashboard';
export { PROMETHEUS_DATASOURCE_UID } from './datasource';
export { DASHBOARD_FILE } from './files';
export { renderDashboard } from './render';
