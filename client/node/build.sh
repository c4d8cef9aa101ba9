#!/usr/bin/env bash
# Builds the npm package bilateral-client: generates the code (generate.sh),
# compiles client.js and the generated types into dist/ with their
# TypeScript declarations, and packs it with `npm pack` into DIST_DIR
# (default: client/node/pack). Prints the tarball's path. The version is
# package.json's, which must match the repository's VERSION.
#
# Usage: build.sh [DIST_DIR]
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${1:-$here/pack}
version=$(tr -d '[:space:]' <"$here/../../VERSION")
package_version=$(cd "$here" && node -p 'require("./package.json").version')
if [[ "$package_version" != "$version" ]]; then
  echo "build: package.json has version $package_version, VERSION says $version (scripts/release.sh sets both)" >&2
  exit 1
fi

bash "$here/generate.sh"
cd "$here"
rm -rf dist
node_modules/.bin/tsc -p tsconfig.build.json
cp generated/api.js generated/api.d.ts dist/generated/
mkdir -p "$out"
tarball=$(npm pack --silent --pack-destination "$out")
echo "$out/$tarball"
