import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/client';

/**
 * A Prisma client on the pg driver adapter (Prisma's query compiler runs in WASM, no
 * native engine). The caller owns it and calls `$disconnect()` on shutdown.
 */
export function createPrismaClient(databaseUrl: string): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl }) });
}
