import { hashToken, newToken, tokenDisplayPrefix } from '@cellar/db';
import { TenancyError } from '@cellar/tenancy';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemSchema } from '../plugins/problem-details.plugin';
import type { TenancyDeps } from '../tenancy-deps';
import { OPERATOR_ACTOR, operatorOnly } from './operator-only';
import { uniqueViolation } from '../unique-violation';

/** Tenant tokens read `ctk_<43 base64url characters>`. */
export const TENANT_TOKEN_PREFIX = 'ctk';

export const tenantNameSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and "-", starting with a letter or digit')
  .meta({ description: 'Unique across tenants.', example: 'acme' });

const tenantSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'Tenant', example: { id: 'cmbq3x2k40000v8l1f0h2a9zq', name: 'acme', createdAt: '2026-01-01T12:00:00.000Z' } });

const createdTenantSchema = tenantSchema
  .extend({
    token: z.string().meta({ description: "The tenant's bearer token. Shown only in this response; Cellar keeps only its sha256." }),
  })
  .meta({
    id: 'CreatedTenant',
    example: {
      id: 'cmbq3x2k40000v8l1f0h2a9zq',
      name: 'acme',
      createdAt: '2026-01-01T12:00:00.000Z',
      token: 'ctk_2mJ0kq9V4sQy1bW8cN5eR7tU3xZ6aD0fG4hJ2kL9pQ1',
    },
  });

const createTenantBodySchema = z.strictObject({ name: tenantNameSchema }).meta({ id: 'CreateTenant', example: { name: 'acme' } });
const tenantParamsSchema = z.object({ id: z.string().min(1).max(64) });

function tenantView(row: { id: string; name: string; createdAt: Date }): z.infer<typeof tenantSchema> {
  return { id: row.id, name: row.name, createdAt: row.createdAt.toISOString() };
}

/** Operator-only: create tenants (their token is shown once) and read them. */
export const tenantsRoutes: FastifyPluginAsyncZod<TenancyDeps> = async (app, { prisma }) => {
  app.addHook('onRequest', operatorOnly);

  app.post(
    '/v1/tenants',
    {
      schema: {
        summary: 'Create a tenant and its bearer token',
        description: 'The token is in this response only. Operator only.',
        tags: ['tenants'],
        body: createTenantBodySchema,
        response: { 201: createdTenantSchema, 400: problemSchema, 403: problemSchema, 409: problemSchema },
      },
    },
    async (request, reply) => {
      const { name } = request.body;
      const token = newToken(TENANT_TOKEN_PREFIX);
      try {
        const tenant = await prisma.$transaction(async (tx) => {
          const created = await tx.tenant.create({
            data: { name, apiTokens: { create: { tokenHash: hashToken(token), prefix: tokenDisplayPrefix(token) } } },
          });
          await tx.auditEvent.create({
            data: {
              correlationId: request.id,
              actor: OPERATOR_ACTOR,
              action: 'tenant.create',
              subjectType: 'tenant',
              subjectId: created.id,
              details: { name, tokenPrefix: tokenDisplayPrefix(token) },
            },
          });
          return created;
        });
        return reply.status(201).send({ ...tenantView(tenant), token });
      } catch (error) {
        if (uniqueViolation(error)?.some((column) => column.includes('name')) ?? false) {
          throw new TenancyError('tenant_name_taken', `A tenant named ${name} exists already.`, { details: { name } });
        }
        throw error;
      }
    },
  );

  app.get(
    '/v1/tenants',
    {
      schema: {
        summary: 'List tenants',
        description: 'Oldest first. Tokens are never shown again. Operator only.',
        tags: ['tenants'],
        response: { 200: z.object({ tenants: z.array(tenantSchema) }).meta({ id: 'TenantList' }), 403: problemSchema },
      },
    },
    async () => {
      const rows = await prisma.tenant.findMany({ orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
      return { tenants: rows.map(tenantView) };
    },
  );

  app.get(
    '/v1/tenants/:id',
    {
      schema: {
        summary: 'Read one tenant',
        tags: ['tenants'],
        params: tenantParamsSchema,
        response: { 200: tenantSchema, 403: problemSchema, 404: problemSchema },
      },
    },
    async (request) => {
      const row = await prisma.tenant.findUnique({ where: { id: request.params.id } });
      if (!row) throw new TenancyError('tenant_not_found', `No tenant ${request.params.id}.`);
      return tenantView(row);
    },
  );
};
