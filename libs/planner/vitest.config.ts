import { defineConfig } from 'vitest/config';

// Unit and property specs only. Property specs plan hundreds of random clusters: the timeout is
// a guard against a hang on a loaded machine, not a speed assertion (the benchmark measures speed).
export default defineConfig({ test: { include: ['src/**/*.spec.ts'], passWithNoTests: true, testTimeout: 120_000 } });
