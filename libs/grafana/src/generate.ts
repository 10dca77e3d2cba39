/**
 * Writes deploy/grafana/dashboards/cellar.json from the dashboard code:
 * `npm run grafana:generate -w @cellar/grafana`. The unit spec fails while the file differs.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { DASHBOARD_FILE, repositoryFile } from './files';
import { renderDashboard } from './render';

mkdirSync(dirname(DASHBOARD_FILE), { recursive: true });
writeFileSync(DASHBOARD_FILE, renderDashboard());
console.log(`wrote ${relative(repositoryFile('.'), DASHBOARD_FILE)}`);
