import { limitsFor } from '@cellar/ckus';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemSchema } from '../plugins/problem-details.plugin';
import type { TenancyDeps } from '../tenancy-deps';
import { cellCapacities, cellView, cellViewSchema } from './kafka-cluster.view';
import { operatorOnly } from './operator-only';
import { throughputOf } from './usage.view';

const logicalClusterUsage = z.object({
  id: z.string(),
  name: z.string(),
  tenantId: z.string(),
  tenantName: z.string(),
  status: z.string(),
  ckus: z.number().int(),
  at: z.iso.datetime().nullable().meta({ description: 'The latest usage sample; null before the first.' }),
  ingressBytesPerSecond: z.object({ used: z.number().nullable(), limit: z.number() }),
  egressBytesPerSecond: z.object({ used: z.number().nullable(), limit: z.number() }),
  partitions: z.object({ used: z.number().int(), limit: z.number().int() }),
});

const cellUsageSchema = z
  .object({
    clusterId: z.string(),
    cells: z.array(cellViewSchema.extend({ logicalClusters: z.array(logicalClusterUsage) })),
  })
  .meta({ id: 'CellUsage' });

/**
 * GET /v1/kafka-clusters/:id/cell-usage (operators): each cell's CKUs committed against its
 * capacity, and each tenant's logical cluster in it with its throughput and partitions
 * against its CKU limits: what the dashboard shows per cell.
 */
export const cellUsageRoutes: FastifyPluginAsyncZod<TenancyDeps> = async (app, { prisma, ckuProfile }) => {
  app.addHook('onRequest', operatorOnly);
  app.get(
    '/v1/kafka-clusters/:id/cell-usage',
    {
      schema: {
        summary: "Tenants per cell: CKUs committed against capacity, each logical cluster's use against its limits",
        tags: ['fleet'],
        params: z.object({ id: z.string().min(1).max(64) }),
        response: { 200: cellUsageSchema, 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema },
      },
    },
    async (request) => {
      const clusterId = request.params.id;
      const cells = await cellCapacities(prisma, clusterId);
      const logicalClusters = await prisma.logicalCluster.findMany({
        where: { physicalClusterId: clusterId, status: { not: 'DELETED' } },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        include: {
          tenant: { select: { name: true } },
          topics: { select: { partitions: true } },
          usageSamples: { orderBy: { at: 'desc' }, take: 2, select: { at: true, bytesIn: true, bytesOut: true } },
        },
      });
      return {
        clusterId,
        cells: cells.map((cell) => ({
          ...cellView(cell),
          logicalClusters: logicalClusters
            .filter((lc) => lc.cellId === cell.id)
            .map((lc) => {
              const limits = limitsFor(ckuProfile, lc.ckus);
              const throughput = throughputOf(lc.usageSamples);
              return {
                id: lc.id,
                name: lc.name,
                tenantId: lc.tenantId,
                tenantName: lc.tenant.name,
                status: lc.status,
                ckus: lc.ckus,
                at: lc.usageSamples[0]?.at.toISOString() ?? null,
                ingressBytesPerSecond: { used: throughput?.ingressBytesPerSecond ?? null, limit: limits.ingressBytesPerSecond },
                egressBytesPerSecond: { used: throughput?.egressBytesPerSecond ?? null, limit: limits.egressBytesPerSecond },
                partitions: { used: lc.topics.reduce((sum, t) => sum + t.partitions, 0), limit: limits.partitions },
              };
            }),
        })),
      };
    },
  );
};
