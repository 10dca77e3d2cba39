import { clusterLoadHistory, clusterLoadView, type BalancingDeps } from '@cellar/balancing';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemSchema } from '../plugins/problem-details.plugin';
import { requireKafkaCluster, type BalancerRoutesOptions } from './balancer-routes.deps';
import { operatorOnly } from './operator-only';

const brokerLoad = z.object({
  id: z.number().int(),
  cellId: z.string().nullable(),
  healthState: z.string(),
  load: z.number().meta({ description: '0..100: 100 × max(network in / capacity, network out / capacity, request-handler busy), smoothed.' }),
  bytesInPerSecond: z.number(),
  bytesOutPerSecond: z.number(),
  diskBytes: z.number(),
  requestHandlerBusy: z.number(),
  leaders: z.number().int(),
  replicas: z.number().int(),
});

const clusterLoad = z
  .object({
    clusterLoad: z.number().nullable().meta({ description: 'The most loaded broker (Kora); null before the first sample.' }),
    meanLoad: z.number().nullable(),
    maxOverMean: z.number().nullable(),
    sampledAt: z.iso.datetime().nullable(),
    brokers: z.array(brokerLoad),
    cells: z.array(z.object({ id: z.string(), name: z.string(), quarantine: z.boolean(), load: z.number(), meanLoad: z.number(), maxOverMean: z.number() })),
  })
  .meta({ id: 'ClusterLoad' });

const series = z.array(z.number().nullable());
const loadHistory = z
  .object({
    from: z.iso.datetime(),
    to: z.iso.datetime(),
    bucketSeconds: z.number().int().meta({ description: 'Each point is the highest sample of its bucket.' }),
    times: z.array(z.number().int()).meta({ description: 'Epoch seconds of each point; every series has one value per time (null: no sample).' }),
    cluster: series.meta({ description: 'The most loaded broker at each point.' }),
    cells: z.array(z.object({ id: z.string(), name: z.string(), quarantine: z.boolean(), load: series })),
    brokers: z.array(z.object({ id: z.number().int(), cellId: z.string().nullable(), load: series })),
  })
  .meta({ id: 'ClusterLoadHistory' });

const historyQuery = z.strictObject({
  minutes: z.coerce.number().int().min(1).max(24 * 60).default(60).meta({ description: 'How far back, up to the 24 h the samples are kept.' }),
  points: z.coerce.number().int().min(10).max(2_000).default(360).meta({ description: 'At most this many points per series.' }),
});

/** Load samples are taken every 10 s by default; a finer bucket would only show gaps. */
const MIN_BUCKET_SECONDS = 10;

/** GET /v1/kafka-clusters/:id/load: the latest smoothed load the balancer sampled (operators). */
export const loadRoutes: FastifyPluginAsyncZod<BalancerRoutesOptions & { balancing: BalancingDeps }> = async (app, { prisma }) => {
  app.addHook('onRequest', operatorOnly);
  app.get(
    '/v1/kafka-clusters/:id/load',
    {
      schema: {
        summary: "A Kafka cluster's load: per broker, per cell and for the cluster",
        description: 'From the balancer process\'s latest sampling round (LoadSample rows). A cell and the cluster are as loaded as their most loaded broker.',
        tags: ['balancer'],
        params: z.object({ id: z.string().min(1).max(64) }),
        response: { 200: clusterLoad, 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema },
      },
    },
    async (request) => {
      await requireKafkaCluster(prisma, request.params.id);
      return clusterLoadView(prisma, request.params.id);
    },
  );

  app.get(
    '/v1/kafka-clusters/:id/load/history',
    {
      schema: {
        summary: "A Kafka cluster's load over time: per broker, per cell and for the cluster",
        description: 'Columns for a chart, bucketed in PostgreSQL. A cell and the cluster are as loaded as their most loaded broker at each point.',
        tags: ['balancer'],
        params: z.object({ id: z.string().min(1).max(64) }),
        querystring: historyQuery,
        response: { 200: loadHistory, 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema },
      },
    },
    async (request) => {
      await requireKafkaCluster(prisma, request.params.id);
      const to = Date.now();
      return clusterLoadHistory(prisma, request.params.id, { from: to - request.query.minutes * 60_000, to, maxPoints: request.query.points, minBucketSeconds: MIN_BUCKET_SECONDS });
    },
  );
};
