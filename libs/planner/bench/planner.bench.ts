/**
 * Planner benchmark: `npm run bench:planner`
 * (= `node --expose-gc --import tsx libs/planner/bench/planner.bench.ts`).
 *
 * Plans synthetic skewed clusters (fixtures' syntheticCluster: log-normal topic rates, hot
 * brokers 4× likelier to get a replica and 8× likelier to lead, rack-aware RF 3) with an
 * unbounded round budget, and prints one table: plan time, peak heap, load max/mean before and
 * after, moves by kind, bytes moved against a lower bound, beside Cruise Control's published
 * proposal times.
 *
 * Each scenario runs in its own child process so that memory figures are its own: peak heap is
 * the largest heap V8 reported just before a collection during `plan` (from --trace-gc) or after
 * it, whichever is larger; peak RSS is the process's high-water mark (generator included).
 * `--only=<name>` runs one scenario; `--with-cc-size` adds Cruise Control's 215 brokers / 2.8 M replicas.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { generousSettings, syntheticCluster } from '../src/fixtures';
import { applyMoves, checkHardGoals, plan } from '../src/index';

interface Scenario {
  name: string;
  brokers: number;
  partitions: number;
  cellSize?: number;
  /** Also verify every hard goal on the result (independent checker); skipped on the largest runs to save time. */
  verify: boolean;
}

const SCENARIOS: Scenario[] = [
  { name: '30b-3k', brokers: 30, partitions: 3_000, verify: true },
  { name: '200b-100k', brokers: 200, partitions: 100_000, verify: true },
  { name: '200b-100k-cells', brokers: 198, partitions: 100_000, cellSize: 6, verify: true },
  { name: '500b-1M', brokers: 500, partitions: 333_334, verify: true },
];
const CC_SIZE: Scenario = { name: '215b-2.8M', brokers: 215, partitions: 933_334, verify: false };

interface Figures {
  name: string;
  brokers: number;
  partitions: number;
  replicas: number;
  cells: number;
  planMs: number;
  planCpuMs: number;
  peakHeapMiB: number;
  heldMiB: number;
  maxRssMiB: number;
  beforeMaxOverMean: number;
  afterMaxOverMean: number;
  beforeWorstCell: number;
  afterWorstCell: number;
  afterWorstTriggeredCell: number;
  leadershipMoves: number;
  replicaMoves: number;
  bytesMoved: number;
  bytesLowerBound: number;
  hardGoalViolations: number | null;
  reason: string;
}

const MiB = 1024 * 1024;

function runScenario(scenario: Scenario): Figures {
  const gc = (globalThis as { gc?: () => void }).gc;
  const { brokers, partitions } = syntheticCluster({ brokers: scenario.brokers, partitions: scenario.partitions, cellSize: scenario.cellSize, seed: 2024 });
  // Warm-up on a small cluster so the figures measure optimised code, not the first JIT tiers.
  const warm = syntheticCluster({ brokers: 30, partitions: 3_000, seed: 1 });
  plan(warm.brokers, warm.partitions, generousSettings());
  gc?.();
  const baseline = process.memoryUsage().heapUsed;
  process.stdout.write('PLAN-START\n');
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  const result = plan(brokers, partitions, generousSettings());
  const planMs = Number(process.hrtime.bigint() - start) / 1e6;
  const cpu = process.cpuUsage(cpuStart);
  const planCpuMs = (cpu.user + cpu.system) / 1000;
  const after = process.memoryUsage().heapUsed;
  process.stdout.write('PLAN-END\n');
  gc?.();
  const held = process.memoryUsage().heapUsed - baseline;
  const violations = scenario.verify ? checkHardGoals(brokers, applyMoves(partitions, result.moves)).length : null;
  return {
    name: scenario.name,
    brokers: brokers.length,
    partitions: partitions.length,
    replicas: partitions.reduce((n, p) => n + p.replicas.length, 0),
    cells: new Set(brokers.map((b) => b.cellId)).size,
    planMs,
    planCpuMs,
    peakHeapMiB: after / MiB,
    heldMiB: held / MiB,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    beforeMaxOverMean: result.before.maxOverMean,
    afterMaxOverMean: result.predictedAfter.maxOverMean,
    beforeWorstCell: result.before.worstCellMaxOverMean,
    afterWorstCell: result.predictedAfter.worstCellMaxOverMean,
    // Cells within the trigger are left alone by design (hysteresis): judge the cells the plan acted on.
    afterWorstTriggeredCell: Math.max(
      1,
      ...result.before.cells.flatMap((c, i) => (c.load > c.mean * 1.2 || c.min < c.mean * 0.8 ? [(result.predictedAfter.cells[i] as (typeof result.predictedAfter.cells)[number]).maxOverMean] : [])),
    ),
    leadershipMoves: result.stats.leadershipMoves,
    replicaMoves: result.stats.replicaMoves,
    bytesMoved: result.stats.bytesMoved,
    bytesLowerBound: result.stats.bytesLowerBound,
    hardGoalViolations: violations,
    reason: result.reason,
  };
}

