// The generated Prisma client: PrismaClient, the Prisma namespace, model types and enums.
export * from './generated/client';
export { createPrismaClient } from './client';
export { migrateDatabase, redactUrl } from './migrate';
export { createDatabase, dropDatabase, quoteDatabaseName } from './database-admin';
export { createMigrationAdapter } from './migration-adapter';
export { encryptSecret, decryptSecret, parseSecretKey, type SecretKey } from './secret-box';
export { newToken, hashToken, tokenDisplayPrefix } from './tokens';
export { DbError, type DbErrorCode } from './errors';
