import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createGenerator } from 'ts-json-schema-generator';

/**
 * The classic dashboard JSON model's types as @grafana/schema generates them from Grafana's
 * own dashboard kind (CUE), in the package installed here: the same release as the
 * docker-compose Grafana.
 */
export function grafanaDashboardTypesFile(): string {
  const packageJson = createRequire(import.meta.url).resolve('@grafana/schema/package.json');
  return join(dirname(packageJson), 'dist/types/raw/dashboard/x/types.gen.d.ts');
}

/**
 * A JSON Schema (draft-07) of Grafana's `Dashboard` type, derived offline from those types.
 * Interfaces become closed objects (`additionalProperties: false`), so a misspelt or unknown
 * field fails validation as well as a missing or mistyped one.
 */
export function grafanaDashboardSchema(): Record<string, unknown> {
  const generator = createGenerator({ path: grafanaDashboardTypesFile(), type: 'Dashboard', skipTypeCheck: true, expose: 'all', topRef: true });
  return generator.createSchema('Dashboard') as Record<string, unknown>;
}
