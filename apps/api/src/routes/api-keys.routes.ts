import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { TenancyDeps } from '../tenancy-deps';

export const apiKeysRoutes: FastifyPluginAsyncZod<TenancyDeps> = async () => {
  // TODO(issue 3)
};
