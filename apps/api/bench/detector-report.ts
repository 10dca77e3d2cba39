/**
 * Prints the degradation detector benchmark's figures (`npm run bench:detector`), read from
 * test-output/detector-e2e.json, which the detector e2e spec writes when run by the benchmark
 * with CELLAR_DETECTOR_TRIALS=5 and a 10-minute healthy run.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface Trial {
  victim: number;
  detectionMs: number;
  leadershipOffMs?: number;
  mitigatedMs: number;
}
interface Recovery {
  victim: number;
  healthyAfterResumeMs: number;
  restoredMs: number;
}
const figures = JSON.parse(readFileSync(join('test-output', 'detector-e2e.json'), 'utf8')) as {
  healthyRun?: { ms: number; brokerRounds: number; transitions: number; probeFailures: string[] };
  freeze?: Trial[];
  freezeRecovery?: Recovery[];
  slow?: Trial[];
  crashResume?: { resumeMs: number };
};

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
function stats(values: number[]): string {
  if (values.length === 0) return 'no trials';
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  const median = sorted.length % 2 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return `median ${seconds(median)}, max ${seconds(sorted.at(-1)!)} (n=${values.length}: ${sorted.map(seconds).join(', ')})`;
}

const out = (line: string) => process.stdout.write(`${line}\n`);
out('Degradation detector on the real 1+6 broker KRaft Kafka under steady produce/consume load (3 s rounds)');
const freeze = figures.freeze ?? [];
const slow = figures.slow ?? [];
out(`Frozen broker (SIGSTOP)       fault -> UNREACHABLE:          ${stats(freeze.map((t) => t.detectionMs))}`);
out(`                              fault -> no partition led:     ${stats(freeze.map((t) => t.leadershipOffMs ?? t.mitigatedMs))}`);
out(`                              fault -> DEMOTE completed:     ${stats(freeze.map((t) => t.mitigatedMs))}`);
out(`                              state -> DEMOTE completed:     ${stats(freeze.map((t) => t.mitigatedMs - t.detectionMs))}`);
out(`  after SIGCONT               resume -> HEALTHY:             ${stats((figures.freezeRecovery ?? []).map((t) => t.healthyAfterResumeMs))}`);
out(`                              resume -> leadership restored: ${stats((figures.freezeRecovery ?? []).map((t) => t.restoredMs))}`);
out(`Slow broker (10% CPU cgroup)  fault -> SLOW:                 ${stats(slow.map((t) => t.detectionMs))}`);
out(`                              fault -> DEMOTE completed:     ${stats(slow.map((t) => t.mitigatedMs))}`);
out(`                              state -> DEMOTE completed:     ${stats(slow.map((t) => t.mitigatedMs - t.detectionMs))}`);
if (figures.healthyRun) {
  const h = figures.healthyRun;
  out(`Healthy run ${seconds(h.ms)}: ${h.brokerRounds} broker-rounds judged, ${h.transitions} state changes, ${h.probeFailures.length} failed canaries`);
}
if (figures.crashResume) out(`Detector killed mid-mitigation: finished ${seconds(figures.crashResume.resumeMs)} after the new process started`);
out('Cruise Control defaults for comparison: a broker failure is alerted after 15 min (broker.failure.alert.threshold.ms)');
out('and healed after 30 min (broker.failure.self.healing.threshold.ms); a slow broker is demoted after 5 flagged');
out('rounds of its SlowBrokerFinder (its anomaly detection runs every anomaly.detection.interval.ms, 5 min by default).');
