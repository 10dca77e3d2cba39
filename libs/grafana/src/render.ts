import { cellarDashboard } from './cellar.dashboard';

/** The dashboard as the committed file holds it: two-space JSON and a final newline. */
export function renderDashboard(): string {
  return `${JSON.stringify(cellarDashboard(), null, 2)}\n`;
}
