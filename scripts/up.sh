#!/usr/bin/env bash
# npm run up: installs what is missing, fetches Kafka, starts Kafka, migrates the database,
# starts the API, the tenancy worker, the balancer and the degradation detector, and prints where they are. Ctrl-C (or npm run down) stops it all.
source "$(dirname "$0")/lib.sh"
require_prerequisites
ensure_dependencies
exec node --import tsx libs/local-stack/src/up.ts
