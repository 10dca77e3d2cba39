import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import getPort from 'get-port';
import { HarnessError } from './errors';
import { ensureKafkaDistribution, type KafkaDistribution } from './fetch-kafka';
import { acceptsConnections, readControllerBrokerCounts } from './metrics-probe';
import {
  adminClientProperties,
  brokerLogging,
  jmxExporterConfig,
  serverProperties,
  toolLogging,
  type ListenerPorts,
} from './node-config';
import { isAlive, requireCommand, run, terminate } from './process';
import { resolveKafkaRelease } from './versions';

export interface KafkaClusterOptions {
  /** A version or line (`4.3.1`, `3.9`); defaults to CELLAR_KAFKA_VERSION or the newest supported 4.x. */
  version?: string;
  /** One rack per broker; the broker count is its length. */
  racks?: string[];
  /** Parent of the fresh data directory. */
  baseDir?: string;
  /** Heap per JVM. */
  heap?: string;
  readyTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface BrokerInfo {
  nodeId: number;
  rack: string;
  host: string;
  /** SASL/SCRAM client listener. */
  port: number;
  internalPort: number;
  metricsUrl: string;
  pid: number;
  logFile: string;
}

export interface KafkaClusterInfo {
  version: string;
  clusterId: string;
  bootstrapServers: string[];
  admin: { mechanism: 'scram-sha-512'; username: string; password: string };
  controller: { nodeId: number; port: number; metricsUrl: string; pid: number; logFile: string };
  brokers: BrokerInfo[];
  dataDir: string;
  libsDir: string;
  startedInMs: number;
}

export const DEFAULT_RACKS = ['az1', 'az1', 'az2', 'az2', 'az3', 'az3'];
const CONTROLLER_ID = 0;
const ADMIN_USER = 'admin';

interface NodeRuntime {
  nodeId: number;
  role: 'controller' | 'broker';
  rack?: string;
  configFile: string;
  logFile: string;
  metricsPort: number;
  pid: number;
  ports?: ListenerPorts;
  controllerPort?: number;
}

/**
 * A real KRaft Kafka on loopback: one controller and N brokers with racks, SCRAM-SHA-512
 * clients, StandardAuthorizer, and a JMX exporter per node. Start it once per test run.
 */
export class KafkaCluster {
  private readonly nodes = new Map<number, NodeRuntime>();
  private stopped = false;
  private readonly exitHook = () => this.killAllNow();

  private constructor(
    private readonly dist: KafkaDistribution,
    private readonly dataDir: string,
    private readonly clusterId: string,
    private readonly adminPassword: string,
    private readonly heap: string,
    private readonly log: (line: string) => void,
    private startedInMs = 0,
  ) {}

