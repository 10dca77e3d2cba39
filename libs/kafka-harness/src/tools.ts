import { join } from 'node:path';
import type { KafkaClusterInfo } from './cluster';
import { run, type RunResult } from './process';
import { resolveKafkaRelease, type KafkaToolName } from './versions';

export interface KafkaToolOptions {
  input?: string;
  /** Add --bootstrap-server and the admin client config (default true). */
  asAdmin?: boolean;
  timeoutMs?: number;
}

/**
 * Runs one of Kafka's own command-line tools (the classes behind kafka-topics.sh,
 * kafka-configs.sh, kafka-acls.sh ...) from the same jars as the brokers, as the admin
 * user through the SASL listener: the operator's view, independent of our adapter.
 * Works from any process that has the cluster's info (for example a test worker).
 */
export async function runKafkaTool(cluster: KafkaClusterInfo, tool: KafkaToolName, args: string[], options: KafkaToolOptions = {}): Promise<RunResult> {
  const release = resolveKafkaRelease(cluster.version);
  const toolsDir = join(cluster.dataDir, 'tools');
  const logging = release.logging === 'log4j2' ? `-Dlog4j2.configurationFile=${join(toolsDir, 'log4j2.properties')}` : `-Dlog4j.configuration=file:${join(toolsDir, 'log4j.properties')}`;
  // 4.x deprecates --producer.config/--consumer.config (KIP-1147) and warns on stdout.
  const legacyClientFlag = release.mavenProfile === 'kafka-3.9';
  const configFlag = legacyClientFlag && tool === 'console-producer' ? '--producer.config' : legacyClientFlag && tool === 'console-consumer' ? '--consumer.config' : '--command-config';
  const connection = options.asAdmin === false ? [] : ['--bootstrap-server', cluster.bootstrapServers.join(','), configFlag, join(toolsDir, 'admin.properties')];
  return run(
    'java',
    ['-Xmx128m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', logging, '-cp', `${cluster.libsDir}/*`, release.tools[tool], ...connection, ...args],
    { input: options.input, timeoutMs: options.timeoutMs ?? 120_000 },
  );
}

/** Like runKafkaTool, but fails with the tool's stderr when it exits non-zero. */
export async function kafkaTool(cluster: KafkaClusterInfo, tool: KafkaToolName, args: string[], options: KafkaToolOptions = {}): Promise<string> {
  const result = await runKafkaTool(cluster, tool, args, options);
  if (result.code !== 0) throw new Error(`kafka ${tool} ${args.join(' ')} exited ${result.code}: ${result.stderr.trim() || result.stdout.trim()}`);
  return result.stdout;
}
