import { defineConfig } from 'vitest/config';

// Unit specs only; integration specs (test/**/*.int.spec.ts) run once per test run
// against the shared real Kafka, PostgreSQL and Redis: see vitest.integration.config.ts.
export default defineConfig({ test: { include: ['src/**/*.spec.ts'], passWithNoTests: true } });
