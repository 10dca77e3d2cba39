import type { KafkaAdmin } from '@cellar/kafka-adapter';
import { eventually, testStack, uniqueName } from '@cellar/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorAuth } from '../src/test-fixtures';
import { createTenant, ensureTestCluster } from './support/fleet';
import { request, type Headers, type Method } from './support/http';
import { snapshotWorld, type WorldSnapshot } from './support/snapshot';
import { buildStackApp } from './support/stack-app';
import { startTenancyWorker, type TenancyWorkerProcess } from './support/worker';

/**
 * Every endpoint x every kind of bad input: each answers application/problem+json with a
 * stable code and changes nothing, neither in PostgreSQL nor on Kafka (compared as snapshots
 * taken before and after each request, and checked on Kafka through the admin client).
 */

type Stack = Awaited<ReturnType<typeof buildStackApp>>;

interface Case {
  endpoint: string;
  kind: string;
  method: Method;
  url: string;
  headers: Headers;
  body?: unknown;
  status: number;
  code: string;
}

let stack: Stack;
let worker: TenancyWorkerProcess;
let admin: KafkaAdmin;
let tenantA: Awaited<ReturnType<typeof createTenant>>;
let tenantB: Awaited<ReturnType<typeof createTenant>>;
let clusterId: string;
let regularCellBrokers: number[];
let lkcA: string;
let lkcB: string;
let topicA: string;
let keyA: string;
let keyB: string;
const region = 'local';

const call = (method: Method, url: string, headers: Headers, body?: unknown) => request(stack.app, method, url, headers, body);

async function ok(method: Method, url: string, headers: Headers, body?: unknown) {
  const response = await call(method, url, headers, body);
  expect(response.status, JSON.stringify(response.json)).toBeLessThan(300);
  return response.json;
}

async function readyLogicalCluster(auth: Headers, name: string): Promise<string> {
  const created = await ok('POST', '/v1/logical-clusters', auth, { name, ckus: 1, region });
  const id = String(created['id']);
  await eventually(async () => ((await ok('GET', `/v1/logical-clusters/${id}`, auth))['status'] === 'READY' ? true : undefined), {
    timeoutMs: 90_000,
    what: `${id} READY`,
  });
  return id;
}

beforeAll(async () => {
  const redisPrefix = `${testStack().redisPrefix}:${uniqueName('bad-input')}`;
  stack = await buildStackApp({ redisPrefix });
  worker = startTenancyWorker(redisPrefix);
  const cluster = await ensureTestCluster(stack.app);
  clusterId = cluster.clusterId;
  admin = await stack.deps.kafkaAdmins.forCluster(clusterId);
  const regular = cluster.cells.find((cell) => !cell.quarantine);
  regularCellBrokers = regular?.brokerIds ?? [];
  tenantA = await createTenant(stack.app);
  tenantB = await createTenant(stack.app);
  [lkcA, lkcB] = await Promise.all([readyLogicalCluster(tenantA.auth, 'alpha'), readyLogicalCluster(tenantB.auth, 'beta')]);
  topicA = 'orders';
  await ok('POST', `/v1/logical-clusters/${lkcA}/topics`, tenantA.auth, { name: topicA, partitions: 2, replicationFactor: 3 });
  await ok('POST', `/v1/logical-clusters/${lkcB}/topics`, tenantB.auth, { name: topicA, partitions: 1, replicationFactor: 3 });
  keyA = String((await ok('POST', `/v1/logical-clusters/${lkcA}/api-keys`, tenantA.auth, {}))['key']);
  keyB = String((await ok('POST', `/v1/logical-clusters/${lkcB}/api-keys`, tenantB.auth, {}))['key']);
}, 300_000);

