import { defaultDashboard, VariableHide, type Dashboard, type Panel, type RowPanel } from '@grafana/schema';
import { Ajv, type ErrorObject } from 'ajv';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { cellarDashboard, CLUSTER_OPTION_REGEX, SCHEMA_VERSION } from './cellar.dashboard';
import { lintDashboard } from './dashboard-lint';
import { grafanaDashboardSchema } from './dashboard-schema';
import { PROMETHEUS_DATASOURCE_UID } from './datasource';
import { DASHBOARD_FILE, repositoryFile } from './files';
import { documentedMetrics } from './metrics-doc';
import { renderDashboard } from './render';

const committed = readFileSync(DASHBOARD_FILE, 'utf8');

function describeErrors(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? ''} ${JSON.stringify(error.params)}`);
}

describe('deploy/grafana/dashboards/cellar.json', () => {
  let validate: ReturnType<Ajv['compile']>;
  beforeAll(() => {
    validate = new Ajv({ allErrors: true, strict: true }).compile(grafanaDashboardSchema());
  }, 60_000);

  it('is what the generator writes from the code (npm run grafana:generate -w @cellar/grafana)', () => {
    expect(committed === renderDashboard(), 'the committed dashboard is stale: run npm run grafana:generate -w @cellar/grafana').toBe(true);
  });

  it("is valid against the JSON Schema of Grafana's dashboard types", () => {
    validate(JSON.parse(committed));
    expect(describeErrors(validate.errors)).toEqual([]);
  });

  it('has nothing Grafana would reject or show broken', () => {
    const metrics = documentedMetrics(readFileSync(repositoryFile('README.md'), 'utf8'));
    expect(lintDashboard(JSON.parse(committed), { datasourceUid: PROMETHEUS_DATASOURCE_UID, metrics })).toEqual([]);
  });

  it('claims no newer schema version than the Grafana release the types come from', () => {
    expect(SCHEMA_VERSION).toBeLessThanOrEqual(defaultDashboard.schemaVersion!);
  });

  // The schema check has teeth: each of these is a mistake a hand-edited dashboard makes.
  const fields = (value: unknown) => value as Record<string, unknown>;
  it.each<[string, (dashboard: Dashboard) => void]>([
    ['a misspelt panel field', (d) => (fields(d.panels![1])['gridpos'] = d.panels![1]!.gridPos)],
    ['a panel without its type', (d) => delete fields(d.panels![1])['type']],
    ['a gridPos without its width', (d) => delete fields(d.panels![1]!.gridPos)['w']],
    ['a schemaVersion as a string', (d) => (fields(d)['schemaVersion'] = '41')],
    ['a variable of an unknown type', (d) => (fields(d.templating!.list![0])['type'] = 'promql')],
    ['a threshold without its colour', (d) => delete fields((d.panels![1] as Panel).fieldConfig!.defaults.thresholds!.steps[0])['color']],
  ])('rejects %s', (_mistake, spoil) => {
    const broken = structuredClone(cellarDashboard());
    spoil(broken);
    expect(validate(broken)).toBe(false);
  });
});

describe('the cluster filter', () => {
  const dashboard = cellarDashboard();
  const variable = (name: string) => dashboard.templating!.list!.find((v) => v.name === name)!;
  const exprs = (dashboard.panels ?? [])
    .flatMap((panel) => (panel.type === 'row' ? (panel as RowPanel).panels : [panel as Panel]))
    .flatMap((panel) => (panel.targets ?? []).map((target) => ({ title: panel.title ?? '', expr: String(target['expr']) })));
  /** Every `metric{matchers}` selector of the dashboard's queries. */
  const selectors = exprs.flatMap(({ title, expr }) => [...expr.matchAll(/([a-zA-Z_:][\w:]*)\{([^}]*)\}/g)].map(([, metric, matchers]) => ({ title, metric: metric!, matchers: matchers! })));

  it('offers the registered clusters by name and filters by their id, as Grafana reads a query_result line', () => {
    expect(variable('cluster').query).toBe('query_result(max by (cluster, name) (cellar_kafka_cluster_info))');
    // What Grafana's stringToJsRegex does with the variable's regex.
    const [, pattern, flags] = /^\/(.*)\/(\w*)$/.exec(CLUSTER_OPTION_REGEX)!;
    const option = (line: string) => new RegExp(pattern!, flags).exec(line)?.groups;
    expect(option('{cluster="cmbq3x2k40000v8l1c3ll0000",name="compose"} 1 1764000000000')).toEqual({ value: 'cmbq3x2k40000v8l1c3ll0000', text: 'compose' });
    expect(option('{name="eu-west-1-a",cluster="cmbq3x2k40000v8l1c3ll0001"} 1 1764000000000')).toEqual({ value: 'cmbq3x2k40000v8l1c3ll0001', text: 'eu-west-1-a' });
    expect(variable('cluster')).toMatchObject({ regex: CLUSTER_OPTION_REGEX, multi: true, includeAll: true });
  });

  it("follows the selected clusters with their names, whose All is the names, not .* (a hidden All never changes)", () => {
    expect(variable('cluster_name')).toMatchObject({ query: 'label_values(cellar_kafka_cluster_info{cluster=~"$cluster"}, name)', hide: VariableHide.hideVariable, includeAll: true });
    expect(variable('cluster_name').allValue).toBeUndefined();
  });

  it("filters the brokers' JMX series by cluster_name and Cellar's by cluster, never by the other's label", () => {
    const jmx = selectors.filter(({ metric }) => /^(kafka|jvm)_/.test(metric));
    expect(jmx.length).toBeGreaterThan(20);
    for (const { title, metric, matchers } of jmx) {
      expect(matchers, `${title}: ${metric}`).toContain('cluster_name=~"$cluster_name"');
      expect(matchers, `${title}: ${metric}`).not.toMatch(/(^|[\s,])cluster=/);
    }
    for (const { title, metric, matchers } of selectors.filter(({ metric }) => metric.startsWith('cellar_'))) {
      expect(matchers, `${title}: ${metric}`).not.toContain('cluster_name');
    }
  });
});
