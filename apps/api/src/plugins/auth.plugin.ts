import { createHash, timingSafeEqual } from 'node:crypto';
import { CellarError } from '@cellar/common';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { z } from 'zod';

export const principalSchema = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('operator') }),
    z.object({ kind: z.literal('tenant'), tenantId: z.string() }),
  ])
  .meta({ id: 'Principal' });
/** Who a request acts for: an operator (the configured token) or one tenant. */
export type Principal = z.infer<typeof principalSchema>;

/**
 * The seam for tenant tokens: given a bearer token that is not the operator's, return the
 * tenant it belongs to, or undefined. Until tenants exist, nothing resolves.
 */
export type ResolveTenantToken = (token: string) => Promise<Principal | undefined>;

export interface AuthPluginOptions {
  operatorToken: string;
  resolveTenantToken?: ResolveTenantToken;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth plugin on every non-public route; null on public ones. */
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** Serve without a bearer token (health, metrics, docs). */
    public?: boolean;
  }
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization ?? '');
  return match?.[1];
}

function unauthorized(detail: string): CellarError<'unauthorized'> {
  return new CellarError('unauthorized', detail, { status: 401 });
}

/** The principal of an authenticated request; throws 401 on a public route that has none. */
export function principalOf(request: FastifyRequest): Principal {
  if (request.principal === null) throw unauthorized('This route needs a bearer token.');
  return request.principal;
}

/**
 * `Authorization: Bearer <token>` on every route not marked `config.public`. The operator
 * token is compared as sha256 digests with timingSafeEqual: equal lengths, constant time.
 */
export const authPlugin = fp<AuthPluginOptions>(
  async (app, { operatorToken, resolveTenantToken = async () => undefined }) => {
    const operatorDigest = sha256(operatorToken);

    async function authenticate(token: string): Promise<Principal | undefined> {
      if (timingSafeEqual(sha256(token), operatorDigest)) return { kind: 'operator' };
      return resolveTenantToken(token);
    }

    app.decorateRequest('principal', null);

    app.addHook('onRequest', async (request, reply) => {
      if (request.routeOptions.config?.public === true) return;
      const token = bearerToken(request.headers.authorization);
      const principal = token === undefined ? undefined : await authenticate(token);
      if (principal === undefined) {
        reply.header('www-authenticate', 'Bearer realm="cellar"');
        throw unauthorized(token === undefined ? 'Send Authorization: Bearer <token>.' : 'The bearer token is not valid.');
      }
      request.principal = principal;
    });
  },
  { name: 'cellar-auth', fastify: '5.x', dependencies: ['cellar-problem-details'] },
);
