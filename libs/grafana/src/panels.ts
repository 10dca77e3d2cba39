import {
  BarGaugeDisplayMode,
  BarGaugeNamePlacement,
  BarGaugeSizing,
  BarGaugeValueMode,
  BigValueColorMode,
  BigValueGraphMode,
  BigValueJustifyMode,
  BigValueTextMode,
  FieldColorModeId,
  GraphDrawStyle,
  GraphThresholdsStyleMode,
  LegendDisplayMode,
  MappingType,
  PercentChangeColorMode,
  SortOrder,
  StackingMode,
  ThresholdsMode,
  TooltipDisplayMode,
  VisibilityMode,
  VizOrientation,
  type FieldConfigSource,
  type Panel,
  type Threshold,
  type ValueMappingResult,
  type VizLegendOptions,
} from '@grafana/schema';
import type { Options as BarGaugeOptions } from '@grafana/schema/dist/esm/raw/composable/bargauge/panelcfg/x/BarGaugePanelCfg_types.gen';
import type { Options as StatOptions } from '@grafana/schema/dist/esm/raw/composable/stat/panelcfg/x/StatPanelCfg_types.gen';
import type {
  FieldConfig as StateTimelineFieldConfig,
  Options as StateTimelineOptions,
} from '@grafana/schema/dist/esm/raw/composable/statetimeline/panelcfg/x/StateTimelinePanelCfg_types.gen';
import type { FieldConfig as TimeSeriesFieldConfig, Options as TimeSeriesOptions } from '@grafana/schema/dist/esm/raw/composable/timeseries/panelcfg/x/TimeSeriesPanelCfg_types.gen';
import { prometheus } from './datasource';
import type { SizedPanel } from './layout';

/** One PromQL query of a panel. `legend` is a Grafana legend format (`{{broker}}`). */
export interface Query {
  expr: string;
  legend: string;
  /** Only the value at the end of the range (bar gauges and stats of "now"). */
  instant?: boolean;
}

/** A Prometheus query as Grafana stores it in `targets` (the schema leaves targets open). */
export type PrometheusTarget = {
  refId: string;
  datasource: typeof prometheus;
  expr: string;
  legendFormat: string;
  range: boolean;
  instant: boolean;
};

/** Grafana unit ids: https://grafana.com/docs/grafana/latest/panels-visualizations/configure-standard-options/ */
export type Unit = 'percent' | 'percentunit' | 'Bps' | 'bytes' | 's' | 'ms' | 'reqps' | 'ops' | 'short' | 'none' | `suffix:${string}`;

/** Threshold steps from the base colour up: `[['green'], ['orange', 70], ['red', 80]]`. */
export type Steps = ReadonlyArray<readonly [color: string] | readonly [color: string, from: number]>;

interface Common {
  title: string;
  description: string;
  unit: Unit;
  queries: readonly Query[];
  w: number;
  h: number;
  min?: number;
  max?: number;
  thresholds?: Steps;
  /** Shown instead of "No data" when a query has no series (e.g. a count of none). */
  noValue?: string;
}

const LEGEND_LIST: VizLegendOptions = { displayMode: LegendDisplayMode.List, placement: 'bottom', showLegend: true, calcs: [] };
const LEGEND_TABLE: VizLegendOptions = { displayMode: LegendDisplayMode.Table, placement: 'right', showLegend: true, calcs: ['lastNotNull', 'max'] };

function targets(queries: readonly Query[]): PrometheusTarget[] {
  return queries.map((query, i) => ({
    refId: String.fromCharCode(65 + i),
    datasource: prometheus,
    expr: query.expr,
    legendFormat: query.legend,
    range: !query.instant,
    instant: query.instant ?? false,
  }));
}

function thresholds(steps: Steps = [['green']]) {
  return {
    mode: ThresholdsMode.Absolute,
    steps: steps.map(([color, from]): Threshold => ({ color, value: from ?? null })),
  };
}

/** Unit, range, thresholds and no-value text: the field defaults every panel kind shares. */
function standard(spec: Common) {
  return {
    unit: spec.unit,
    ...(spec.min !== undefined ? { min: spec.min } : {}),
    ...(spec.max !== undefined ? { max: spec.max } : {}),
    ...(spec.noValue !== undefined ? { noValue: spec.noValue } : {}),
    thresholds: thresholds(spec.thresholds),
  };
}

function sized(spec: Common, panel: Panel): SizedPanel {
  return { panel, w: spec.w, h: spec.h };
}

export interface TimeSeriesSpec extends Common {
  /** Bars for counts per interval; lines otherwise. */
  bars?: boolean;
  stacked?: boolean;
  /** Draw the thresholds as dashed lines (e.g. the 70/80% capacity marks). */
  showThresholds?: boolean;
  /** Many series: a legend table on the right with last and max values. */
  legendTable?: boolean;
  overrides?: FieldConfigSource['overrides'];
}

