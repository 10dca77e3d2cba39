import { testStack, uniqueName } from '@cellar/test-support';
import type { CellarApp } from '../../src/app';
import type { CellView, KafkaClusterView } from '../../src/routes/kafka-cluster.view';
import { operatorAuth } from '../../src/test-fixtures';

/** The name and region the test stack's Kafka is registered under. */
export const TEST_CLUSTER_NAME = 'local-test';
export const TEST_REGION = 'local';
export const TEST_CKUS_PER_BROKER = 4;

export interface TestCluster {
  clusterId: string;
  /** cell-1 (regular: one broker per rack az1/az2/az3) and cell-2 (quarantine). */
  cells: CellView[];
  view: KafkaClusterView;
}

async function call(app: CellarApp, method: 'GET' | 'POST', url: string, body?: unknown) {
  const response = await app.inject({ method, url, headers: operatorAuth, ...(body === undefined ? {} : { payload: body as object }) });
  return { status: response.statusCode, json: response.json() as Record<string, unknown> };
}

function fail(what: string, result: { status: number; json: unknown }): never {
  throw new Error(`${what} answered ${result.status}: ${JSON.stringify(result.json)}`);
}

async function findRegistered(app: CellarApp): Promise<KafkaClusterView | undefined> {
  const list = await call(app, 'GET', '/v1/kafka-clusters');
  if (list.status !== 200) fail('GET /v1/kafka-clusters', list);
  const clusters = list.json['kafkaClusters'] as KafkaClusterView[];
  const kafkaClusterId = testStack().kafka.clusterId;
  return clusters.find((c) => c.kafkaClusterId === kafkaClusterId) ?? clusters.find((c) => c.name === TEST_CLUSTER_NAME);
}

/**
 * The test stack's Kafka registered through the API with the default cells laid out, whether
 * this spec file or an earlier one (same database, another process) did it first.
 */
export async function ensureTestCluster(app: CellarApp): Promise<TestCluster> {
  let cluster = await findRegistered(app);
  if (!cluster) {
    const kafka = testStack().kafka;
    const registered = await call(app, 'POST', '/v1/kafka-clusters', {
      name: TEST_CLUSTER_NAME,
      region: TEST_REGION,
      bootstrapServers: kafka.bootstrapServers,
      adminSasl: { mechanism: 'SCRAM-SHA-512', username: kafka.admin.username, password: kafka.admin.password },
      ckusPerBroker: TEST_CKUS_PER_BROKER,
      brokerMetrics: kafka.brokers.map((b) => ({ brokerId: b.nodeId, url: b.metricsUrl })),
    });
    if (registered.status === 201) cluster = registered.json as unknown as KafkaClusterView;
    else if (registered.json['code'] === 'kafka_cluster_already_registered') cluster = await findRegistered(app);
    if (!cluster) fail('POST /v1/kafka-clusters', registered);
  }
  if (cluster.cells.length === 0) {
    const layout = await call(app, 'POST', `/v1/kafka-clusters/${cluster.id}/cells/layout`, { quarantine: true });
    if (layout.status !== 201 && layout.json['code'] !== 'cells_already_laid_out') fail('POST .../cells/layout', layout);
  }
  const fresh = await call(app, 'GET', `/v1/kafka-clusters/${cluster.id}`);
  if (fresh.status !== 200) fail(`GET /v1/kafka-clusters/${cluster.id}`, fresh);
  const view = fresh.json as unknown as KafkaClusterView;
  return { clusterId: view.id, cells: view.cells, view };
}

export interface TestTenant {
  id: string;
  name: string;
  token: string;
  /** Headers for app.inject(): `{ authorization: 'Bearer ctk_...' }`. */
  auth: { authorization: string };
}

/** A new tenant with a name no other test uses, and its token. */
export async function createTenant(app: CellarApp, name: string = uniqueName('tenant')): Promise<TestTenant> {
  const created = await call(app, 'POST', '/v1/tenants', { name });
  if (created.status !== 201) fail('POST /v1/tenants', created);
  const { id, token } = created.json as { id: string; token: string };
  return { id, name, token, auth: { authorization: `Bearer ${token}` } };
}
