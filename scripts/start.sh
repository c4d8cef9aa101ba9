#!/usr/bin/env bash
# Sets up what is missing, builds the release configuration, and starts
# bilateral-server on 127.0.0.1:50051 with the embedded SQLite store. An empty
# store is seeded with the records under data/seed on first start.
# Extra arguments are passed to the server (see `bilateral-server --help`).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release
mkdir -p build/data
exec build/release/service/bilateral-server \
  --listen=127.0.0.1:50051 --database=build/data/bilateral.db "$@"
