#!/usr/bin/env bash
# Tests the Node.js client as a consumer would use it, against a live
# bilateral-server: builds the package (build.sh: static code generated from
# the .proto files, type-checked, packed with npm pack), installs the tarball
# with npm into an empty project outside the repository, type-checks a
# TypeScript consumer against its declarations with tsc and runs it, then
# runs test.js there with node's test runner against the installed package.
# scripts/clients_test.sh starts the server and sets BILATERAL_ENDPOINT,
# BILATERAL_API_KEY and BILATERAL_READER_KEY.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${BILATERAL_ENDPOINT:?set BILATERAL_ENDPOINT to host:port of a live server}"
work=$(mktemp -d /tmp/bilateral-node.XXXXXX)
trap 'rm -rf "$work"' EXIT

bash "$here/setup.sh"
bash "$here/generate.sh"
(cd "$here" && node_modules/.bin/tsc -p .)
tarball=$(bash "$here/build.sh" "$work/pack")
echo "client/node: packed $(basename "$tarball")"

# The consumer: an empty project that installs the tarball, and the same
# TypeScript and Node types the client is built with.
project="$work/consumer"
mkdir "$project"
cp "$here/consumer/consumer.ts" "$here/consumer/tsconfig.json" "$project/"
sed "s#require('./client')#require('bilateral-client')#" "$here/test.js" >"$project/test.js"
grep -q "require('bilateral-client')" "$project/test.js"
dev_version() { (cd "$here" && node -p "require('./package.json').devDependencies['$1']"); }
cd "$project"
npm init -y >/dev/null
npm install --no-fund --no-audit --loglevel=error "$tarball" \
  "typescript@$(dev_version typescript)" "@types/node@$(dev_version @types/node)" >/dev/null
node_modules/.bin/tsc -p .
node out/consumer.js
node --test --test-reporter=spec test.js
