import { randomUUID } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import type pg from 'pg';
import { createDatabase, dropDatabase } from './database-admin';

/**
 * The driver adapter Prisma's WASM schema engine (migrate, db pull) runs on, from
 * prisma.config.ts. It is @prisma/adapter-pg 6.19 with two upstream bugs worked around;
 * the application's own client (createPrismaClient) needs neither.
 *
 * 1. The schema engine reads PostgreSQL catalogs, whose `name` and `"char"` columns
 *    adapter-pg cannot map to a column type: `Column type 'name' could not be
 *    deserialized from the database` on the very first query of `migrate deploy`
 *    (prisma/prisma#27403). pg already returns both as strings, so each new connection
 *    relabels those result columns as `text`, the type they are read as.
 * 2. adapter-pg's shadow database (used by `migrate dev` and `migrate diff
 *    --from-migrations`) connects with the caller's connection string, whose database
 *    name overrides the shadow one, so migrations are replayed on the real database;
 *    and it drops the shadow database while its own pool is still connected.
 *    connectToShadowDb is replaced by one that connects to the shadow database and
 *    drops it only after closing its pool.
 */
export function createMigrationAdapter(databaseUrl: string): PrismaPg {
  return new MigrationPrismaPg(databaseUrl);
}

const PG_TEXT = 25;
/** Catalog types the schema engine reads (`pg_class.relname`, `pg_constraint.contype`, ...). */
const CATALOG_TYPES_READ_AS_TEXT: ReadonlySet<number> = new Set([
  18, // "char"
  19, // name
]);

class MigrationPrismaPg extends PrismaPg {
  private readonly databaseUrl: string;

  constructor(databaseUrl: string) {
    super(poolConfig(databaseUrl));
    this.databaseUrl = databaseUrl;
  }

  override async connectToShadowDb(): ReturnType<PrismaPg['connectToShadowDb']> {
    const shadowName = `prisma_migrate_shadow_db_${randomUUID()}`;
    const shadowUrl = new URL(this.databaseUrl);
    shadowUrl.pathname = `/${shadowName}`;
    await createDatabase(this.databaseUrl, shadowName);
    const adapter = await new PrismaPg(poolConfig(shadowUrl.toString())).connect();
    const closePool = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      await closePool();
      await dropDatabase(this.databaseUrl, shadowName);
    };
    return adapter;
  }
}

function poolConfig(connectionString: string): pg.PoolConfig {
  return {
    connectionString,
    onConnect: readCatalogTypesAsText,
    // The CLI never closes the main pool: without this every prisma command waits out
    // pg's 10 s idle timeout before it exits. (`migrate deploy` still takes 10 s longer
    // than its work: the WASM engine leaves its advisory-lock timeout timer running.)
    allowExitOnIdle: true,
  };
}

/** Wraps the connection's query so catalog columns come back labelled as text. */
function readCatalogTypesAsText(client: pg.ClientBase): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  client.query = ((...args: unknown[]) => {
    const callback = args.at(-1);
    if (typeof callback === 'function') {
      // pg.Pool#query calls the client with a callback.
      args[args.length - 1] = (error: unknown, result: unknown) => callback(error, relabel(result));
      return query(...args);
    }
    const pending = query(...args);
    return pending instanceof Promise ? pending.then(relabel) : pending;
  }) as typeof client.query;
}

function relabel(result: unknown): unknown {
  // A multi-statement simple query answers with one result per statement.
  for (const one of Array.isArray(result) ? result : [result]) {
    const fields = (one as Partial<pg.QueryResult> | null | undefined)?.fields ?? [];
    for (const field of fields) {
      if (CATALOG_TYPES_READ_AS_TEXT.has(field.dataTypeID)) field.dataTypeID = PG_TEXT;
    }
  }
  return result;
}
