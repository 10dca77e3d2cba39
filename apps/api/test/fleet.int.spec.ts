import { randomBytes } from 'node:crypto';
import { decryptSecret, encryptSecret, hashToken } from '@cellar/db';
import { kafkaTool } from '@cellar/kafka-harness';
import { testStack, uniqueName } from '@cellar/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CellView, KafkaClusterView } from '../src/routes/kafka-cluster.view';
import { operatorAuth } from '../src/test-fixtures';
import { createTenant, ensureTestCluster, TEST_CLUSTER_NAME, type TestCluster } from './support/fleet';
import { request, type Headers, type Method } from './support/http';
import { buildStackApp } from './support/stack-app';

/**
 * Tenants, physical clusters, cells and Idempotency-Key against the real PostgreSQL and Kafka.
 * The test stack's Kafka can be registered once per database, and earlier spec files may have
 * done it: everything that needs it goes through ensureTestCluster. Cell rules are exercised on
 * clusters seeded straight into PostgreSQL (their own region, unique names), because cells are
 * PostgreSQL-only and the one real Kafka's brokers are all in cells already.
 */

type Stack = Awaited<ReturnType<typeof buildStackApp>>;

let stack: Stack;
let cluster: TestCluster;
/** Executions of the spec's own POST /v1/test/echo route, by body tag. */
const echoRuns = new Map<string, number>();
/** Lets the echo route hold a request open until the test releases it. */
let holdEcho: Promise<void> | undefined;
let failEchoOnce = false;

const call = (method: Method, url: string, headers: Headers, body?: unknown) => request(stack.app, method, url, headers, body);

const racksOf = (view: KafkaClusterView, cell: CellView) => cell.brokerIds.map((id) => view.brokers.find((b) => b.id === id)?.rack).sort();

/** A physical cluster row with fake brokers (ids 1..n, racks as given), in a region of its own. */
async function seedCluster(racks: string[], extra: { bootstrapServers?: string[]; admin?: { username: string; password: string } } = {}) {
  const name = uniqueName('seeded');
  const row = await stack.deps.prisma.physicalCluster.create({
    data: {
      name,
      region: uniqueName('fleet-spec'),
      bootstrapServers: extra.bootstrapServers ?? ['127.0.0.1:1'],
      status: 'DISABLED',
      ckusPerBroker: 4,
      ...(extra.admin
        ? { adminSaslMechanism: 'SCRAM_SHA_512', adminSaslUsername: extra.admin.username, adminSaslPasswordEncrypted: encryptSecret(extra.admin.password, stack.deps.secretKey) }
        : {}),
      brokers: { create: racks.map((rack, index) => ({ nodeId: index + 1, host: '127.0.0.1', port: 10_000 + index, rack })) },
    },
  });
  return row.id;
}

beforeAll(async () => {
  stack = await buildStackApp();
  // Routes may be added until the app is ready (the first inject): a probe for the idempotency plugin.
  stack.app.post('/v1/test/echo', async (request, reply) => {
    const tag = String((request.body as { tag?: unknown } | undefined)?.tag ?? '');
    echoRuns.set(tag, (echoRuns.get(tag) ?? 0) + 1);
    if (holdEcho) await holdEcho;
    if (failEchoOnce) {
      failEchoOnce = false;
      throw new Error('echo failed on purpose');
    }
    return reply.status(201).send({ tag, run: echoRuns.get(tag), nonce: randomBytes(8).toString('hex') });
  });
  cluster = await ensureTestCluster(stack.app);
}, 300_000);

afterAll(async () => {
  await stack?.close();
});

