import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DbError } from './errors';

/** The repository root: prisma.config.ts, prisma/schema.prisma and prisma/migrations. */
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

const MIGRATE_TIMEOUT_MS = 120_000;

/**
 * Applies every pending migration in prisma/migrations to `databaseUrl` by running
 * `prisma migrate deploy` (the CLI from node_modules, on this Node) from the repository
 * root. Idempotent: a migrated database is left as it is.
 */
export async function migrateDatabase(databaseUrl: string): Promise<void> {
  const args = [prismaCli(), 'migrate', 'deploy', '--config', join(repoRoot, 'prisma.config.ts')];
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    // No version check or telemetry: they need the network and only slow the run down.
    CHECKPOINT_DISABLE: '1',
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
  };
  await new Promise<void>((resolve, reject) => {
    execFile(process.execPath, args, { cwd: repoRoot, env, timeout: MIGRATE_TIMEOUT_MS }, (error, stdout, stderr) => {
      if (!error) {
        resolve();
        return;
      }
      const output = `${stderr}`.trim() || `${stdout}`.trim();
      reject(
        new DbError('MIGRATION_FAILED', `prisma migrate deploy failed for ${redactUrl(databaseUrl)}:\n${output}`, {
          cause: error,
          details: { stderr: `${stderr}`, stdout: `${stdout}` },
        }),
      );
    });
  });
}

function prismaCli(): string {
  const require = createRequire(import.meta.url);
  const packageJson = require.resolve('prisma/package.json');
  const bin = (require(packageJson) as { bin: { prisma: string } }).bin.prisma;
  return join(dirname(packageJson), bin);
}

/** The URL without its password, for messages and logs. */
export function redactUrl(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '<unparseable database url>';
  }
}