export function timeSeries(spec: TimeSeriesSpec): SizedPanel {
  const custom = {
    drawStyle: spec.bars ? GraphDrawStyle.Bars : GraphDrawStyle.Line,
    lineWidth: 1,
    fillOpacity: spec.bars || spec.stacked ? 60 : 10,
    showPoints: VisibilityMode.Never,
    spanNulls: false,
    stacking: { mode: spec.stacked ? StackingMode.Normal : StackingMode.None, group: 'A' },
    thresholdsStyle: { mode: spec.showThresholds ? GraphThresholdsStyleMode.Dashed : GraphThresholdsStyleMode.Off },
  } satisfies TimeSeriesFieldConfig;
  return sized(spec, {
    type: 'timeseries',
    title: spec.title,
    description: spec.description,
    datasource: prometheus,
    targets: targets(spec.queries),
    fieldConfig: { defaults: { ...standard(spec), color: { mode: FieldColorModeId.PaletteClassic }, custom }, overrides: spec.overrides ?? [] },
    options: {
      legend: spec.legendTable ? LEGEND_TABLE : LEGEND_LIST,
      tooltip: { mode: TooltipDisplayMode.Multi, sort: SortOrder.Descending },
    } satisfies TimeSeriesOptions,
  });
}

export interface StatSpec extends Common {
  /** A sparkline of the range behind the value. */
  sparkline?: boolean;
}

export function stat(spec: StatSpec): SizedPanel {
  return sized(spec, {
    type: 'stat',
    title: spec.title,
    description: spec.description,
    datasource: prometheus,
    targets: targets(spec.queries),
    fieldConfig: { defaults: { ...standard(spec), color: { mode: FieldColorModeId.Thresholds } }, overrides: [] },
    options: {
      reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
      orientation: VizOrientation.Auto,
      colorMode: BigValueColorMode.Background,
      graphMode: spec.sparkline ? BigValueGraphMode.Area : BigValueGraphMode.None,
      justifyMode: BigValueJustifyMode.Auto,
      textMode: BigValueTextMode.Auto,
      percentChangeColorMode: PercentChangeColorMode.Standard,
      showPercentChange: false,
      wideLayout: true,
    } satisfies StatOptions,
  });
}

export function barGauge(spec: Common): SizedPanel {
  return sized(spec, {
    type: 'bargauge',
    title: spec.title,
    description: spec.description,
    datasource: prometheus,
    targets: targets(spec.queries),
    fieldConfig: { defaults: { ...standard(spec), color: { mode: FieldColorModeId.Thresholds } }, overrides: [] },
    options: {
      reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
      orientation: VizOrientation.Horizontal,
      displayMode: BarGaugeDisplayMode.Gradient,
      valueMode: BarGaugeValueMode.Color,
      namePlacement: BarGaugeNamePlacement.Auto,
      showUnfilled: true,
      sizing: BarGaugeSizing.Auto,
      minVizHeight: 16,
      minVizWidth: 8,
      maxVizHeight: 300,
      legend: { ...LEGEND_LIST, showLegend: false },
    } satisfies BarGaugeOptions,
  });
}

export interface StateTimelineSpec extends Omit<Common, 'unit'> {
  /** The number a query returns for each state, with the text and colour to show. */
  states: ReadonlyArray<{ value: number; text: string; color: string }>;
}

export function stateTimeline(spec: StateTimelineSpec): SizedPanel {
  const options: Record<string, ValueMappingResult> = {};
  spec.states.forEach(({ value, text, color }, index) => (options[String(value)] = { text, color, index }));
  return sized({ ...spec, unit: 'none' }, {
    type: 'state-timeline',
    title: spec.title,
    description: spec.description,
    datasource: prometheus,
    targets: targets(spec.queries),
    fieldConfig: {
      defaults: {
        ...standard({ ...spec, unit: 'none' }),
        color: { mode: FieldColorModeId.Thresholds },
        mappings: [{ type: MappingType.ValueToText, options }],
        custom: { fillOpacity: 80, lineWidth: 0 } satisfies StateTimelineFieldConfig,
      },
      overrides: [],
    },
    options: {
      showValue: VisibilityMode.Never,
      mergeValues: true,
      alignValue: 'left',
      rowHeight: 0.9,
      legend: LEGEND_LIST,
      tooltip: { mode: TooltipDisplayMode.Single, sort: SortOrder.None },
    } satisfies StateTimelineOptions,
  });
}

/** Overrides that draw query `refId` dashed (a limit or capacity beside the usage it bounds). */
export function dashedQuery(refId: string): FieldConfigSource['overrides'][number] {
  return {
    matcher: { id: 'byFrameRefID', options: refId },
    properties: [
      { id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } },
      { id: 'custom.fillOpacity', value: 0 },
    ],
  };
}

/** Moves query `refId` to a right-hand axis with its own unit. */
export function rightAxisQuery(refId: string, unit: Unit): FieldConfigSource['overrides'][number] {
  return {
    matcher: { id: 'byFrameRefID', options: refId },
    properties: [
      { id: 'unit', value: unit },
      { id: 'custom.axisPlacement', value: 'right' },
    ],
  };
}
