import type { Dashboard, Panel } from '@grafana/schema';
import { describe, expect, it } from 'vitest';
import { lintDashboard } from './dashboard-lint';

const UID = 'cellar-prometheus';
const context = { datasourceUid: UID, metrics: new Map([['cellar_broker_load_percent', 'gauge'], ['cellar_probe_latency_seconds', 'histogram']]) };

function panel(id: number, gridPos: Panel['gridPos'], expr = 'max(cellar_broker_load_percent)', overrides: Partial<Panel> = {}): Panel {
  return {
    id,
    type: 'timeseries',
    title: `p${id}`,
    gridPos,
    datasource: { type: 'prometheus', uid: UID },
    fieldConfig: { defaults: { unit: 'percent' }, overrides: [] },
    targets: [{ refId: 'A', datasource: { type: 'prometheus', uid: UID }, expr }],
    ...overrides,
  };
}

function dashboard(...panels: Dashboard['panels'] & object): Dashboard {
  return { schemaVersion: 41, panels, templating: { list: [{ name: 'cluster', type: 'query', datasource: { type: 'prometheus', uid: UID }, query: 'label_values(cluster)' }] } };
}

describe('lintDashboard', () => {
  it('passes a well-formed dashboard', () => {
    const expr = 'histogram_quantile(0.99, sum by (le) (rate(cellar_probe_latency_seconds_bucket{cluster=~"$cluster"}[$__rate_interval])))';
    expect(lintDashboard(dashboard(panel(1, { x: 0, y: 0, w: 12, h: 8 }, expr), panel(2, { x: 12, y: 0, w: 12, h: 8 })), context)).toEqual([]);
  });

  it("takes label_replace's capture groups for no variable", () => {
    const expr = 'label_replace(max by (cluster) (cellar_broker_load_percent{cluster=~"$cluster"}), "name", "$1", "cluster", "(.+)")';
    expect(lintDashboard(dashboard(panel(1, { x: 0, y: 0, w: 12, h: 8 }, expr)), context)).toEqual([]);
  });

  it('finds duplicate ids, panels off the grid and overlapping panels', () => {
    const problems = lintDashboard(dashboard(panel(1, { x: 0, y: 0, w: 12, h: 8 }), panel(1, { x: 20, y: 0, w: 6, h: 8 }), panel(3, { x: 6, y: 4, w: 6, h: 8 })), context);
    expect(problems).toEqual([
      'panel 1 "p1": id 1 is also "p1"',
      'panel 1 "p1": gridPos {"x":20,"y":0,"w":6,"h":8} is not inside the 24-column grid',
      'panels 1 "p1" and 3 "p3" overlap',
    ]);
  });

  it('checks the panels of a collapsed row among themselves', () => {
    const row = { type: 'row' as const, id: 9, title: 'r', collapsed: true, gridPos: { x: 0, y: 8, w: 24, h: 1 }, panels: [panel(10, { x: 0, y: 9, w: 12, h: 8 }), panel(11, { x: 6, y: 9, w: 12, h: 8 })] };
    expect(lintDashboard(dashboard(panel(1, { x: 0, y: 0, w: 24, h: 8 }), row), context)).toEqual(['panels 10 "p10" and 11 "p11" overlap']);
  });

  it('finds another data source, a missing unit, an undocumented metric and an undefined variable', () => {
    const problems = lintDashboard(
      dashboard(
        panel(1, { x: 0, y: 0, w: 8, h: 8 }, 'max(cellar_broker_load_percent)', { datasource: { type: 'prometheus', uid: 'other' } }),
        panel(2, { x: 8, y: 0, w: 8, h: 8 }, 'max(cellar_broker_load_percent)', { fieldConfig: { defaults: {}, overrides: [] } }),
        panel(3, { x: 16, y: 0, w: 8, h: 8 }, 'max(cellar_broker_laod_percent{broker=~"$broker"})'),
      ),
      context,
    );
    expect(problems).toEqual([
      'panel 1 "p1": data source {"type":"prometheus","uid":"other"}, not the provisioned cellar-prometheus',
      'panel 2 "p2": no unit',
      'panel 3 "p3" query A: metric cellar_broker_laod_percent is not in README.md\'s Metrics section',
      'panel 3 "p3" query A: variable $broker is not defined',
    ]);
  });
});