afterAll(async () => {
  // Leave nothing behind for later spec files: delete both logical clusters and wait.
  for (const [id, auth] of [[lkcA, tenantA?.auth], [lkcB, tenantB?.auth]] as const) {
    if (!id || !auth) continue;
    await call('DELETE', `/v1/logical-clusters/${id}`, auth);
    await eventually(async () => ((await call('GET', `/v1/logical-clusters/${id}`, auth)).status === 404 ? true : undefined), { timeoutMs: 90_000, what: `${id} deleted` }).catch(() => undefined);
  }
  await worker?.stop();
  await stack?.close();
}, 180_000);

const long = (n: number) => 'a'.repeat(n);

/** The table. Ids resolve lazily: they exist only after beforeAll. */
function cases(): Case[] {
  const A = tenantA.auth;
  const lc = `/v1/logical-clusters/${lkcA}`;
  const otherLc = `/v1/logical-clusters/${lkcB}`;
  const missingLc = '/v1/logical-clusters/lkc-zzzzzz';
  const noToken: Headers = {};
  const wrongToken: Headers = { authorization: 'Bearer ctk_not-a-real-token-at-all-000000000000' };
  const op = operatorAuth;
  const kc = `/v1/kafka-clusters/${clusterId}`;
  const list: Case[] = [];
  const add = (endpoint: string, kind: string, c: Omit<Case, 'endpoint' | 'kind'>) => list.push({ endpoint, kind, ...c });
  const validation = { status: 400, code: 'validation_failed' };
  const notFound = (code: string) => ({ status: 404, code });
  const unauth = { status: 401, code: 'unauthorized' };

  // --- POST /v1/tenants (operator)
  const t = 'POST /v1/tenants';
  add(t, 'missing field', { method: 'POST', url: '/v1/tenants', headers: op, body: {}, ...validation });
  add(t, 'wrong type', { method: 'POST', url: '/v1/tenants', headers: op, body: { name: 42 }, ...validation });
  add(t, 'unknown field', { method: 'POST', url: '/v1/tenants', headers: op, body: { name: uniqueName('t'), admin: true }, ...validation });
  add(t, 'overlong name', { method: 'POST', url: '/v1/tenants', headers: op, body: { name: long(65) }, ...validation });
  add(t, 'illegal name', { method: 'POST', url: '/v1/tenants', headers: op, body: { name: 'Bad Name!' }, ...validation });
  add(t, 'duplicate name', { method: 'POST', url: '/v1/tenants', headers: op, body: { name: tenantA.name }, status: 409, code: 'tenant_name_taken' });
  add(t, 'no token', { method: 'POST', url: '/v1/tenants', headers: noToken, body: { name: uniqueName('t') }, ...unauth });
  add(t, 'wrong token', { method: 'POST', url: '/v1/tenants', headers: wrongToken, body: { name: uniqueName('t') }, ...unauth });
  add(t, 'tenant token on an operator route', { method: 'POST', url: '/v1/tenants', headers: A, body: { name: uniqueName('t') }, status: 403, code: 'forbidden' });
  add('GET /v1/tenants/:id', 'nonexistent id', { method: 'GET', url: '/v1/tenants/nope', headers: op, ...notFound('tenant_not_found') });

  // --- POST /v1/kafka-clusters (operator)
  const k = 'POST /v1/kafka-clusters';
  const kBody = { name: uniqueName('kc'), region, bootstrapServers: testStack().kafka.bootstrapServers };
  add(k, 'missing field', { method: 'POST', url: '/v1/kafka-clusters', headers: op, body: { name: uniqueName('kc'), region }, ...validation });
  add(k, 'wrong type', { method: 'POST', url: '/v1/kafka-clusters', headers: op, body: { ...kBody, bootstrapServers: 'not-a-list' }, ...validation });
  add(k, 'out of range', { method: 'POST', url: '/v1/kafka-clusters', headers: op, body: { ...kBody, ckusPerBroker: 0 }, ...validation });
  add(k, 'unknown field', { method: 'POST', url: '/v1/kafka-clusters', headers: op, body: { ...kBody, zookeeper: 'x:2181' }, ...validation });
  add(k, 'illegal bootstrap server', { method: 'POST', url: '/v1/kafka-clusters', headers: op, body: { ...kBody, bootstrapServers: ['no port here'] }, ...validation });
  add(k, 'overlong name', { method: 'POST', url: '/v1/kafka-clusters', headers: op, body: { ...kBody, name: long(65) }, ...validation });
  add(k, 'no token', { method: 'POST', url: '/v1/kafka-clusters', headers: noToken, body: kBody, ...unauth });
  add(k, 'tenant token', { method: 'POST', url: '/v1/kafka-clusters', headers: A, body: kBody, status: 403, code: 'forbidden' });
  add('GET /v1/kafka-clusters/:id', 'nonexistent id', { method: 'GET', url: '/v1/kafka-clusters/nope', headers: op, ...notFound('kafka_cluster_not_found') });

  // --- cells (operator)
  const c = 'POST /v1/kafka-clusters/:id/cells';
  add(c, 'missing field', { method: 'POST', url: `${kc}/cells`, headers: op, body: {}, ...validation });
  add(c, 'wrong type', { method: 'POST', url: `${kc}/cells`, headers: op, body: { brokerIds: 'all' }, ...validation });
  add(c, 'unknown field', { method: 'POST', url: `${kc}/cells`, headers: op, body: { brokerIds: regularCellBrokers, size: 3 }, ...validation });
  add(c, 'broker already in a cell', { method: 'POST', url: `${kc}/cells`, headers: op, body: { brokerIds: regularCellBrokers }, status: 422, code: 'cell_invalid' });
  add(c, 'nonexistent cluster', { method: 'POST', url: '/v1/kafka-clusters/nope/cells', headers: op, body: { brokerIds: [1] }, ...notFound('kafka_cluster_not_found') });
  add(c, 'tenant token', { method: 'POST', url: `${kc}/cells`, headers: A, body: { brokerIds: [1] }, status: 403, code: 'forbidden' });
  add('POST /v1/kafka-clusters/:id/cells/layout', 'already laid out', { method: 'POST', url: `${kc}/cells/layout`, headers: op, body: {}, status: 409, code: 'cells_already_laid_out' });
  add('POST /v1/kafka-clusters/:id/cells/layout', 'out of range', { method: 'POST', url: `${kc}/cells/layout`, headers: op, body: { cellCount: -1 }, ...validation });

  // --- POST /v1/logical-clusters (tenant)
  const l = 'POST /v1/logical-clusters';
  const lBody = { name: uniqueName('lc'), ckus: 1, region };
  add(l, 'missing field', { method: 'POST', url: '/v1/logical-clusters', headers: A, body: { name: uniqueName('lc'), region }, ...validation });
  add(l, 'wrong type', { method: 'POST', url: '/v1/logical-clusters', headers: A, body: { ...lBody, ckus: 'two' }, ...validation });
  add(l, 'out of range (above the profile maximum)', { method: 'POST', url: '/v1/logical-clusters', headers: A, body: { ...lBody, ckus: 9 }, status: 422, code: 'ckus_out_of_range' });
  add(l, 'out of range (zero)', { method: 'POST', url: '/v1/logical-clusters', headers: A, body: { ...lBody, ckus: 0 }, status: 422, code: 'ckus_out_of_range' });
  add(l, 'unknown field', { method: 'POST', url: '/v1/logical-clusters', headers: A, body: { ...lBody, cellId: 'cell-1' }, ...validation });
  add(l, 'overlong name', { method: 'POST', url: '/v1/logical-clusters', headers: A, body: { ...lBody, name: long(65) }, ...validation });
  add(l, 'illegal name', { method: 'POST', url: '/v1/logical-clusters', headers: A, body: { ...lBody, name: 'über/cluster' }, ...validation });
  add(l, 'duplicate name', { method: 'POST', url: '/v1/logical-clusters', headers: A, body: { ...lBody, name: 'alpha' }, status: 409, code: 'logical_cluster_name_taken' });
  add(l, 'region not served', { method: 'POST', url: '/v1/logical-clusters', headers: A, body: { ...lBody, region: 'mars-1' }, status: 422, code: 'region_not_served' });
  add(l, 'tenant sets tenantId', { method: 'POST', url: '/v1/logical-clusters', headers: A, body: { ...lBody, tenantId: tenantB.id }, status: 403, code: 'forbidden' });
  add(l, 'no token', { method: 'POST', url: '/v1/logical-clusters', headers: noToken, body: lBody, ...unauth });
  add(l, 'wrong token', { method: 'POST', url: '/v1/logical-clusters', headers: wrongToken, body: lBody, ...unauth });

  // --- GET/PATCH/DELETE /v1/logical-clusters/:id
  for (const [method, body] of [['GET', undefined], ['PATCH', { ckus: 2 }], ['DELETE', undefined]] as const) {
    const e = `${method} /v1/logical-clusters/:id`;
    add(e, 'nonexistent id', { method, url: missingLc, headers: A, body, ...notFound('logical_cluster_not_found') });
    add(e, "another tenant's id", { method, url: otherLc, headers: A, body, ...notFound('logical_cluster_not_found') });
    add(e, 'malformed id', { method, url: '/v1/logical-clusters/..%2F..', headers: A, body, ...notFound('logical_cluster_not_found') });
    add(e, 'no token', { method, url: lc, headers: noToken, body, ...unauth });
    add(e, 'wrong token', { method, url: lc, headers: wrongToken, body, ...unauth });
  }
  const p = 'PATCH /v1/logical-clusters/:id';
  add(p, 'missing field', { method: 'PATCH', url: lc, headers: A, body: {}, ...validation });
  add(p, 'wrong type', { method: 'PATCH', url: lc, headers: A, body: { ckus: '2' }, ...validation });
  add(p, 'out of range', { method: 'PATCH', url: lc, headers: A, body: { ckus: 100 }, status: 422, code: 'ckus_out_of_range' });
  add(p, 'unknown field', { method: 'PATCH', url: lc, headers: A, body: { ckus: 2, name: 'renamed' }, ...validation });
  add('GET /v1/logical-clusters/:id/usage', "another tenant's id", { method: 'GET', url: `${otherLc}/usage`, headers: A, ...notFound('logical_cluster_not_found') });
  add('GET /v1/logical-clusters/:id/usage', 'no token', { method: 'GET', url: `${lc}/usage`, headers: noToken, ...unauth });

  // --- topics
  const tp = 'POST /v1/logical-clusters/:id/topics';
  const tBody = { name: 'payments', partitions: 1, replicationFactor: 3 };
  add(tp, 'missing field', { method: 'POST', url: `${lc}/topics`, headers: A, body: { name: 'payments' }, ...validation });
  add(tp, 'wrong type', { method: 'POST', url: `${lc}/topics`, headers: A, body: { ...tBody, partitions: 'six' }, ...validation });
  add(tp, 'out of range (partitions over the CKU limit)', { method: 'POST', url: `${lc}/topics`, headers: A, body: { ...tBody, partitions: 13 }, status: 409, code: 'partition_limit_exceeded' });
  add(tp, 'out of range (zero partitions)', { method: 'POST', url: `${lc}/topics`, headers: A, body: { ...tBody, partitions: 0 }, ...validation });
  add(tp, 'out of range (replication factor above the cell)', { method: 'POST', url: `${lc}/topics`, headers: A, body: { ...tBody, replicationFactor: 4 }, status: 422, code: 'replication_factor_invalid' });
  add(tp, 'unknown field', { method: 'POST', url: `${lc}/topics`, headers: A, body: { ...tBody, leader: 1 }, ...validation });
  add(tp, 'overlong name', { method: 'POST', url: `${lc}/topics`, headers: A, body: { ...tBody, name: long(239) }, ...validation });
  add(tp, 'illegal topic characters', { method: 'POST', url: `${lc}/topics`, headers: A, body: { ...tBody, name: 'pay ments/€' }, ...validation });
  add(tp, "illegal name '..'", { method: 'POST', url: `${lc}/topics`, headers: A, body: { ...tBody, name: '..' }, ...validation });
  add(tp, 'config not on the allow-list', { method: 'POST', url: `${lc}/topics`, headers: A, body: { ...tBody, configs: { 'unclean.leader.election.enable': 'true' } }, status: 422, code: 'topic_config_not_allowed' });
  add(tp, 'config value out of range', { method: 'POST', url: `${lc}/topics`, headers: A, body: { ...tBody, configs: { 'retention.ms': '5' } }, status: 422, code: 'topic_config_invalid' });
  add(tp, 'duplicate name', { method: 'POST', url: `${lc}/topics`, headers: A, body: { ...tBody, name: topicA }, status: 409, code: 'topic_exists' });
  add(tp, "another tenant's id", { method: 'POST', url: `${otherLc}/topics`, headers: A, body: tBody, ...notFound('logical_cluster_not_found') });
  add(tp, 'nonexistent id', { method: 'POST', url: `${missingLc}/topics`, headers: A, body: tBody, ...notFound('logical_cluster_not_found') });
  add(tp, 'no token', { method: 'POST', url: `${lc}/topics`, headers: noToken, body: tBody, ...unauth });
  add(tp, 'wrong token', { method: 'POST', url: `${lc}/topics`, headers: wrongToken, body: tBody, ...unauth });
  const td = 'DELETE /v1/logical-clusters/:id/topics/:name';
  add(td, 'nonexistent name', { method: 'DELETE', url: `${lc}/topics/nope`, headers: A, ...notFound('topic_not_found') });
  add(td, "another tenant's id", { method: 'DELETE', url: `${otherLc}/topics/${topicA}`, headers: A, ...notFound('logical_cluster_not_found') });
  add(td, 'no token', { method: 'DELETE', url: `${lc}/topics/${topicA}`, headers: noToken, ...unauth });
  add('GET /v1/logical-clusters/:id/topics', "another tenant's id", { method: 'GET', url: `${otherLc}/topics`, headers: A, ...notFound('logical_cluster_not_found') });

  // --- API keys
  const kp = 'POST /v1/logical-clusters/:id/api-keys';
  add(kp, 'wrong type', { method: 'POST', url: `${lc}/api-keys`, headers: A, body: { description: 7 }, ...validation });
  add(kp, 'overlong description', { method: 'POST', url: `${lc}/api-keys`, headers: A, body: { description: long(257) }, ...validation });
  add(kp, 'unknown field', { method: 'POST', url: `${lc}/api-keys`, headers: A, body: { secret: 'mine' }, ...validation });
  add(kp, "another tenant's id", { method: 'POST', url: `${otherLc}/api-keys`, headers: A, body: {}, ...notFound('logical_cluster_not_found') });
  add(kp, 'no token', { method: 'POST', url: `${lc}/api-keys`, headers: noToken, body: {}, ...unauth });
  add(kp, 'wrong token', { method: 'POST', url: `${lc}/api-keys`, headers: wrongToken, body: {}, ...unauth });
  const kd = 'DELETE /v1/logical-clusters/:id/api-keys/:key';
  add(kd, 'nonexistent key', { method: 'DELETE', url: `${lc}/api-keys/${lkcA}-AAAAAAAAAAAA`, headers: A, ...notFound('api_key_not_found') });
  add(kd, "another tenant's key under the own cluster", { method: 'DELETE', url: `${lc}/api-keys/${keyB}`, headers: A, ...notFound('api_key_not_found') });
  add(kd, "another tenant's cluster", { method: 'DELETE', url: `${otherLc}/api-keys/${keyB}`, headers: A, ...notFound('logical_cluster_not_found') });
  add(kd, 'no token', { method: 'DELETE', url: `${lc}/api-keys/${keyA}`, headers: noToken, ...unauth });

  // --- quarantine (operator)
  const q = 'POST /v1/logical-clusters/:id/quarantine';
  add(q, 'tenant token', { method: 'POST', url: `${lc}/quarantine`, headers: A, body: {}, status: 403, code: 'forbidden' });
  add(q, 'nonexistent id', { method: 'POST', url: `${missingLc}/quarantine`, headers: op, body: {}, ...notFound('logical_cluster_not_found') });
  add(q, 'unknown field', { method: 'POST', url: `${lc}/quarantine`, headers: op, body: { cellId: 'x' }, ...validation });
  add(q, 'no token', { method: 'POST', url: `${lc}/quarantine`, headers: noToken, body: {}, ...unauth });

  // --- malformed JSON and Idempotency-Key
  add(l, 'malformed JSON', { method: 'POST', url: '/v1/logical-clusters', headers: { ...A, 'content-type': 'application/json' }, body: '{"name":', status: 400, code: 'bad_request' });
  add(l, 'illegal Idempotency-Key', { method: 'POST', url: '/v1/logical-clusters', headers: { ...A, 'idempotency-key': long(300) }, body: lBody, status: 400, code: 'idempotency_key_invalid' });
  return list;
}

