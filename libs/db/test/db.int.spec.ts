import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Prisma,
  createDatabase,
  createPrismaClient,
  decryptSecret,
  dropDatabase,
  encryptSecret,
  hashToken,
  migrateDatabase,
  newToken,
  tokenDisplayPrefix,
  type PrismaClient,
} from '../src/index';

// A fresh database per run, on the PostgreSQL the tests share.
const adminUrl = process.env['CELLAR_TEST_DATABASE_ADMIN_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const databaseName = `cellar_db_int_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
const databaseUrl = (() => {
  const url = new URL(adminUrl);
  url.pathname = `/${databaseName}`;
  return url.toString();
})();

let prisma: PrismaClient;

beforeAll(async () => {
  await createDatabase(adminUrl, databaseName);
  await migrateDatabase(databaseUrl);
  prisma = createPrismaClient(databaseUrl);
}, 120_000);

afterAll(async () => {
  await prisma?.$disconnect();
  await dropDatabase(adminUrl, databaseName);
});

/** The Prisma error code of a rejected write (P2002 is a unique constraint violation). */
async function prismaErrorCode(write: Promise<unknown>): Promise<string | undefined> {
  try {
    await write;
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError) return error.code;
    throw error;
  }
  return undefined;
}

describe('the migrated schema', () => {
  it('applies again as a no-op', async () => {
    await migrateDatabase(databaseUrl);
  }, 120_000);

  it('stores and reads a tenant, a physical cluster with cells and brokers, and a logical cluster', async () => {
    const secretKey = randomBytes(32);
    const token = newToken('ctk');
    const tenant = await prisma.tenant.create({
      data: { name: 'acme', apiTokens: { create: { tokenHash: hashToken(token), prefix: tokenDisplayPrefix(token) } } },
    });
    const cluster = await prisma.physicalCluster.create({
      data: {
        name: 'pkc-eu-1',
        region: 'eu-west-1',
        bootstrapServers: ['127.0.0.1:9092', '127.0.0.1:9093'],
        adminSaslMechanism: 'SCRAM_SHA_512',
        adminSaslUsername: 'admin',
        adminSaslPasswordEncrypted: encryptSecret('admin-secret', secretKey),
        status: 'ACTIVE',
      },
    });
    const cell = await prisma.cell.create({ data: { clusterId: cluster.id, name: 'cell-0' } });
    await prisma.broker.createMany({
      data: [1, 2, 3].map((nodeId) => ({
        clusterId: cluster.id,
        nodeId,
        host: '127.0.0.1',
        port: 9091 + nodeId,
        rack: `az${nodeId}`,
        cellId: cell.id,
      })),
    });
    await prisma.broker.update({
      where: { clusterId_nodeId: { clusterId: cluster.id, nodeId: 2 } },
      data: { healthState: 'STORAGE_STALLED', healthSince: new Date('2026-01-01T00:00:00Z') },
    });
    await prisma.logicalCluster.create({
      data: {
        id: 'lkc-7f3k2q',
        tenantId: tenant.id,
        physicalClusterId: cluster.id,
        cellId: cell.id,
        name: 'orders',
        ckus: 2,
        region: 'eu-west-1',
        topicPrefix: 'lkc-7f3k2q.',
        principalPasswordEncrypted: 'v1.not.a.real.blob',
      },
    });

    const read = await prisma.physicalCluster.findUniqueOrThrow({
      where: { name: 'pkc-eu-1' },
      include: { cells: { include: { brokers: { orderBy: { nodeId: 'asc' } } } }, logicalClusters: true },
    });
    expect(read.bootstrapServers).toEqual(['127.0.0.1:9092', '127.0.0.1:9093']);
    expect(decryptSecret(read.adminSaslPasswordEncrypted ?? '', secretKey)).toBe('admin-secret');
    expect(read.cells).toHaveLength(1);
    expect(read.cells[0]?.brokers.map((b) => [b.nodeId, b.rack, b.healthState])).toEqual([
      [1, 'az1', 'HEALTHY'],
      [2, 'az2', 'STORAGE_STALLED'],
      [3, 'az3', 'HEALTHY'],
    ]);
    expect(read.cells[0]?.brokers[1]?.healthSince.toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(read.logicalClusters).toEqual([
      expect.objectContaining({ id: 'lkc-7f3k2q', tenantId: tenant.id, status: 'PROVISIONING', version: 0, deletedAt: null }),
    ]);
    const tokenRow = await prisma.apiToken.findUniqueOrThrow({ where: { tokenHash: hashToken(token) }, include: { tenant: true } });
    expect(tokenRow.tenant.name).toBe('acme');
  });

  it('compare-and-sets a logical cluster on its version', async () => {
    const claim = () =>
      prisma.logicalCluster.updateMany({
        where: { id: 'lkc-7f3k2q', version: 0 },
        data: { status: 'READY', provisioningStep: 'done', version: { increment: 1 } },
      });
    expect((await claim()).count).toBe(1);
    expect((await claim()).count).toBe(0);
  });

  it('rejects duplicates of every unique key', async () => {
    const cluster = await prisma.physicalCluster.findUniqueOrThrow({ where: { name: 'pkc-eu-1' }, include: { cells: true } });
    const cell = cluster.cells[0]!;
    const tenant = await prisma.tenant.findUniqueOrThrow({ where: { name: 'acme' } });
    const token = await prisma.apiToken.findFirstOrThrow({ where: { tenantId: tenant.id } });

    expect(await prismaErrorCode(prisma.tenant.create({ data: { name: 'acme' } }))).toBe('P2002');
    expect(
      await prismaErrorCode(prisma.apiToken.create({ data: { tenantId: tenant.id, tokenHash: token.tokenHash, prefix: 'ctk_x' } })),
    ).toBe('P2002');
    expect(
      await prismaErrorCode(prisma.physicalCluster.create({ data: { name: 'pkc-eu-1', region: 'eu-west-2', bootstrapServers: [] } })),
    ).toBe('P2002');
    expect(await prismaErrorCode(prisma.cell.create({ data: { clusterId: cluster.id, name: 'cell-0' } }))).toBe('P2002');
    expect(
      await prismaErrorCode(prisma.broker.create({ data: { clusterId: cluster.id, nodeId: 1, host: 'other', port: 1 } })),
    ).toBe('P2002');

    // Logical cluster names are unique per tenant among the clusters not deleted.
    const logicalCluster = (id: string) => ({
      id,
      tenantId: tenant.id,
      physicalClusterId: cluster.id,
      cellId: cell.id,
      name: 'orders',
      ckus: 1,
      region: 'eu-west-1',
      topicPrefix: `${id}.`,
      principalPasswordEncrypted: 'v1.not.a.real.blob',
    });
    expect(await prismaErrorCode(prisma.logicalCluster.create({ data: logicalCluster('lkc-dup001') }))).toBe('P2002');
    await prisma.logicalCluster.update({ where: { id: 'lkc-7f3k2q' }, data: { status: 'DELETED', deletedAt: new Date() } });
    await prisma.logicalCluster.create({ data: logicalCluster('lkc-dup001') });

    await prisma.topic.create({ data: { logicalClusterId: 'lkc-dup001', name: 'payments', partitions: 3, replicationFactor: 3 } });
    expect(
      await prismaErrorCode(
        prisma.topic.create({ data: { logicalClusterId: 'lkc-dup001', name: 'payments', partitions: 1, replicationFactor: 1 } }),
      ),
    ).toBe('P2002');

    await prisma.credential.create({ data: { logicalClusterId: 'lkc-dup001', apiKey: 'KEYAAAA' } });
    expect(await prismaErrorCode(prisma.credential.create({ data: { logicalClusterId: 'lkc-7f3k2q', apiKey: 'KEYAAAA' } }))).toBe(
      'P2002',
    );

    const expiresAt = new Date(Date.now() + 86_400_000);
    await prisma.idempotencyRecord.create({ data: { scope: tenant.id, key: 'k1', requestHash: 'h', expiresAt } });
    expect(
      await prismaErrorCode(prisma.idempotencyRecord.create({ data: { scope: tenant.id, key: 'k1', requestHash: 'h2', expiresAt } })),
    ).toBe('P2002');
    await prisma.idempotencyRecord.create({ data: { scope: 'operator', key: 'k1', requestHash: 'h', expiresAt } });
  });

  it('allows one quarantine cell per physical cluster', async () => {
    const cluster = await prisma.physicalCluster.findUniqueOrThrow({ where: { name: 'pkc-eu-1' } });
    await prisma.cell.create({ data: { clusterId: cluster.id, name: 'quarantine-a', quarantine: true } });
    await prisma.cell.create({ data: { clusterId: cluster.id, name: 'cell-1' } });
    expect(
      await prismaErrorCode(prisma.cell.create({ data: { clusterId: cluster.id, name: 'quarantine-b', quarantine: true } })),
    ).toBe('P2002');
  });

  it('records audit events with JSON details', async () => {
    await prisma.auditEvent.create({
      data: {
        correlationId: 'req-1',
        actor: 'detector',
        action: 'broker.demote',
        subjectType: 'broker',
        subjectId: '2',
        clusterId: 'pkc-eu-1',
        details: { state: 'STORAGE_STALLED', movedLeaders: 12 },
      },
    });
    const [event] = await prisma.auditEvent.findMany({ where: { subjectType: 'broker', subjectId: '2' }, orderBy: { at: 'desc' } });
    expect(event?.details).toEqual({ state: 'STORAGE_STALLED', movedLeaders: 12 });
  });

  // Last: a template must have no other connection, so this closes the client.
  it('copies a migrated database as a template', async () => {
    await prisma.$disconnect();
    const copyName = `${databaseName}_copy`;
    const copyUrl = new URL(databaseUrl);
    copyUrl.pathname = `/${copyName}`;
    await createDatabase(adminUrl, copyName, { template: databaseName });
    const copy = createPrismaClient(copyUrl.toString());
    try {
      expect(await copy.tenant.count({ where: { name: 'acme' } })).toBe(1);
    } finally {
      await copy.$disconnect();
      await dropDatabase(adminUrl, copyName);
    }
  });
});
