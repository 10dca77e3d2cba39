import { fileURLToPath } from 'node:url';

const REPOSITORY_ROOT = new URL('../../../', import.meta.url);

/** A file of this repository by its path from the root. */
export function repositoryFile(path: string): string {
  return fileURLToPath(new URL(path, REPOSITORY_ROOT));
}

/** Where Grafana's file provider finds the dashboard (deploy/grafana/provisioning/dashboards/cellar.yaml). */
export const DASHBOARD_FILE = repositoryFile('deploy/grafana/dashboards/cellar.json');