/** Runs one scenario in a child process with --trace-gc and reads its figures and GC trace back. */
function inChild(scenario: Scenario): Figures {
  const child = spawnSync(process.execPath, ['--expose-gc', '--trace-gc', '--max-old-space-size=6144', '--import', 'tsx', fileURLToPath(import.meta.url), `--child=${scenario.name}`], {
    encoding: 'utf8',
    maxBuffer: 256 * MiB,
    env: process.env,
  });
  if (child.status !== 0) throw new Error(`scenario ${scenario.name} failed: ${child.stderr}`);
  const lines = child.stdout.split('\n');
  const figures = JSON.parse((lines.find((l) => l.startsWith('RESULT ')) as string).slice(7)) as Figures;
  let during = false;
  let peak = figures.peakHeapMiB;
  for (const line of lines) {
    if (line === 'PLAN-START') during = true;
    else if (line === 'PLAN-END') during = false;
    else if (during) {
      // "[pid:0x…]   123 ms: Scavenge 45.2 (60.1) -> 30.1 (61.0) MB, …": heap used before the collection.
      const match = /: [A-Za-z-]+(?: \([^)]*\))? ([\d.]+) \(([\d.]+)\) -> ([\d.]+)/.exec(line);
      if (match) peak = Math.max(peak, Number(match[1]) * (1e6 / MiB));
    }
  }
  return { ...figures, peakHeapMiB: peak };
}

function fmtBytes(bytes: number): string {
  if (bytes >= 1e12) return `${(bytes / 1e12).toFixed(2)} TB`;
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  return `${(bytes / 1e6).toFixed(0)} MB`;
}

function table(rows: string[][]): string {
  const widths = (rows[0] as string[]).map((_, c) => Math.max(...rows.map((r) => (r[c] as string).length)));
  const line = (r: string[]) => `| ${r.map((cell, c) => cell.padEnd(widths[c] as number)).join(' | ')} |`;
  return [line(rows[0] as string[]), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(line)].join('\n');
}

const childArg = process.argv.find((a) => a.startsWith('--child='));
if (childArg !== undefined) {
  const name = childArg.slice('--child='.length);
  const scenario = [...SCENARIOS, CC_SIZE].find((s) => s.name === name) as Scenario;
  process.stdout.write(`RESULT ${JSON.stringify(runScenario(scenario))}\n`);
} else {
  const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
  const scenarios = [...SCENARIOS, ...(process.argv.includes('--with-cc-size') ? [CC_SIZE] : [])].filter((s) => only === undefined || s.name === only);
  console.log(`planner benchmark — node ${process.version}, ${(await import('node:os')).cpus().length} cores, load average ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log('settings: trigger 20%, stop 10%, goals CLUSTER_LOAD > NETWORK_IN > NETWORK_OUT > DISK > LEADER_COUNT > REPLICA_COUNT, no move/byte/concurrency budget\n');
  const results: Figures[] = [];
  for (const scenario of scenarios) {
    const figures = inChild(scenario);
    results.push(figures);
    console.log(`${figures.name}: ${figures.reason}`);
  }
  const rows = [
    ['cluster', 'cells', 'replicas', 'plan time (wall / CPU)', 'peak heap', 'peak RSS', 'max/mean before → after', 'worst cell after (of cells beyond the trigger)', 'leadership moves', 'replica moves', 'bytes moved', 'lower bound', 'moved / bound', 'hard-goal violations'],
    ...results.map((f) => [
      `${f.brokers} brokers / ${f.partitions.toLocaleString('en-US')} partitions`,
      String(f.cells),
      f.replicas.toLocaleString('en-US'),
      `${(f.planMs / 1000).toFixed(2)} s / ${(f.planCpuMs / 1000).toFixed(2)} s`,
      `${f.peakHeapMiB.toFixed(0)} MiB`,
      `${f.maxRssMiB.toFixed(0)} MiB`,
      `${f.beforeMaxOverMean.toFixed(2)} → ${f.afterMaxOverMean.toFixed(3)}`,
      `${f.afterWorstCell.toFixed(3)} (${f.afterWorstTriggeredCell.toFixed(3)})`,
      f.leadershipMoves.toLocaleString('en-US'),
      f.replicaMoves.toLocaleString('en-US'),
      fmtBytes(f.bytesMoved),
      fmtBytes(f.bytesLowerBound),
      f.bytesLowerBound > 0 ? (f.bytesMoved / f.bytesLowerBound).toFixed(2) : '-',
      f.hardGoalViolations === null ? 'not checked' : String(f.hardGoalViolations),
    ]),
  ];
  console.log(`\n${table(rows)}\n`);
  console.log(
    'Cruise Control (published): 215 brokers / 2.8 M replicas — proposal in 18 min in its fast mode; users report 18–95 min.\n' +
      'Lower bound: bytes any plan must copy to bring every broker\'s network in within 10% of its cell mean — network in moves only with\n' +
      '  replicas, so a fractional knapsack over each over-band broker\'s densest replicas (bytes in per byte stored) bounds it from below.\n' +
      'Moves count partitions: a partition whose leadership and a replica both move is one REPLICA move (one reassignment).\n' +
      'max/mean: the cluster-load metric (0–100%) of the most loaded broker over the mean; cells are balanced each around its own mean.',
  );
}
