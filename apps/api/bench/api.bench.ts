/**
 * API benchmark: `npm run bench:api` (or `npm run bench` for every benchmark).
 *
 * Brings up the real parts the way production runs them (a 1+6 broker KRaft Kafka, a fresh
 * PostgreSQL database, the API and the tenancy worker as separate Node processes on this
 * machine), provisions one logical cluster through the API, then drives the API with
 * autocannon over HTTP from this process:
 *   1. GET  /v1/logical-clusters/:id        (a tenant reading its cluster: auth + one lookup)
 *   2. POST /v1/logical-clusters/:id/topics (a tenant creating 1-partition RF 3 topics: auth,
 *      idempotency record, admission, placement from live Kafka metadata, CreateTopics)
 * and prints latency p50/p99/max and throughput for each. Everything it started is stopped
 * and the database dropped at the end. The load generator shares the two cores with the API,
 * the worker and seven JVMs, so the figures are a floor for a real deployment.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { createDatabase, dropDatabase, migrateDatabase } from '@cellar/db';
import { KafkaCluster } from '@cellar/kafka-harness';

const POSTGRES_URL = process.env['CELLAR_TEST_POSTGRES_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env['CELLAR_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const DURATION_S = Number(process.env['BENCH_DURATION_S'] ?? 15);
const OUT_DIR = join('test-output', 'bench');

const log = (line: string) => process.stdout.write(`[bench] ${line}\n`);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

function startProcess(name: string, entry: string, env: NodeJS.ProcessEnv): ChildProcess {
  mkdirSync(OUT_DIR, { recursive: true });
  const out = openSync(join(OUT_DIR, `${name}.log`), 'w');
  return spawn(process.execPath, ['--import', 'tsx', entry], { env, stdio: ['ignore', out, out] });
}

async function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

interface Figures {
  name: string;
  requests: number;
  non2xx: number;
  errors: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

async function drive(name: string, options: autocannon.Options): Promise<Figures> {
  const result = await autocannon({ duration: DURATION_S, ...options });
  return {
    name,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
  };
}

async function main(): Promise<void> {
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const databaseName = `cellar_bench_${runId}`;
  const databaseUrl = (() => {
    const url = new URL(POSTGRES_URL);
    url.pathname = `/${databaseName}`;
    return url.toString();
  })();
  const operatorToken = `bench_op_${randomBytes(24).toString('base64url')}`;
  let kafka: KafkaCluster | undefined;
  let api: ChildProcess | undefined;
  let worker: ChildProcess | undefined;
  let databaseCreated = false;
  try {
    log('starting Kafka (1 controller + 6 brokers), PostgreSQL database');
    [kafka] = await Promise.all([
      KafkaCluster.start({ log: (line) => log(`kafka: ${line}`) }),
      (async () => {
        await createDatabase(POSTGRES_URL, databaseName);
        databaseCreated = true;
        await migrateDatabase(databaseUrl);
      })(),
    ]);
    const info = kafka.info();
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const env = {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      DATABASE_URL: databaseUrl,
      REDIS_URL,
      REDIS_PREFIX: `cellar-bench:${runId}`,
      CELLAR_OPERATOR_TOKEN: operatorToken,
      CELLAR_SECRET_KEY: randomBytes(32).toString('base64'),
    };
    api = startProcess('api', 'apps/api/src/main.ts', env);
    worker = startProcess('worker', 'apps/api/src/worker-main.ts', env);
    await waitFor('the API', async () => ((await fetch(`${base}/healthz`)).ok ? true : undefined));

    const call = async (method: string, path: string, token: string, body?: unknown) => {
      const response = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const json = (await response.json()) as Record<string, unknown>;
      if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${JSON.stringify(json)}`);
      return json;
    };

    log('registering the cluster, laying out cells, creating a tenant and a 4-CKU logical cluster');
    const cluster = await call('POST', '/v1/kafka-clusters', operatorToken, {
      name: 'bench',
      region: 'local',
      bootstrapServers: info.bootstrapServers,
      adminSasl: { mechanism: 'SCRAM-SHA-512', username: info.admin.username, password: info.admin.password },
      brokerMetrics: info.brokers.map((broker) => ({ brokerId: broker.nodeId, url: broker.metricsUrl })),
    });
    await call('POST', `/v1/kafka-clusters/${String(cluster['id'])}/cells/layout`, operatorToken, {});
    const tenant = await call('POST', '/v1/tenants', operatorToken, { name: `bench-${runId}` });
    const tenantToken = String(tenant['token']);
    const created = await call('POST', '/v1/logical-clusters', tenantToken, { name: 'bench', ckus: 4, region: 'local' });
    const lkc = String(created['id']);
    const provisionStarted = Date.now();
    await waitFor('the logical cluster to be READY', async () => {
      const view = await call('GET', `/v1/logical-clusters/${lkc}`, tenantToken);
      return view['status'] === 'READY' ? view : undefined;
    });
    log(`logical cluster ${lkc} READY ${((Date.now() - provisionStarted) / 1000).toFixed(1)} s after the 202`);

    const headers = { authorization: `Bearer ${tenantToken}`, 'content-type': 'application/json' };
    const figures: Figures[] = [];
    // A short warm-up so JIT and connection pools do not count against the first run.
    await autocannon({ url: `${base}/v1/logical-clusters/${lkc}`, headers, duration: 2, connections: 4 });
    figures.push(await drive('GET /v1/logical-clusters/:id', { url: `${base}/v1/logical-clusters/${lkc}`, headers, connections: 10 }));
    figures.push(
      await drive('POST /v1/logical-clusters/:id/topics', {
        url: `${base}/v1/logical-clusters/${lkc}/topics`,
        method: 'POST',
        headers,
        connections: 4,
        idReplacement: true,
        body: JSON.stringify({ name: 'bench-[<id>]', partitions: 1, replicationFactor: 3 }),
      }),
    );

    const topics = await call('GET', `/v1/logical-clusters/${lkc}/topics`, tenantToken);
    log(`topics now in the logical cluster: ${Array.isArray(topics['items']) ? topics['items'].length : JSON.stringify(topics).length}`);
    process.stdout.write(`\nAPI benchmark (${DURATION_S} s per route, load generator on the same 2-core machine as the API, worker and Kafka)\n`);
    process.stdout.write(`${'route'.padEnd(40)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'max ms'.padStart(8)} ${'requests'.padStart(9)} ${'non-2xx'.padStart(8)} ${'errors'.padStart(7)}\n`);
    for (const f of figures) {
      process.stdout.write(
        `${f.name.padEnd(40)} ${f.requestsPerSecond.toFixed(0).padStart(8)} ${String(f.p50Ms).padStart(8)} ${String(f.p99Ms).padStart(8)} ${String(f.maxMs).padStart(8)} ${String(f.requests).padStart(9)} ${String(f.non2xx).padStart(8)} ${String(f.errors).padStart(7)}\n`,
      );
    }
  } finally {
    await Promise.all([stopProcess(api), stopProcess(worker)]);
    await kafka?.stop().catch((error: unknown) => log(`Kafka stop failed: ${String(error)}`));
    if (databaseCreated) await dropDatabase(POSTGRES_URL, databaseName).catch((error: unknown) => log(`drop database failed: ${String(error)}`));
  }
}

await main();
