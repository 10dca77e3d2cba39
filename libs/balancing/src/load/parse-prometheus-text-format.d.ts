// The package ships no types; this is the part of its output Cellar reads.
declare module 'parse-prometheus-text-format' {
  export interface PrometheusSample {
    /** The sample value as written ("1.5E7", "+Inf", ...). */
    value?: string;
    labels?: Record<string, string>;
    timestamp_ms?: string;
  }
  export interface PrometheusMetricFamily {
    name: string;
    help: string;
    /** COUNTER, GAUGE, SUMMARY, HISTOGRAM or UNTYPED. */
    type: string;
    metrics: PrometheusSample[];
  }
  export default function parsePrometheusTextFormat(text: string): PrometheusMetricFamily[];
}
