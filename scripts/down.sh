#!/usr/bin/env bash
# npm run down: stops a stack started by `npm run up` in another terminal.
source "$(dirname "$0")/lib.sh"
ensure_dependencies
exec node --import tsx libs/local-stack/src/down.ts
