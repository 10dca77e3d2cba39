import pg from 'pg';
import { DbError } from './errors';

// PostgreSQL truncates longer identifiers silently, which would make two names collide.
const MAX_IDENTIFIER_BYTES = 63;
const DATABASE_NAME = /^[A-Za-z0-9_-]+$/;

/**
 * Creates database `name` through `adminUrl` (any database the user can connect to).
 * With `template`, a copy of that database: migrating one template once and copying it
 * per test is much faster than migrating every copy.
 */
export async function createDatabase(adminUrl: string, name: string, options: { template?: string } = {}): Promise<void> {
  const template = options.template === undefined ? '' : ` TEMPLATE ${quoteDatabaseName(options.template)}`;
  await withClient(adminUrl, (client) => client.query(`CREATE DATABASE ${quoteDatabaseName(name)}${template}`));
}

/**
 * Drops database `name` if it exists, disconnecting whoever still uses it: test runs and
 * shadow databases must go even when a pool was not closed.
 */
export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  await withClient(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${quoteDatabaseName(name)} WITH (FORCE)`));
}

/** `name` as a quoted identifier; only plain names are accepted, so nothing needs escaping. */
export function quoteDatabaseName(name: string): string {
  if (!DATABASE_NAME.test(name) || Buffer.byteLength(name) > MAX_IDENTIFIER_BYTES) {
    throw new DbError(
      'INVALID_DATABASE_NAME',
      `database name ${JSON.stringify(name)} must be 1 to ${MAX_IDENTIFIER_BYTES} letters, digits, "_" or "-"`,
    );
  }
  return `"${name}"`;
}

async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}
