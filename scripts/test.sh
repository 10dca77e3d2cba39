#!/usr/bin/env bash
# npm test: every test, unit and integration, against real Kafka, PostgreSQL and Redis.
source "$(dirname "$0")/lib.sh"
require_prerequisites
ensure_dependencies
ensure_chromium
export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false
started=$(date +%s)
printf 'cellar: lint, type-check and unit tests (nx run-many)\n'
nx run-many -t lint build test --outputStyle=static
printf 'cellar: integration tests against a real %s-broker Kafka, PostgreSQL and Redis\n' 6
vitest run -c vitest.integration.config.ts
printf 'cellar: all tests passed in %ss\n' "$(( $(date +%s) - started ))"