  static async start(options: KafkaClusterOptions = {}): Promise<KafkaCluster> {
    const log = options.log ?? (() => {});
    const release = resolveKafkaRelease(options.version ?? process.env['CELLAR_KAFKA_VERSION']);
    requireCommand('java', ['-version'], 'install Java 17 or newer (Debian: apt-get install openjdk-17-jre-headless).');
    const dist = await ensureKafkaDistribution(release, log);
    const parent = options.baseDir ?? tmpdir();
    mkdirSync(parent, { recursive: true });
    const dataDir = mkdtempSync(join(parent, 'cellar-kafka-'));
    const cluster = new KafkaCluster(
      dist,
      dataDir,
      newClusterId(),
      randomBytes(18).toString('base64url'),
      options.heap ?? '192m',
      log,
    );
    process.once('exit', cluster.exitHook);
    const began = Date.now();
    try {
      await cluster.layOut(options.racks ?? DEFAULT_RACKS);
      await cluster.format();
      log(`storage formatted in ${((Date.now() - began) / 1000).toFixed(1)}s`);
      cluster.spawnNode(CONTROLLER_ID);
      for (const node of cluster.nodes.values()) if (node.role === 'broker') cluster.spawnNode(node.nodeId);
      await cluster.waitUntilReady(options.readyTimeoutMs ?? 180_000);
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    cluster.startedInMs = Date.now() - began;
    cluster.writeState();
    log(`Kafka ${release.version} ready in ${(cluster.startedInMs / 1000).toFixed(1)}s: ${cluster.info().bootstrapServers.join(',')}`);
    return cluster;
  }

  info(): KafkaClusterInfo {
    const controller = this.nodes.get(CONTROLLER_ID)!;
    const brokers = [...this.nodes.values()]
      .filter((n) => n.role === 'broker')
      .map((n) => ({
        nodeId: n.nodeId,
        rack: n.rack!,
        host: '127.0.0.1',
        port: n.ports!.client,
        internalPort: n.ports!.internal,
        metricsUrl: `http://127.0.0.1:${n.metricsPort}/metrics`,
        pid: n.pid,
        logFile: n.logFile,
      }));
    return {
      version: this.dist.release.version,
      clusterId: this.clusterId,
      bootstrapServers: brokers.map((b) => `${b.host}:${b.port}`),
      admin: { mechanism: 'scram-sha-512', username: ADMIN_USER, password: this.adminPassword },
      controller: {
        nodeId: CONTROLLER_ID,
        port: controller.controllerPort!,
        metricsUrl: `http://127.0.0.1:${controller.metricsPort}/metrics`,
        pid: controller.pid,
        logFile: controller.logFile,
      },
      brokers,
      dataDir: this.dataDir,
      libsDir: this.dist.libsDir,
      startedInMs: this.startedInMs,
    };
  }

  /** Freezes a broker (SIGSTOP): it keeps its sockets but answers nothing; the controller fences it. */
  freezeBroker(nodeId: number): void {
    process.kill(this.broker(nodeId).pid, 'SIGSTOP');
  }

  resumeBroker(nodeId: number): void {
    process.kill(this.broker(nodeId).pid, 'SIGCONT');
  }

  async stopBroker(nodeId: number): Promise<void> {
    await terminate(this.broker(nodeId).pid, 30_000);
  }

  /** Starts a stopped broker again on the same ports and data, and waits until it is running. */
  async restartBroker(nodeId: number, timeoutMs = 120_000): Promise<void> {
    const node = this.broker(nodeId);
    if (isAlive(node.pid)) throw new HarnessError(`broker ${nodeId} is still running (pid ${node.pid})`);
    this.spawnNode(nodeId);
    this.writeState();
    await this.waitUntilReady(timeoutMs);
  }

  /** Resident memory of every Kafka JVM, in bytes (from /proc). */
  residentBytes(): { total: number; perNode: Record<number, number> } {
    const perNode: Record<number, number> = {};
    let total = 0;
    for (const node of this.nodes.values()) {
      try {
        const status = readFileSync(`/proc/${node.pid}/status`, 'utf8');
        const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
        perNode[node.nodeId] = kb * 1024;
        total += kb * 1024;
      } catch {
        perNode[node.nodeId] = 0;
      }
    }
    return { total, perNode };
  }

  /** Stops brokers first, then the controller, and removes the data directory. */
  async stop(options: { keepData?: boolean } = {}): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const brokers = [...this.nodes.values()].filter((n) => n.role === 'broker' && n.pid > 0);
    await Promise.all(brokers.map((n) => terminate(n.pid, 30_000)));
    const controller = this.nodes.get(CONTROLLER_ID);
    if (controller && controller.pid > 0) await terminate(controller.pid, 30_000);
    process.removeListener('exit', this.exitHook);
    if (!options.keepData) rmSync(this.dataDir, { recursive: true, force: true });
    this.log('Kafka stopped');
  }

  private broker(nodeId: number): NodeRuntime {
    const node = this.nodes.get(nodeId);
    if (!node || node.role !== 'broker') throw new HarnessError(`no broker with node id ${nodeId}`);
    return node;
  }

