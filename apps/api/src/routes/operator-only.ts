import { CellarError } from '@cellar/common';
import type { FastifyRequest } from 'fastify';
import { principalOf } from '../plugins/auth.plugin';

/** The audit `actor` of operator requests. */
export const OPERATOR_ACTOR = 'operator';

/**
 * Throws 403 `forbidden` unless the request acts for an operator. Fleet and tenant
 * management are operator-only: a tenant token is valid here, just not allowed.
 */
export function requireOperator(request: FastifyRequest): void {
  if (principalOf(request).kind !== 'operator') {
    throw new CellarError('forbidden', 'Only an operator may use this route.', { status: 403 });
  }
}

/**
 * As an `onRequest` hook of a route plugin: it runs after the auth plugin's, before the
 * body is parsed, so a tenant learns nothing about the route's validation rules.
 */
export async function operatorOnly(request: FastifyRequest): Promise<void> {
  requireOperator(request);
}
