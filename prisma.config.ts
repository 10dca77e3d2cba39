import { defineConfig } from 'prisma/config';

// Prisma 6.19 with the WASM schema engine and the pg driver adapter: migrate runs without
// the native engine binaries, which cannot be downloaded here (see prisma/README.md).
// The schema's env("DATABASE_URL") must resolve even for `prisma generate`, which never
// connects, so it defaults to the local development database.
process.env['DATABASE_URL'] ??= 'postgresql://postgres@127.0.0.1:5432/cellar';
const databaseUrl = process.env['DATABASE_URL'];

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  experimental: { adapter: true },
  engine: 'js',
  // adapter-pg with workarounds for two upstream bugs (prisma/prisma#27403 and its shadow
  // database), explained in that file. Imported only by the commands that connect, so
  // `prisma generate` (postinstall) does not depend on the libraries' code.
  adapter: async () => {
    const { createMigrationAdapter } = await import('./libs/db/src/migration-adapter');
    return createMigrationAdapter(databaseUrl);
  },
});
