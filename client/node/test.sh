#!/usr/bin/env bash
# Tests the Node.js client against a live bilateral-server: regenerates the
# types from the .proto files (generate.sh; generated/ is never committed),
# type-checks the JavaScript against them, and runs test.js with node's test
# runner. scripts/clients_test.sh starts the server and sets
# BILATERAL_ENDPOINT, BILATERAL_API_KEY, BILATERAL_READER_KEY and
# BILATERAL_PROTO_DIR.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bash "$here/setup.sh"
bash "$here/generate.sh"
(cd "$here" && node_modules/.bin/tsc -p .)
cd "$here"
exec node --test --test-reporter=spec test.js
