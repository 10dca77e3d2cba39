import type { Dashboard, GridPos, Panel, RowPanel } from '@grafana/schema';
import { GRID_COLUMNS } from './layout';
import { isDocumented, type DocumentedMetrics } from './metrics-doc';
import { metricNamesIn, metricNamesInVariableQuery } from './promql';

export interface LintContext {
  /** The uid of the provisioned data source every panel, query and variable must use. */
  datasourceUid: string;
  metrics: DocumentedMetrics;
}

type AnyPanel = Panel | RowPanel;

function isRow(panel: AnyPanel): panel is RowPanel {
  return panel.type === 'row';
}

/**
 * The dashboard's own variables an expression uses: not Grafana's (`$__rate_interval`,
 * `$__range`...), nor label_replace's capture groups (`"$1"`), which Grafana leaves alone.
 */
function variablesIn(expr: string): string[] {
  return [...expr.matchAll(/\$(?:\{(\w+)(?::\w+)?\}|(\w+))/g)].map((match) => (match[1] ?? match[2])!).filter((name) => !name.startsWith('__') && !/^\d+$/.test(name));
}

function overlaps(a: GridPos, b: GridPos): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/** Panels that share the grid at once: the open ones, or one collapsed row's when it opens. */
function gridsOf(panels: readonly AnyPanel[]): AnyPanel[][] {
  const grids: AnyPanel[][] = [panels.slice()];
  for (const panel of panels) if (isRow(panel) && panel.collapsed) grids.push(panel.panels);
  return grids;
}

/**
 * What Grafana would reject or show broken that the JSON Schema cannot see: duplicate panel
 * ids, panels off the 24-column grid or on top of each other, panels or queries on another
 * data source, queries without an expression, undefined variables, units left unset, and
 * metric names that README.md's Metrics section does not document (a typo shows as an empty panel).
 * Returns one line per problem.
 */
export function lintDashboard(dashboard: Dashboard, context: LintContext): string[] {
  const problems: string[] = [];
  const topLevel = dashboard.panels ?? [];
  const all: AnyPanel[] = topLevel.flatMap((panel) => (isRow(panel) ? [panel, ...panel.panels] : [panel]));
  const variables = (dashboard.templating?.list ?? []).map((variable) => variable.name);

  const checkExpr = (where: string, expr: string, names: string[]) => {
    for (const name of names) if (!isDocumented(name, context.metrics)) problems.push(`${where}: metric ${name} is not in README.md's Metrics section`);
    for (const name of variablesIn(expr)) if (!variables.includes(name)) problems.push(`${where}: variable $${name} is not defined`);
  };

  const seen = new Map<number, string>();
  for (const panel of all) {
    const name = `panel ${panel.id ?? '?'} "${panel.title ?? ''}"`;
    if (panel.id === undefined) problems.push(`${name}: no id`);
    else if (seen.has(panel.id)) problems.push(`${name}: id ${panel.id} is also "${seen.get(panel.id)}"`);
    else seen.set(panel.id, panel.title ?? '');

    const grid = panel.gridPos;
    if (!grid) problems.push(`${name}: no gridPos`);
    else {
      const whole = [grid.x, grid.y, grid.w, grid.h].every(Number.isInteger);
      if (!whole || grid.x < 0 || grid.y < 0 || grid.w < 1 || grid.h < 1 || grid.x + grid.w > GRID_COLUMNS) {
        problems.push(`${name}: gridPos ${JSON.stringify(grid)} is not inside the ${GRID_COLUMNS}-column grid`);
      }
    }
    if (isRow(panel)) continue;

    if (panel.datasource?.uid !== context.datasourceUid) problems.push(`${name}: data source ${JSON.stringify(panel.datasource)}, not the provisioned ${context.datasourceUid}`);
    if (!panel.fieldConfig?.defaults.unit) problems.push(`${name}: no unit`);
    const targets = panel.targets ?? [];
    if (targets.length === 0) problems.push(`${name}: no queries`);
    const refIds = new Set<unknown>();
    for (const target of targets) {
      const where = `${name} query ${String(target['refId'])}`;
      if (refIds.has(target['refId'])) problems.push(`${where}: refId used twice`);
      refIds.add(target['refId']);
      const datasource = target['datasource'] as { uid?: string } | undefined;
      if (datasource?.uid !== context.datasourceUid) problems.push(`${where}: data source ${JSON.stringify(datasource)}, not the provisioned ${context.datasourceUid}`);
      const expr = target['expr'];
      if (typeof expr !== 'string' || expr.trim() === '') problems.push(`${where}: no expression`);
      else checkExpr(where, expr, metricNamesIn(expr));
    }
  }

  for (const grid of gridsOf(topLevel)) {
    for (let i = 0; i < grid.length; i++) {
      for (let j = i + 1; j < grid.length; j++) {
        const [a, b] = [grid[i]!, grid[j]!];
        if (a.gridPos && b.gridPos && overlaps(a.gridPos, b.gridPos)) problems.push(`panels ${a.id} "${a.title}" and ${b.id} "${b.title}" overlap`);
      }
    }
  }

  for (const variable of dashboard.templating?.list ?? []) {
    const where = `variable ${variable.name}`;
    if (variable.type !== 'query') continue;
    if (variable.datasource?.uid !== context.datasourceUid) problems.push(`${where}: data source ${JSON.stringify(variable.datasource)}, not the provisioned ${context.datasourceUid}`);
    const query = typeof variable.query === 'string' ? variable.query : String(variable.query?.['query'] ?? '');
    checkExpr(where, query, metricNamesInVariableQuery(query));
  }
  return problems;
}
