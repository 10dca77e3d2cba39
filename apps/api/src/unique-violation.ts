import { Prisma } from '@cellar/db';

/**
 * When `error` is a unique-constraint violation (Prisma P2002), the columns or index that
 * clashed, as far as the driver adapter reports them (possibly none); otherwise undefined.
 * Through @prisma/adapter-pg the constraint sits in meta.driverAdapterError.cause.constraint
 * as `{fields}` or `{index}`; the classic engines put it in meta.target.
 */
export function uniqueViolation(error: unknown): string[] | undefined {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError) || error.code !== 'P2002') return undefined;
  const meta = (error.meta ?? {}) as {
    target?: unknown;
    driverAdapterError?: { cause?: { constraint?: { fields?: unknown; index?: unknown } } };
  };
  const constraint = meta.driverAdapterError?.cause?.constraint;
  const names: unknown[] = [];
  if (Array.isArray(constraint?.fields)) names.push(...(constraint.fields as unknown[]));
  if (constraint?.index !== undefined) names.push(constraint.index);
  if (Array.isArray(meta.target)) names.push(...(meta.target as unknown[]));
  else if (meta.target !== undefined) names.push(meta.target);
  return names.filter((name): name is string => typeof name === 'string');
}

/** True when `error` is any unique-constraint violation (Prisma P2002). */
export function isUniqueViolation(error: unknown): boolean {
  return uniqueViolation(error) !== undefined;
}

/** True when `error` is a unique violation whose reported columns or index mention `column`. */
export function violatesUnique(error: unknown, column: string): boolean {
  return uniqueViolation(error)?.some((name) => name.includes(column)) ?? false;
}