describe('tenants', () => {
  it('shows the token once; GET never shows it; PostgreSQL holds only its sha256', async () => {
    const name = uniqueName('acme');
    const created = await call('POST', '/v1/tenants', operatorAuth, { name });
    expect(created.status).toBe(201);
    const token = String(created.json['token']);
    expect(token).toMatch(/^ctk_[A-Za-z0-9_-]{43}$/);
    expect(created.json).toEqual({ id: expect.any(String), name, token, createdAt: expect.any(String) });
    const id = String(created.json['id']);

    const one = await call('GET', `/v1/tenants/${id}`, operatorAuth);
    expect(one.status).toBe(200);
    expect(one.json).toEqual({ id, name, createdAt: created.json['createdAt'] });
    const list = await call('GET', '/v1/tenants', operatorAuth);
    expect((list.json['tenants'] as { id: string }[]).find((t) => t.id === id)).toEqual({ id, name, createdAt: created.json['createdAt'] });
    expect(list.body).not.toContain(token);

    const rows = await stack.deps.prisma.apiToken.findMany({ where: { tenantId: id } });
    expect(rows).toHaveLength(1);
    expect(rows[0]?.tokenHash).toBe(hashToken(token));
    expect(rows[0]?.prefix).toBe(token.slice(0, 'ctk_'.length + 6));
    const everyRow = JSON.stringify(await stack.deps.prisma.$queryRawUnsafe('SELECT t.*, a.* FROM tenants t JOIN api_tokens a ON a.tenant_id = t.id'));
    expect(everyRow).not.toContain(token.slice('ctk_'.length));
  });

  it('authenticates the tenant with its token', async () => {
    const tenant = await createTenant(stack.app);
    const whoami = await call('GET', '/v1/whoami', tenant.auth);
    expect(whoami.status).toBe(200);
    expect(whoami.json).toEqual({ kind: 'tenant', tenantId: tenant.id });
  });

  it('records an audit event with the request id as correlation id', async () => {
    const requestId = `fleet-spec-${randomBytes(6).toString('hex')}`;
    const created = await call('POST', '/v1/tenants', { ...operatorAuth, 'x-request-id': requestId }, { name: uniqueName('audited') });
    expect(created.status).toBe(201);
    const events = await stack.deps.prisma.auditEvent.findMany({ where: { correlationId: requestId } });
    expect(events).toEqual([expect.objectContaining({ actor: 'operator', action: 'tenant.create', subjectType: 'tenant', subjectId: created.json['id'] })]);
    expect(JSON.stringify(events)).not.toContain(String(created.json['token']).slice(4));
  });

  it('refuses a duplicate name with 409 tenant_name_taken and creates nothing', async () => {
    const tenant = await createTenant(stack.app);
    const again = await call('POST', '/v1/tenants', operatorAuth, { name: tenant.name });
    expect(again.status).toBe(409);
    expect(again.json['code']).toBe('tenant_name_taken');
    expect(await stack.deps.prisma.tenant.count({ where: { name: tenant.name } })).toBe(1);
  });

  it('answers 404 tenant_not_found for an unknown id', async () => {
    const response = await call('GET', '/v1/tenants/nope', operatorAuth);
    expect(response.status).toBe(404);
    expect(response.json['code']).toBe('tenant_not_found');
  });

  it('answers a tenant 403 forbidden on every operator route', async () => {
    const tenant = await createTenant(stack.app);
    const before = await stack.deps.prisma.tenant.count();
    const routes: [method: 'GET' | 'POST', url: string, body?: unknown][] = [
      ['GET', '/v1/tenants'],
      ['GET', `/v1/tenants/${tenant.id}`],
      ['POST', '/v1/tenants', { name: uniqueName('sneaky') }],
      ['GET', '/v1/kafka-clusters'],
      ['GET', `/v1/kafka-clusters/${cluster.clusterId}`],
      ['GET', `/v1/kafka-clusters/${cluster.clusterId}/cells`],
      ['POST', '/v1/kafka-clusters', { name: uniqueName('kc'), region: 'x', bootstrapServers: ['127.0.0.1:1'] }],
      ['POST', `/v1/kafka-clusters/${cluster.clusterId}/cells`, { brokerIds: [1, 3, 5] }],
      ['POST', `/v1/kafka-clusters/${cluster.clusterId}/cells/layout`, {}],
      ['POST', `/v1/kafka-clusters/${cluster.clusterId}/refresh`],
    ];
    for (const [method, url, body] of routes) {
      const response = await call(method, url, { ...tenant.auth, 'idempotency-key': uniqueName('k') }, body);
      expect({ method, url, status: response.status, code: response.json['code'] }).toEqual({ method, url, status: 403, code: 'forbidden' });
      expect(response.headers['content-type']).toContain('application/problem+json');
    }
    expect(await stack.deps.prisma.tenant.count()).toBe(before);
  });
});

