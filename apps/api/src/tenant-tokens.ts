import { hashToken, type PrismaClient } from '@cellar/db';
import type { ResolveTenantToken } from './plugins/auth.plugin';

/** Tenant tokens are looked up by their sha256; revoked tokens resolve to nothing. */
export function tenantTokenResolver(prisma: PrismaClient): ResolveTenantToken {
  return async (token) => {
    const row = await prisma.apiToken.findUnique({ where: { tokenHash: hashToken(token) }, select: { tenantId: true, revokedAt: true } });
    if (!row || row.revokedAt !== null) return undefined;
    return { kind: 'tenant', tenantId: row.tenantId };
  };
}
