import { defineConfig } from 'vitest/config';

// Unit and property specs only: this library is pure, it has no integration specs.
export default defineConfig({ test: { include: ['src/**/*.spec.ts'], passWithNoTests: true } });