describe('registering a physical Kafka cluster', () => {
  it('discovers the six brokers with their racks, as Kafka itself reports them', async () => {
    const kafka = testStack().kafka;
    const view = cluster.view;
    expect(view).toMatchObject({ name: TEST_CLUSTER_NAME, status: 'ACTIVE', kafkaClusterId: kafka.clusterId, ckusPerBroker: 4 });
    expect(view.adminSasl).toEqual({ mechanism: 'SCRAM-SHA-512', username: kafka.admin.username });
    expect(view.brokers.map((b) => b.id)).toEqual(kafka.brokers.map((b) => b.nodeId).sort((a, b) => a - b));
    expect(view.brokers.map((b) => b.rack)).toEqual(['az1', 'az1', 'az2', 'az2', 'az3', 'az3']);
    for (const broker of kafka.brokers) {
      expect(view.brokers.find((b) => b.id === broker.nodeId)).toMatchObject({ host: broker.host, port: broker.port, rack: broker.rack, metricsUrl: broker.metricsUrl, healthState: 'HEALTHY' });
    }

    // Kafka's own tool, as an operator would ask: the brokers and each one's broker.rack.
    const configs = await kafkaTool(kafka, 'configs', ['--describe', '--entity-type', 'brokers', '--all']);
    const racksByBroker = new Map<number, string>();
    let current: number | undefined;
    for (const line of configs.split('\n')) {
      const header = /All configs for broker (\d+) are:/.exec(line);
      if (header) current = Number(header[1]);
      const rack = /^\s*broker\.rack=([^ ]+)/.exec(line);
      if (rack?.[1] !== undefined && current !== undefined) racksByBroker.set(current, rack[1]);
    }
    expect(Object.fromEntries(racksByBroker)).toEqual(Object.fromEntries(view.brokers.map((b) => [b.id, b.rack])));
  });

  it('keeps the admin password encrypted and never shows it', async () => {
    const kafka = testStack().kafka;
    const row = await stack.deps.prisma.physicalCluster.findUniqueOrThrow({ where: { id: cluster.clusterId } });
    expect(row.adminSaslPasswordEncrypted).not.toContain(kafka.admin.password);
    expect(decryptSecret(String(row.adminSaslPasswordEncrypted), stack.deps.secretKey)).toBe(kafka.admin.password);
    for (const url of ['/v1/kafka-clusters', `/v1/kafka-clusters/${cluster.clusterId}`]) {
      expect((await call('GET', url, operatorAuth)).body).not.toContain(kafka.admin.password);
    }
  });

  it('answers 422 kafka_cluster_unreachable for a wrong password or a closed port, and stores nothing', async () => {
    const kafka = testStack().kafka;
    const before = await stack.deps.prisma.physicalCluster.count();
    const base = { region: 'elsewhere', bootstrapServers: kafka.bootstrapServers };
    const wrongPassword = await call('POST', '/v1/kafka-clusters', operatorAuth, {
      ...base,
      name: uniqueName('wrong-pw'),
      adminSasl: { mechanism: 'SCRAM-SHA-512', username: kafka.admin.username, password: 'not-the-password' },
    });
    expect(wrongPassword.status).toBe(422);
    expect(wrongPassword.json['code']).toBe('kafka_cluster_unreachable');
    expect(wrongPassword.body).not.toContain('not-the-password');

    const closedPort = await call('POST', '/v1/kafka-clusters', operatorAuth, {
      ...base,
      name: uniqueName('closed'),
      bootstrapServers: ['127.0.0.1:1'],
      adminSasl: { mechanism: 'SCRAM-SHA-512', username: kafka.admin.username, password: kafka.admin.password },
    });
    expect(closedPort.status).toBe(422);
    expect(closedPort.json['code']).toBe('kafka_cluster_unreachable');

    const noSasl = await call('POST', '/v1/kafka-clusters', operatorAuth, { ...base, name: uniqueName('no-sasl') });
    expect(noSasl.status).toBe(422);
    expect(noSasl.json['code']).toBe('kafka_cluster_unreachable');
    expect(await stack.deps.prisma.physicalCluster.count()).toBe(before);
  });

  it('answers 409 kafka_cluster_already_registered for the same Kafka under another name', async () => {
    const kafka = testStack().kafka;
    const before = await stack.deps.prisma.physicalCluster.count();
    const again = await call('POST', '/v1/kafka-clusters', operatorAuth, {
      name: uniqueName('again'),
      region: 'local',
      bootstrapServers: [...kafka.bootstrapServers].reverse(),
      adminSasl: { mechanism: 'SCRAM-SHA-512', username: kafka.admin.username, password: kafka.admin.password },
    });
    expect(again.status).toBe(409);
    expect(again.json).toMatchObject({ code: 'kafka_cluster_already_registered', details: { id: cluster.clusterId, kafkaClusterId: kafka.clusterId } });
    expect(await stack.deps.prisma.physicalCluster.count()).toBe(before);
  });

  it('answers 409 kafka_cluster_name_taken for a registered name, before connecting', async () => {
    const taken = await call('POST', '/v1/kafka-clusters', operatorAuth, { name: TEST_CLUSTER_NAME, region: 'local', bootstrapServers: ['127.0.0.1:1'] });
    expect(taken.status).toBe(409);
    expect(taken.json['code']).toBe('kafka_cluster_name_taken');
  });

  it('records the registration in the audit trail', async () => {
    const events = await stack.deps.prisma.auditEvent.findMany({ where: { action: 'kafka-cluster.register', subjectId: cluster.clusterId } });
    expect(events).toHaveLength(1);
    expect(JSON.stringify(events)).not.toContain(testStack().kafka.admin.password);
  });

  it('names the cluster on /metrics, so Grafana can show names for the ids every cellar_ metric carries', async () => {
    const metrics = await stack.app.inject({ method: 'GET', url: '/metrics' });
    const { name, region } = cluster.view;
    expect(metrics.body).toContain(`cellar_kafka_cluster_info{cluster="${cluster.clusterId}",name="${name}",region="${region}"} 1`);
  });

  it('re-discovers brokers: new ones added in no cell, gone ones kept and reported', async () => {
    const kafka = testStack().kafka;
    // A second row for the same Kafka (no kafkaClusterId), knowing brokers 1..4 and a broker 99 Kafka never had.
    const id = await seedCluster(['az1', 'az1', 'az2', 'az2'], { bootstrapServers: kafka.bootstrapServers, admin: kafka.admin });
    await stack.deps.prisma.broker.create({ data: { clusterId: id, nodeId: 99, host: '127.0.0.1', port: 1, rack: 'az9' } });
    const refreshed = await call('POST', `/v1/kafka-clusters/${id}/refresh`, operatorAuth);
    expect(refreshed.status).toBe(200);
    const brokerIds = kafka.brokers.map((b) => b.nodeId).sort((a, b) => a - b);
    expect(refreshed.json).toMatchObject({ addedBrokerIds: brokerIds.filter((b) => b > 4), missingBrokerIds: [99] });
    // The seeded brokers 1..4 had made-up ports: Kafka's own win.
    expect(refreshed.json['changedBrokerIds']).toEqual([1, 2, 3, 4]);
    const view = refreshed.json['cluster'] as KafkaClusterView;
    expect(view.brokers.map((b) => b.id)).toEqual([...brokerIds, 99]);
    for (const broker of kafka.brokers) expect(view.brokers.find((b) => b.id === broker.nodeId)).toMatchObject({ port: broker.port, rack: broker.rack, cellId: null });

    const again = await call('POST', `/v1/kafka-clusters/${id}/refresh`, operatorAuth);
    expect(again.json).toMatchObject({ addedBrokerIds: [], changedBrokerIds: [], missingBrokerIds: [99] });
    expect(await stack.deps.prisma.auditEvent.count({ where: { action: 'kafka-cluster.refresh', subjectId: id } })).toBe(1);

    const own = await call('POST', `/v1/kafka-clusters/${cluster.clusterId}/refresh`, operatorAuth);
    expect(own.json).toMatchObject({ addedBrokerIds: [], changedBrokerIds: [], missingBrokerIds: [] });
  });
});

