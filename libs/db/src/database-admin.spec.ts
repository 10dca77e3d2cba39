import { describe, expect, it } from 'vitest';
import { quoteDatabaseName } from './database-admin';

describe('quoteDatabaseName', () => {
  it('quotes plain names, including generated ones with "-"', () => {
    expect(quoteDatabaseName('cellar_test_1a2b')).toBe('"cellar_test_1a2b"');
    expect(quoteDatabaseName('prisma_migrate_shadow_db_0b4c6f1e-2a3d-4e5f-8a9b-0c1d2e3f4a5b')).toBe(
      '"prisma_migrate_shadow_db_0b4c6f1e-2a3d-4e5f-8a9b-0c1d2e3f4a5b"',
    );
  });

  it('rejects names that need escaping or that PostgreSQL would truncate', () => {
    for (const name of ['', 'a"b', 'a b', 'x; DROP DATABASE cellar', 'a'.repeat(64)]) {
      expect(() => quoteDatabaseName(name)).toThrowError(expect.objectContaining({ code: 'INVALID_DATABASE_NAME' }));
    }
  });
});
