/** The metrics README.md's Metrics section documents: each name with its type (counter, gauge, histogram, summary). */
export type DocumentedMetrics = ReadonlyMap<string, string>;

const NAME = /^[a-zA-Z_:][\w:]*$/;
const PREFIX_PLACEHOLDER = '<prefix>';

/**
 * Reads the metric tables of README.md's Metrics section: the first cell of a row names a metric in
 * backticks, the second its type. Rows named `<prefix>...` stand for every process prefix the
 * document lists (backticked `cellar_..._`).
 */
export function documentedMetrics(readme: string): DocumentedMetrics {
  const markdown = metricsSection(readme);
  const prefixes = [...markdown.matchAll(/`(cellar_[a-z_]+_)`/g)].map((match) => match[1]!);
  const metrics = new Map<string, string>();
  for (const line of markdown.split('\n')) {
    if (!line.startsWith('|')) continue;
    const [nameCell = '', typeCell = ''] = line.split('|').slice(1).map((cell) => cell.trim());
    const type = typeCell.replaceAll('`', '');
    for (const [, name] of nameCell.matchAll(/`([^`]+)`/g)) {
      if (name!.startsWith(PREFIX_PLACEHOLDER)) {
        for (const prefix of prefixes) metrics.set(prefix + name!.slice(PREFIX_PLACEHOLDER.length), type);
      } else if (NAME.test(name!)) metrics.set(name!, type);
    }
  }
  return metrics;
}

/** Whether `name` is a documented metric or a series of one (a histogram's `_bucket`, `_sum`, `_count`). */
export function isDocumented(name: string, metrics: DocumentedMetrics): boolean {
  if (metrics.has(name)) return true;
  const series = /^(.+)_(bucket|sum|count)$/.exec(name);
  if (!series) return false;
  const type = metrics.get(series[1]!);
  return type === 'histogram' || (type === 'summary' && series[2] !== 'bucket');
}

/** From `## Metrics` to the next `## ` heading: the other tables of the README are not metrics. */
export function metricsSection(readme: string): string {
  const start = readme.indexOf('\n## Metrics\n');
  if (start < 0) return readme;
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}