describe('cells', () => {
  it('the default layout of the test Kafka: cell-1 regular and cell-2 quarantine, one broker per rack each', () => {
    const view = cluster.view;
    expect(cluster.cells.map((c) => [c.name, c.quarantine, c.brokerIds.length, c.capacityCkus])).toEqual([
      ['cell-1', false, 3, 12],
      ['cell-2', true, 3, 12],
    ]);
    for (const cell of cluster.cells) expect(racksOf(view, cell)).toEqual(['az1', 'az2', 'az3']);
    expect(new Set(cluster.cells.flatMap((c) => c.brokerIds)).size).toBe(6);
    for (const broker of view.brokers) expect(cluster.cells.find((c) => c.id === broker.cellId)?.brokerIds).toContain(broker.id);
  });

  it('ensureTestCluster finds the registered cluster again instead of registering it twice', async () => {
    const again = await ensureTestCluster(stack.app);
    expect(again.clusterId).toBe(cluster.clusterId);
    expect(again.cells.map((c) => c.id)).toEqual(cluster.cells.map((c) => c.id));
    expect(await stack.deps.prisma.physicalCluster.count({ where: { kafkaClusterId: testStack().kafka.clusterId } })).toBe(1);
  });

  it('layout makes 2 cells of 3 spanning every rack, once', async () => {
    const id = await seedCluster(['az1', 'az1', 'az2', 'az2', 'az3', 'az3']);
    const laid = await call('POST', `/v1/kafka-clusters/${id}/cells/layout`, operatorAuth, {});
    expect(laid.status).toBe(201);
    const cells = laid.json['cells'] as CellView[];
    expect(cells.map((c) => ({ name: c.name, quarantine: c.quarantine, brokerIds: c.brokerIds, capacityCkus: c.capacityCkus, committedCkus: c.committedCkus }))).toEqual([
      { name: 'cell-1', quarantine: false, brokerIds: [1, 3, 5], capacityCkus: 12, committedCkus: 0 },
      { name: 'cell-2', quarantine: false, brokerIds: [2, 4, 6], capacityCkus: 12, committedCkus: 0 },
    ]);
    const again = await call('POST', `/v1/kafka-clusters/${id}/cells/layout`, operatorAuth, { quarantine: true });
    expect(again.status).toBe(409);
    expect(again.json['code']).toBe('cells_already_laid_out');
    expect((await call('GET', `/v1/kafka-clusters/${id}/cells`, operatorAuth)).json['cells']).toEqual(cells);
  });

  it('layout refuses a quarantine cell with nothing left for everyone else, and racks that cannot fill the cells', async () => {
    const single = await seedCluster(['az1', 'az2', 'az3']);
    const alone = await call('POST', `/v1/kafka-clusters/${single}/cells/layout`, operatorAuth, { quarantine: true });
    expect([alone.status, alone.json['code']]).toEqual([422, 'cell_invalid']);
    const tooMany = await call('POST', `/v1/kafka-clusters/${single}/cells/layout`, operatorAuth, { cellCount: 2 });
    expect([tooMany.status, tooMany.json['code']]).toEqual([422, 'cell_layout_impossible']);
    expect(await stack.deps.prisma.cell.count({ where: { clusterId: single } })).toBe(0);
  });

  it('explicit cells: spanning every rack is accepted; a missing rack, a broker in two cells and a second quarantine cell are not', async () => {
    // Brokers 1-3 in az1, 4-6 in az2, 7-9 in az3.
    const id = await seedCluster(['az1', 'az1', 'az1', 'az2', 'az2', 'az2', 'az3', 'az3', 'az3']);
    const url = `/v1/kafka-clusters/${id}/cells`;
    const first = await call('POST', url, operatorAuth, { brokerIds: [7, 1, 4] });
    expect(first.status).toBe(201);
    expect(first.json).toEqual({ id: expect.any(String), name: 'cell-1', quarantine: false, brokerIds: [1, 4, 7], capacityCkus: 12, committedCkus: 0 });

    const missingRack = await call('POST', url, operatorAuth, { brokerIds: [2, 5] });
    expect(missingRack.status).toBe(422);
    expect(missingRack.json).toMatchObject({ code: 'cell_invalid', details: { violations: [{ code: 'missing_rack', rack: 'az3' }] } });

    const twice = await call('POST', url, operatorAuth, { brokerIds: [1, 5, 8] });
    expect(twice.status).toBe(422);
    expect(twice.json).toMatchObject({ code: 'cell_invalid', details: { violations: [{ code: 'broker_listed_twice', brokerId: 1 }] } });

    const unknown = await call('POST', url, operatorAuth, { brokerIds: [2, 5, 8, 42] });
    expect(unknown.status).toBe(422);
    expect(unknown.json).toMatchObject({ code: 'cell_invalid', details: { violations: [{ code: 'unknown_broker', brokerId: 42 }] } });

    const quarantine = await call('POST', url, operatorAuth, { name: 'noisy', brokerIds: [2, 5, 8], quarantine: true });
    expect(quarantine.status).toBe(201);
    const second = await call('POST', url, operatorAuth, { brokerIds: [3, 6, 9], quarantine: true });
    expect(second.status).toBe(409);
    expect(second.json).toMatchObject({ code: 'quarantine_cell_exists', details: { cellId: quarantine.json['id'] } });

    const sameName = await call('POST', url, operatorAuth, { name: 'noisy', brokerIds: [3, 6, 9] });
    expect([sameName.status, sameName.json['code']]).toEqual([409, 'cell_name_taken']);

    // Refusals changed nothing: brokers 3, 6, 9 are still free, and take the next default name.
    const last = await call('POST', url, operatorAuth, { brokerIds: [3, 6, 9] });
    expect(last.status).toBe(201);
    expect(last.json['name']).toBe('cell-2');

    const view = (await call('GET', `/v1/kafka-clusters/${id}`, operatorAuth)).json as unknown as KafkaClusterView;
    expect(view.cells.map((c) => [c.name, c.quarantine, c.brokerIds])).toEqual([
      ['cell-1', false, [1, 4, 7]],
      ['cell-2', false, [3, 6, 9]],
      ['noisy', true, [2, 5, 8]],
    ]);
    for (const broker of view.brokers) expect(broker.cellId).toBe(view.cells.find((c) => c.brokerIds.includes(broker.id))?.id);
    expect(await stack.deps.prisma.auditEvent.count({ where: { action: 'cell.create', clusterId: id } })).toBe(3);
  });

  it('two concurrent quarantine cells: the partial unique index lets exactly one in', async () => {
    const id = await seedCluster(['az1', 'az1', 'az2', 'az2', 'az3', 'az3']);
    const url = `/v1/kafka-clusters/${id}/cells`;
    const results = await Promise.all([
      call('POST', url, operatorAuth, { name: 'q-a', brokerIds: [1, 3, 5], quarantine: true }),
      call('POST', url, operatorAuth, { name: 'q-b', brokerIds: [2, 4, 6], quarantine: true }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(results.find((r) => r.status === 409)?.json['code']).toBe('quarantine_cell_exists');
    expect(await stack.deps.prisma.cell.count({ where: { clusterId: id } })).toBe(1);
    expect(await stack.deps.prisma.broker.count({ where: { clusterId: id, cellId: { not: null } } })).toBe(3);
  });

  it("counts a cell's committed CKUs from its logical clusters that are not DELETED", async () => {
    const id = await seedCluster(['az1', 'az2', 'az3', 'az1', 'az2', 'az3']);
    const laid = await call('POST', `/v1/kafka-clusters/${id}/cells/layout`, operatorAuth, {});
    const [cellA] = laid.json['cells'] as CellView[];
    const tenant = await createTenant(stack.app);
    // FAILED and DELETED rows: nothing (worker, reconciler, usage sampler) picks them up.
    for (const [status, ckus] of [['FAILED', 2], ['DELETED', 3]] as const) {
      const lkc = `lkc-${randomBytes(3).toString('hex')}`;
      await stack.deps.prisma.logicalCluster.create({
        data: {
          id: lkc,
          tenantId: tenant.id,
          physicalClusterId: id,
          cellId: String(cellA?.id),
          name: uniqueName('lc'),
          ckus,
          region: 'seeded',
          status,
          topicPrefix: `${lkc}.`,
          principalPasswordEncrypted: encryptSecret('x', stack.deps.secretKey),
          ...(status === 'DELETED' ? { deletedAt: new Date() } : {}),
        },
      });
    }
    const cells = (await call('GET', `/v1/kafka-clusters/${id}/cells`, operatorAuth)).json['cells'] as CellView[];
    expect(cells.map((c) => [c.name, c.capacityCkus, c.committedCkus])).toEqual([
      ['cell-1', 12, 2],
      ['cell-2', 12, 0],
    ]);
  });

  it('answers 404 kafka_cluster_not_found for an unknown cluster', async () => {
    for (const [method, url, body] of [
      ['GET', '/v1/kafka-clusters/nope'],
      ['GET', '/v1/kafka-clusters/nope/cells'],
      ['POST', '/v1/kafka-clusters/nope/cells', { brokerIds: [1] }],
      ['POST', '/v1/kafka-clusters/nope/cells/layout', {}],
      ['POST', '/v1/kafka-clusters/nope/refresh'],
    ] as const) {
      const response = await call(method, url, operatorAuth, body);
      expect({ url, status: response.status, code: response.json['code'] }).toEqual({ url, status: 404, code: 'kafka_cluster_not_found' });
    }
  });
});

describe('Idempotency-Key', () => {
  it('replays POST /v1/tenants: same id, same token, one tenant row', async () => {
    const key = uniqueName('key');
    const name = uniqueName('idem');
    const headers = { ...operatorAuth, 'idempotency-key': key };
    const first = await call('POST', '/v1/tenants', headers, { name });
    const second = await call('POST', '/v1/tenants', headers, { name });
    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(second.status).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.headers['content-type']).toContain('application/json');
    expect(second.json).toEqual(first.json);
    expect(await stack.deps.prisma.tenant.count({ where: { name } })).toBe(1);
    expect(await stack.deps.prisma.apiToken.count({ where: { tenantId: String(first.json['id']) } })).toBe(1);
    // The recorded response holds the token, so it is sealed, not stored in clear.
    const record = await stack.deps.prisma.idempotencyRecord.findUniqueOrThrow({ where: { scope_key: { scope: 'operator', key } } });
    expect(record.responseStatus).toBe(201);
    expect(JSON.stringify(record)).not.toContain(String(first.json['token']).slice(4));
    expect(record.expiresAt.getTime() - record.createdAt.getTime()).toBe(24 * 60 * 60 * 1000);
  });

  it('replays a recorded 4xx too', async () => {
    const tenant = await createTenant(stack.app);
    const headers = { ...operatorAuth, 'idempotency-key': uniqueName('key') };
    const first = await call('POST', '/v1/tenants', headers, { name: tenant.name });
    const second = await call('POST', '/v1/tenants', headers, { name: tenant.name });
    expect([first.status, first.json['code']]).toEqual([409, 'tenant_name_taken']);
    expect(second.status).toBe(409);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.headers['content-type']).toContain('application/problem+json');
    expect(second.json).toEqual(first.json);
  });

  it('answers 422 idempotency_key_reused for the same key with another body, and creates nothing', async () => {
    const headers = { ...operatorAuth, 'idempotency-key': uniqueName('key') };
    const first = await call('POST', '/v1/tenants', headers, { name: uniqueName('one') });
    expect(first.status).toBe(201);
    const otherName = uniqueName('two');
    const second = await call('POST', '/v1/tenants', headers, { name: otherName });
    expect([second.status, second.json['code']]).toEqual([422, 'idempotency_key_reused']);
    expect(await stack.deps.prisma.tenant.count({ where: { name: otherName } })).toBe(0);
    const elsewhere = await call('POST', `/v1/kafka-clusters/${cluster.clusterId}/refresh`, headers);
    expect([elsewhere.status, elsewhere.json['code']]).toEqual([422, 'idempotency_key_reused']);
  });

  it('scopes keys per principal: the same key from two tenants and the operator runs three times', async () => {
    const [a, b] = [await createTenant(stack.app), await createTenant(stack.app)];
    const key = uniqueName('shared-key');
    const tag = uniqueName('scoped');
    const responses = [];
    for (const auth of [a.auth, b.auth, operatorAuth, a.auth]) {
      responses.push(await call('POST', '/v1/test/echo', { ...auth, 'idempotency-key': key }, { tag }));
    }
    expect(echoRuns.get(tag)).toBe(3);
    expect(responses.map((r) => r.json['run'])).toEqual([1, 2, 3, 1]);
    expect(responses.map((r) => r.headers['idempotent-replayed'])).toEqual([undefined, undefined, undefined, 'true']);
    expect(responses[3]?.json).toEqual(responses[0]?.json);
    const scopes = (await stack.deps.prisma.idempotencyRecord.findMany({ where: { key }, orderBy: { createdAt: 'asc' } })).map((r) => r.scope);
    expect(scopes.sort()).toEqual(['operator', `tenant:${a.id}`, `tenant:${b.id}`].sort());
  });

  it('answers 409 idempotency_request_in_flight while the first request runs, then replays it', async () => {
    const headers = { ...operatorAuth, 'idempotency-key': uniqueName('key') };
    const tag = uniqueName('slow');
    let release = () => {};
    holdEcho = new Promise<void>((resolve) => {
      release = resolve;
    });
    const first = call('POST', '/v1/test/echo', headers, { tag });
    while ((echoRuns.get(tag) ?? 0) === 0) await new Promise((r) => setTimeout(r, 10));
    const duplicate = await call('POST', '/v1/test/echo', headers, { tag });
    expect([duplicate.status, duplicate.json['code']]).toEqual([409, 'idempotency_request_in_flight']);
    holdEcho = undefined;
    release();
    expect((await first).status).toBe(201);
    const replayed = await call('POST', '/v1/test/echo', headers, { tag });
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    expect(echoRuns.get(tag)).toBe(1);
  });

  it('does not record a 5xx: the retry runs again', async () => {
    const headers = { ...operatorAuth, 'idempotency-key': uniqueName('key') };
    const tag = uniqueName('flaky');
    failEchoOnce = true;
    const failed = await call('POST', '/v1/test/echo', headers, { tag });
    expect(failed.status).toBe(500);
    const retried = await call('POST', '/v1/test/echo', headers, { tag });
    expect(retried.status).toBe(201);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
    expect(echoRuns.get(tag)).toBe(2);
  });

  it('treats an expired record, or one abandoned in flight by a dead process, as absent', async () => {
    const hour = 60 * 60 * 1000;
    const stale = [
      { key: uniqueName('expired'), requestHash: 'x'.repeat(64), responseStatus: 201, createdAt: new Date(Date.now() - 25 * hour), expiresAt: new Date(Date.now() - hour) },
      { key: uniqueName('abandoned'), requestHash: 'y'.repeat(64), responseStatus: null, createdAt: new Date(Date.now() - hour), expiresAt: new Date(Date.now() + 23 * hour) },
    ];
    for (const record of stale) {
      await stack.deps.prisma.idempotencyRecord.create({ data: { scope: 'operator', ...record } });
      const tag = uniqueName('stale');
      const response = await call('POST', '/v1/test/echo', { ...operatorAuth, 'idempotency-key': record.key }, { tag });
      expect(response.status).toBe(201);
      expect(response.headers['idempotent-replayed']).toBeUndefined();
      expect(echoRuns.get(tag)).toBe(1);
      const now = await stack.deps.prisma.idempotencyRecord.findUniqueOrThrow({ where: { scope_key: { scope: 'operator', key: record.key } } });
      expect(now.responseStatus).toBe(201);
      expect(now.requestHash).not.toBe(record.requestHash);
    }
  });

  it('answers 400 idempotency_key_invalid for an overlong or non-printable key, and runs nothing', async () => {
    const tag = uniqueName('bad-key');
    for (const key of ['k'.repeat(256), 'tab\there']) {
      const response = await call('POST', '/v1/test/echo', { ...operatorAuth, 'idempotency-key': key }, { tag });
      expect([response.status, response.json['code']]).toEqual([400, 'idempotency_key_invalid']);
    }
    expect(echoRuns.get(tag)).toBeUndefined();
  });
});
