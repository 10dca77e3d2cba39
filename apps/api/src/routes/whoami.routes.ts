import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { principalOf, principalSchema } from '../plugins/auth.plugin';
import { problemSchema } from '../plugins/problem-details.plugin';

export const whoamiRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/v1/whoami',
    {
      schema: {
        summary: 'The principal the bearer token stands for',
        tags: ['auth'],
        response: { 200: principalSchema, 401: problemSchema },
      },
    },
    async (request) => principalOf(request),
  );
};