  private loggingFlag(file: string): string {
    return this.dist.release.logging === 'log4j2' ? `-Dlog4j2.configurationFile=${file}` : `-Dlog4j.configuration=file:${file}`;
  }

  private async layOut(racks: string[]): Promise<void> {
    const port = () => getPort({ host: '127.0.0.1', reserve: true });
    const loggingName = this.dist.release.logging === 'log4j2' ? 'log4j2.properties' : 'log4j.properties';
    writeFileSync(join(this.dataDir, loggingName), brokerLogging(this.dist.release.logging));
    writeFileSync(join(this.dataDir, 'jmx-exporter.yaml'), jmxExporterConfig());
    mkdirSync(join(this.dataDir, 'tools'));
    writeFileSync(join(this.dataDir, 'tools', 'admin.properties'), adminClientProperties(ADMIN_USER, this.adminPassword), { mode: 0o600 });
    writeFileSync(join(this.dataDir, 'tools', loggingName), toolLogging(this.dist.release.logging));

    const controllerPort = await port();
    const controller = { nodeId: CONTROLLER_ID, port: controllerPort };
    const layouts = [
      { nodeId: CONTROLLER_ID, role: 'controller' as const, controllerPort, metricsPort: await port() },
      ...(await Promise.all(
        racks.map(async (rack, index) => ({
          nodeId: index + 1,
          role: 'broker' as const,
          rack,
          ports: { client: await port(), internal: await port() },
          metricsPort: await port(),
        })),
      )),
    ];
    for (const layout of layouts) {
      const nodeDir = join(this.dataDir, `node-${layout.nodeId}`);
      mkdirSync(nodeDir);
      const dataDir = join(nodeDir, 'data');
      const configFile = join(nodeDir, 'server.properties');
      writeFileSync(configFile, serverProperties({ ...layout, dataDir }, controller, ADMIN_USER));
      this.nodes.set(layout.nodeId, { ...layout, configFile, logFile: join(nodeDir, 'server.log'), pid: 0 });
    }
  }

  private async format(): Promise<void> {
    const scram = `SCRAM-SHA-512=[name=${ADMIN_USER},password=${this.adminPassword}]`;
    const logging = join(this.dataDir, 'tools', this.dist.release.logging === 'log4j2' ? 'log4j2.properties' : 'log4j.properties');
    const formatOne = async (node: NodeRuntime) => {
      const result = await run('java', [
        '-Xmx128m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', this.loggingFlag(logging),
        '-cp', `${this.dist.libsDir}/*`, this.dist.release.tools.storage,
        'format', '-t', this.clusterId, '-c', node.configFile, '--add-scram', scram, '--ignore-formatted',
      ], { timeoutMs: 120_000 });
      if (result.code !== 0) {
        throw new HarnessError(`formatting Kafka node ${node.nodeId} failed: ${(result.stderr || result.stdout).trim().split('\n')[0]}`);
      }
    };
    // Two at a time: each is a JVM, and the machine has two cores.
    const queue = [...this.nodes.values()];
    await Promise.all([0, 1].map(async () => {
      for (let node = queue.shift(); node; node = queue.shift()) await formatOne(node);
    }));
  }

  private spawnNode(nodeId: number): void {
    const node = this.nodes.get(nodeId)!;
    const logging = join(this.dataDir, this.dist.release.logging === 'log4j2' ? 'log4j2.properties' : 'log4j.properties');
    const out = openSync(node.logFile, 'a');
    const heap = node.role === 'controller' ? '128m' : this.heap;
    const child = spawn('java', [
      `-Xms64m`, `-Xmx${heap}`, '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-XX:MaxMetaspaceSize=128m',
      '-Djava.awt.headless=true', this.loggingFlag(logging),
      `-javaagent:${this.dist.agentJar}=127.0.0.1:${node.metricsPort}:${join(this.dataDir, 'jmx-exporter.yaml')}`,
      '-cp', `${this.dist.libsDir}/*`, 'kafka.Kafka', node.configFile,
    ], { stdio: ['ignore', out, out] });
    closeSync(out);
    child.unref();
    if (!child.pid) throw new HarnessError(`could not start Kafka node ${nodeId}: java did not start`);
    node.pid = child.pid;
  }

