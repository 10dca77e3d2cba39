/** Words of PromQL that look like metric names but are not. */
const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan', 'atan2', 'start', 'end']);

/** Label lists (`by (cluster, broker)`), whose label names look like metric names. */
const LABEL_LIST = /\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g;

/**
 * The metric names a PromQL expression selects. A reader for dashboard queries, not a parser:
 * strings, label matchers, ranges and label lists are blanked out, and what remains is a name
 * unless a `(` makes it a function or it is a keyword. Grafana variables (`$cluster`,
 * `$__rate_interval`) are never names.
 */
export function metricNamesIn(expr: string): string[] {
  const blanked = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(LABEL_LIST, ' ');
  const names = new Set<string>();
  for (const match of blanked.matchAll(/(?<![\w:.$])[A-Za-z_:][\w:]*/g)) {
    const word = match[0];
    const next = blanked.slice(match.index + word.length).trimStart();
    if (next.startsWith('(') || KEYWORDS.has(word.toLowerCase())) continue;
    names.add(word);
  }
  return [...names];
}

/**
 * The metric names of a Grafana Prometheus variable query: `label_values(<selector>, <label>)`
 * selects from its first argument, `label_values(<label>)` from every series.
 */
export function metricNamesInVariableQuery(query: string): string[] {
  const labelValues = /^\s*label_values\((.*)\)\s*$/s.exec(query);
  if (!labelValues) return metricNamesIn(query);
  const args = labelValues[1]!;
  const lastComma = args.lastIndexOf(',');
  return lastComma < 0 ? [] : metricNamesIn(args.slice(0, lastComma));
}
