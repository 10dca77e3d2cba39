/**
 * `npm run up`: the whole system on local defaults, in the foreground.
 * Kafka (1 controller + 6 brokers) -> database created afresh and migrated -> API, tenancy
 * worker, balancer and degradation detector as child processes -> wait until /readyz answers
 * -> register the local Kafka through the API with its cells laid out (the last one the
 * quarantine cell) -> print where everything is.
 * The local Kafka starts empty every time, so the database does too (CELLAR_KEEP_DATABASE=1
 * keeps it): rows describing the previous run's Kafka, its topics and users would all be false. Ctrl-C or `npm run down` stops all of it; a failure at any step stops
 * whatever had started, so nothing is left behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { assertNodeVersion } from '@cellar/common';
import { createDatabase, dropDatabase, migrateDatabase } from '@cellar/db';
import { KafkaCluster, HarnessError, type KafkaClusterInfo } from '@cellar/kafka-harness';
import { localSecret, STACK_FILE, STATE_DIR, type StackState } from './state';

assertNodeVersion();

const API_HOST = process.env['HOST'] ?? '127.0.0.1';
const API_PORT = Number(process.env['PORT'] ?? 8080);
const POSTGRES_URL = process.env['CELLAR_POSTGRES_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const DATABASE_NAME = process.env['CELLAR_DATABASE'] ?? 'cellar';
const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

// If whoever started us goes away (a closed terminal, `timeout`), writing to its pipe fails
// with EPIPE; that must not interrupt stopping Kafka.
process.stdout.on('error', () => undefined);
process.stderr.on('error', () => undefined);
const say = (line: string) => process.stdout.write(`cellar: ${line}\n`);

class StartupError extends Error {}

async function portIsFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/** A port the system picks for a worker's /metrics (nobody listens on it right now). */
async function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitForReady(url: string, child: ChildProcess, logFile: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new StartupError(`the API exited with code ${child.exitCode} during start-up; see ${logFile}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      if (response.ok) return;
      last = `${response.status} ${await response.text()}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new StartupError(`the API did not become ready within ${timeoutMs / 1000}s (${last.slice(0, 300)}); see ${logFile}`);
}

/** The apps `up` runs, each as `node --import tsx <entry>`. */
const APPS = [
  ['api', 'apps/api/src/main.ts'],
  ['tenancy-worker', 'apps/api/src/worker-main.ts'],
  ['balancer', 'apps/balancer/src/main.ts'],
  ['degradation-detector', 'apps/degradation-detector/src/main.ts'],
] as const;

/**
 * Registers the local Kafka as a physical cluster (brokers, racks and metrics endpoints) and
 * lays out its cells with the last one as the quarantine cell, through the API as an operator
 * would. The Idempotency-Key makes a repeat (a retried start) answer the same.
 */
async function registerLocalKafka(base: string, operatorToken: string, info: KafkaClusterInfo): Promise<{ id: string; cells: { name: string; quarantine: boolean; brokerIds: number[] }[] }> {
  const post = async (path: string, key: string, body: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${operatorToken}`, 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(60_000),
    });
    const json = (await response.json()) as Record<string, unknown>;
    if (response.status !== 201) throw new StartupError(`POST ${path} answered ${response.status}: ${String(json['code'] ?? '')} ${String(json['detail'] ?? '')}`);
    return json;
  };
  const cluster = await post('/v1/kafka-clusters', 'local-stack-cluster', {
    name: 'local',
    region: 'local',
    bootstrapServers: info.bootstrapServers,
    adminSasl: { mechanism: 'SCRAM-SHA-512', username: info.admin.username, password: info.admin.password },
    brokerMetrics: info.brokers.map((b) => ({ brokerId: b.nodeId, url: b.metricsUrl })),
  });
  const id = String(cluster['id']);
  const layout = await post(`/v1/kafka-clusters/${id}/cells/layout`, 'local-stack-cells', { quarantine: true });
  return { id, cells: layout['cells'] as { name: string; quarantine: boolean; brokerIds: number[] }[] };
}

async function main(): Promise<void> {
  if (!(await portIsFree(API_HOST, API_PORT))) {
    throw new StartupError(`port ${API_PORT} on ${API_HOST} is in use: stop what uses it (a stack already up? npm run down) or set PORT=<free port>`);
  }
  mkdirSync(join(STATE_DIR, 'logs'), { recursive: true });
  const operatorToken = localSecret('operator-token', () => `cellar_op_${randomBytes(24).toString('base64url')}`);
  const secretKey = localSecret('secret-key', () => randomBytes(32).toString('base64'));

  const children: { name: string; child: ChildProcess; logFile: string }[] = [];
  let kafka: KafkaCluster | undefined;
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('stopping');
    await Promise.all(children.map(({ child }) => new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.once('exit', () => { clearTimeout(timer); resolve(); });
      child.kill('SIGTERM');
    })));
    await kafka?.stop();
    rmSync(STACK_FILE, { force: true });
    say('stopped');
    process.exit(code);
  };
  process.once('SIGINT', () => void stopAll(0));
  process.once('SIGTERM', () => void stopAll(0));

  try {
    say('starting Kafka (1 controller, 6 brokers on racks az1 az1 az2 az2 az3 az3)');
    kafka = await KafkaCluster.start({ log: (line) => say(`kafka: ${line}`) });
    const info = kafka.info();

    const databaseUrl = (() => { const u = new URL(POSTGRES_URL); u.pathname = `/${DATABASE_NAME}`; return u.toString(); })();
    if (process.env['CELLAR_KEEP_DATABASE'] !== '1') {
      say(`recreating database ${DATABASE_NAME} (the local Kafka starts empty; CELLAR_KEEP_DATABASE=1 keeps the database)`);
      await dropDatabase(POSTGRES_URL, DATABASE_NAME);
    }
    await createDatabase(POSTGRES_URL, DATABASE_NAME).catch((error: unknown) => {
      if (!/already exists/.test(String((error as Error).message))) throw error;
    });
    say(`migrating database ${DATABASE_NAME}`);
    await migrateDatabase(databaseUrl);

    const env = {
      ...process.env,
      HOST: API_HOST,
      PORT: String(API_PORT),
      DATABASE_URL: databaseUrl,
      REDIS_URL,
      REDIS_PREFIX: process.env['REDIS_PREFIX'] ?? 'cellar',
      CELLAR_OPERATOR_TOKEN: operatorToken,
      CELLAR_SECRET_KEY: secretKey,
      KAFKA_BOOTSTRAP_SERVERS: info.bootstrapServers.join(','),
      KAFKA_ADMIN_USERNAME: info.admin.username,
      KAFKA_ADMIN_PASSWORD: info.admin.password,
      LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'info',
    };
    // Each worker serves its own /metrics (the API serves its own on its port).
    const metricsPorts = new Map<string, number>();
    for (const [name] of APPS) if (name !== 'api') metricsPorts.set(name, await freePort(API_HOST));
    for (const [name, entry] of APPS) {
      const logFile = join(STATE_DIR, 'logs', `${name}.log`);
      const out = openSync(logFile, 'a');
      const metricsPort = metricsPorts.get(name);
      const child = spawn(process.execPath, ['--import', 'tsx', entry], {
        env: { ...env, ...(metricsPort ? { METRICS_HOST: API_HOST, METRICS_PORT: String(metricsPort) } : {}) },
        stdio: ['ignore', out, out],
      });
      child.once('exit', (code, signal) => {
        if (!stopping) {
          say(`${name} exited (${signal ?? code}); see ${logFile}; stopping everything`);
          void stopAll(1);
        }
      });
      children.push({ name, child, logFile });
    }
    const api = children[0]!;
    await waitForReady(`http://${API_HOST}:${API_PORT}/readyz`, api.child, api.logFile, 120_000);
    let registered: Awaited<ReturnType<typeof registerLocalKafka>> | undefined;
    try {
      registered = await registerLocalKafka(`http://${API_HOST}:${API_PORT}`, operatorToken, info);
    } catch (error) {
      // The stack is usable without it: an operator can register the cluster by hand.
      say(`could not register the local Kafka through the API: ${(error as Error).message}`);
    }

    const state: StackState = {
      startedAt: new Date().toISOString(),
      supervisorPid: process.pid,
      apps: children.map(({ name, child, logFile }) => ({ name, pid: child.pid ?? 0, logFile })),
      kafkaStateFile: join(info.dataDir, 'cluster.json'),
    };
    writeFileSync(STACK_FILE, JSON.stringify(state, null, 2), { mode: 0o600 });
    writeFileSync(join(STATE_DIR, 'kafka-admin.properties'), `bootstrap.servers=${info.bootstrapServers.join(',')}\nsecurity.protocol=SASL_PLAINTEXT\nsasl.mechanism=SCRAM-SHA-512\nsasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="${info.admin.username}" password="${info.admin.password}";\n`, { mode: 0o600 });

    const base = `http://${API_HOST}:${API_PORT}`;
    process.stdout.write([
      '',
      'Cellar is up.',
      `  API             ${base}`,
      `  dashboard       ${base}/dashboard#token=${encodeURIComponent(operatorToken)}`,
      `                  (the token rides in the fragment, which the browser never sends; the page keeps it for this tab only)`,
      `  API docs        ${base}/docs`,
      `  readiness       ${base}/readyz`,
      `  metrics         ${base}/metrics; ${[...metricsPorts].map(([name, port]) => `${name} http://${API_HOST}:${port}/metrics`).join(', ')}`,
      `  operator token  ${operatorToken}`,
      `                  (kept in ${join(STATE_DIR, 'operator-token')}; try: curl -H "Authorization: Bearer $(cat .cellar/operator-token)" ${base}/v1/whoami)`,
      `  Kafka           ${info.version}, bootstrap ${info.bootstrapServers.join(',')} (SASL_PLAINTEXT, SCRAM-SHA-512)`,
      ...(registered
        ? [
            `  Kafka cluster   ${registered.id} (name local, region local), cells: ${registered.cells.map((c) => `${c.name}${c.quarantine ? ' (quarantine)' : ''} [${c.brokerIds.join(',')}]`).join(', ')}`,
          ]
        : []),
      `                  admin client config: ${join(STATE_DIR, 'kafka-admin.properties')}`,
      `  logs            ${join(STATE_DIR, 'logs')}/`,
      '',
      'Ctrl-C here, or `npm run down` in another terminal, stops everything.',
      '',
    ].join('\n'));
  } catch (error) {
    say(error instanceof StartupError || error instanceof HarnessError ? error.message : `start-up failed: ${(error as Error).stack ?? String(error)}`);
    await stopAll(1);
  }
}

main().catch((error: unknown) => {
  say(error instanceof StartupError ? error.message : `start-up failed: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
});