describe('bad input changes nothing', () => {
  let before: WorldSnapshot;

  it('answers every case of the table with problem+json, its stable code, and no change', async () => {
    const table = cases();
    const scope = { tenantIds: [tenantA.id, tenantB.id], prefixes: [`${lkcA}.`, `${lkcB}.`] };
    before = await snapshotWorld(stack.deps.prisma, admin, scope);
    const failures: string[] = [];
    const endpoints = new Set<string>();
    for (const c of table) {
      endpoints.add(c.endpoint);
      const response = await call(c.method, c.url, c.headers, c.body);
      const problem = response.json;
      const label = `${c.endpoint} × ${c.kind}`;
      if (response.status !== c.status || problem['code'] !== c.code) {
        failures.push(`${label}: expected ${c.status} ${c.code}, got ${response.status} ${String(problem['code'])} (${String(problem['detail'])})`);
        continue;
      }
      if (!response.type.startsWith('application/problem+json')) failures.push(`${label}: content-type ${response.type}`);
      for (const field of ['type', 'title', 'status', 'detail', 'instance']) {
        if (problem[field] === undefined) failures.push(`${label}: problem has no ${field}`);
      }
      // Compared after every case, so a failure names the request that changed something.
      const after = await snapshotWorld(stack.deps.prisma, admin, scope);
      try {
        expect(after).toEqual(before);
      } catch (error) {
        failures.push(`${label}: changed state: ${(error as Error).message.slice(0, 2000)}`);
        before = after;
      }
    }
    process.stdout.write(`[bad-input] ${table.length} cases over ${endpoints.size} endpoints\n`);
    expect(failures).toEqual([]);
  });

  it('really is per case: a request that does change something shows up in the snapshot', async () => {
    const scope = { tenantIds: [tenantA.id, tenantB.id], prefixes: [`${lkcA}.`, `${lkcB}.`] };
    const start = await snapshotWorld(stack.deps.prisma, admin, scope);
    await ok('POST', `/v1/logical-clusters/${lkcA}/topics`, tenantA.auth, { name: 'canary', partitions: 1, replicationFactor: 3 });
    const changed = await snapshotWorld(stack.deps.prisma, admin, scope);
    expect(changed.kafka.topics).toEqual([...start.kafka.topics, `${lkcA}.canary`].sort());
    expect(changed.postgres['topics']).toHaveLength((start.postgres['topics'] ?? []).length + 1);
  });
});
