import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

/**
 * One config for the whole workspace. Module boundaries follow STYLE.md:
 * domain libs import only domain and util libs; adapters may use domain and util;
 * apps may use anything but other apps.
 */
export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/generated/**', '**/.nx/**', '**/test-output/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    files: ['**/*.ts', '**/*.mjs'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:domain', 'type:adapter', 'type:util'] },
            { sourceTag: 'type:adapter', onlyDependOnLibsWithTags: ['type:domain', 'type:adapter', 'type:util'] },
            {
              sourceTag: 'type:domain',
              onlyDependOnLibsWithTags: ['type:domain', 'type:util'],
              bannedExternalImports: [
                'kafkajs', '@platformatic/kafka', '@prisma/*', 'pg', 'ioredis', 'bullmq', 'fastify', '@fastify/*', 'prom-client', 'pino',
              ],
            },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'] },
            { sourceTag: 'scope:api', onlyDependOnLibsWithTags: ['scope:api', 'scope:shared'] },
            { sourceTag: 'scope:balancer', onlyDependOnLibsWithTags: ['scope:balancer', 'scope:shared'] },
            { sourceTag: 'scope:detector', onlyDependOnLibsWithTags: ['scope:detector', 'scope:shared'] },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
          ],
        },
      ],
    },
  },
  {
    // The dashboard's page scripts run in the browser, with uPlot loaded beside them.
    files: ['apps/api/dashboard/**/*.js'],
    languageOptions: { sourceType: 'module', globals: { ...globals.browser, uPlot: 'readonly' } },
  },
  {
    // Only the Kafka adapter may import a Kafka client. Integration specs may use one as the
    // independent "second client" that checks what the adapter did (made by support/kafka-client).
    files: ['**/*.ts'],
    ignores: ['libs/kafka-adapter/src/**', '**/test/**/*.int.spec.ts', '**/test/support/kafka-client.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [
          { name: 'kafkajs', message: 'Kafka is driven only through @cellar/kafka-adapter.' },
          { name: '@platformatic/kafka', message: 'Kafka is driven only through @cellar/kafka-adapter.' },
        ] },
      ],
    },
  },
);