  /**
   * Ready = the controller counts every broker as registered and unfenced (which a broker
   * only becomes once it has caught up with the metadata log) and every client port
   * accepts connections. One scrape of the controller per second: scraping all seven
   * exporters in a tight loop slows the start it is waiting for.
   */
  private async waitUntilReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const brokers = [...this.nodes.values()].filter((n) => n.role === 'broker');
    const controller = this.nodes.get(CONTROLLER_ID)!;
    let lastProblem = 'nothing answered yet';
    while (Date.now() < deadline) {
      for (const node of this.nodes.values()) {
        if (!isAlive(node.pid)) {
          throw new HarnessError(`Kafka node ${node.nodeId} exited during start-up; see ${node.logFile}: ${lastLogError(node.logFile)}`);
        }
      }
      try {
        const counts = await readControllerBrokerCounts(controller.metricsPort);
        if (counts.active === brokers.length && counts.fenced === 0) {
          const closed = (await Promise.all(brokers.map(async (b) => ((await acceptsConnections(b.ports!.client)) ? undefined : b.nodeId)))).filter((id) => id !== undefined);
          if (closed.length === 0) return;
          lastProblem = `client listener not open yet on brokers ${closed.join(', ')}`;
        } else {
          lastProblem = `${counts.active - counts.fenced}/${brokers.length} brokers registered and unfenced`;
        }
      } catch (error) {
        lastProblem = (error as Error).message;
      }
      await new Promise((r) => setTimeout(r, 1_000));
    }
    throw new HarnessError(`Kafka did not become ready within ${Math.round(timeoutMs / 1000)}s (${lastProblem}); node logs are under ${this.dataDir}`);
  }

  private writeState(): void {
    const state = { pids: [...this.nodes.values()].map((n) => ({ nodeId: n.nodeId, role: n.role, pid: n.pid })), dataDir: this.dataDir };
    writeFileSync(join(this.dataDir, 'cluster.json'), JSON.stringify(state, null, 2));
  }

  private killAllNow(): void {
    for (const node of this.nodes.values()) {
      if (node.pid > 0 && isAlive(node.pid)) {
        try {
          process.kill(node.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
  }
}

function lastLogError(logFile: string): string {
  try {
    const lines = readFileSync(logFile, 'utf8').split('\n');
    const error = lines.filter((l) => /ERROR|Exception|Error:/.test(l)).slice(0, 2).join(' | ');
    return error.slice(0, 400) || lines.slice(-3).join(' | ').slice(0, 400);
  } catch {
    return 'no log written';
  }
}

/** Stops a cluster left by `kafka:start` in another process, from its state file. */
export async function stopClusterFromState(stateFile: string): Promise<boolean> {
  let state: { pids: { nodeId: number; role: string; pid: number }[]; dataDir: string };
  try {
    state = JSON.parse(readFileSync(stateFile, 'utf8'));
  } catch {
    return false;
  }
  const brokers = state.pids.filter((p) => p.role === 'broker');
  await Promise.all(brokers.map((p) => terminate(p.pid, 30_000)));
  for (const p of state.pids.filter((p) => p.role === 'controller')) await terminate(p.pid, 30_000);
  rmSync(state.dataDir, { recursive: true, force: true });
  return true;
}

/**
 * A KRaft cluster id: 16 random bytes in base64url, redrawn while it starts with '-'. The
 * storage tool would read such an id as an option and stop with its usage text (1 run in 64
 * failed that way); Kafka's own Uuid.randomUuid() redraws for the same reason.
 */
export function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}
