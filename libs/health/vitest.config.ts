import { defineConfig } from 'vitest/config';

// Unit and property specs only: this library is pure, it has no integration specs. Some specs
// simulate a whole cluster for hundreds of rounds; on a busy shared machine they can take more
// than vitest's default 5 s, which says nothing about the code (the timeout is not a benchmark).
export default defineConfig({ test: { include: ['src/**/*.spec.ts'], passWithNoTests: true, testTimeout: 60_000 } });
