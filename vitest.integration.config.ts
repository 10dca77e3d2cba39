import { defineConfig } from 'vitest/config';

/**
 * Every integration spec in the workspace, in one run, against one real stack started
 * once by the global setup (Kafka, a fresh PostgreSQL database, a Redis prefix).
 * Files run one at a time: the machine has two cores and seven Kafka JVMs.
 */
export default defineConfig({
  test: {
    include: ['{apps,libs}/*/test/**/*.int.spec.ts'],
    globalSetup: ['libs/test-support/src/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 300_000,
    teardownTimeout: 120_000,
    reporters: ['default', 'junit'],
    outputFile: { junit: 'test-output/integration-junit.xml' },
  },
});
