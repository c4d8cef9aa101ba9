#!/usr/bin/env bash
# Makes release VERSION of every package from this tree:
#
#   scripts/release.sh VERSION [--no-image]
#
# 1. sets VERSION (the one version of the server, the C++ SDK and the Python,
#    Node.js and Go clients) and the Node.js package's version to VERSION;
# 2. records proto/ as the released contract (scripts/contract.sh release);
# 3. builds the release preset and, into build/release-artifacts/VERSION/:
#    the C++ SDK's .deb (CPack), the Python wheel and sdist, the npm tarball,
#    and the container image as an OCI archive (not with --no-image); checks
#    that the Go module's committed generated code is fresh;
# 4. writes the changelog entry at the top of CHANGELOG.md: the commits
#    since the previous release tag, the packages, and the contract's digest.
#
# It commits and tags nothing: it ends by printing the commands that do
# (the tag vVERSION, and client/go/vVERSION, by which the go command finds
# the Go module in its folder), to run once the changes are reviewed.
# The container image needs the local base image that scripts/image_test.sh
# makes on its first run.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
usage() {
  echo "usage: scripts/release.sh VERSION [--no-image]   (VERSION: MAJOR.MINOR.PATCH)" >&2
  exit 2
}
version=${1:-}
[[ "$version" =~ ^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$ ]] || usage
image=true
case "${2:-}" in
  --no-image) image=false ;;
  "") ;;
  *) usage ;;
esac
cd "$root"
if git rev-parse -q --verify "refs/tags/v$version" >/dev/null; then
  echo "release: v$version is tagged already" >&2
  exit 1
fi
if $image && ! podman image exists docker.io/library/debian:bookworm-slim 2>/dev/null; then
  echo "release: no local base image for the container; run scripts/image_test.sh once, or pass --no-image" >&2
  exit 1
fi
out="$root/build/release-artifacts/$version"
rm -rf "$out"
mkdir -p "$out"

echo "== version $version"
printf '%s\n' "$version" >VERSION
# package.json and its lock file carry the version too; npm checks them.
(cd client/node && npm pkg set version="$version" >/dev/null &&
  node -e '
    const fs = require("fs");
    const lock = JSON.parse(fs.readFileSync("package-lock.json", "utf8"));
    lock.version = lock.packages[""].version = process.argv[1];
    fs.writeFileSync("package-lock.json", JSON.stringify(lock, null, 2) + "\n");
  ' "$version")

echo "== contract"
scripts/contract.sh release
scripts/contract.sh check

echo "== C++: server, SDK, and the SDK's Debian package"
export CCACHE_BASEDIR=$root CCACHE_NOHASHDIR=true
cmake --preset release >/dev/null
cmake --build --preset release
cpack --config build/release/CPackConfig.cmake -B "$out/cpack" >/dev/null
mv "$out"/cpack/*.deb "$out/"
rm -rf "$out/cpack"

echo "== Python wheel and sdist"
bash client/python/build.sh "$out" >/dev/null

echo "== npm package"
bash client/node/build.sh "$out" >/dev/null

echo "== Go module: committed generated code"
bash client/go/generate.sh --check

if $image; then
  echo "== container image"
  scripts/build_image.sh -t "localhost/bilateral:$version" -f deploy/Dockerfile . >"$out/image-build.log"
  podman save --format oci-archive -o "$out/bilateral-$version.oci.tar" "localhost/bilateral:$version"
  rm -f "$out/image-build.log"
fi

echo "== changelog"
previous=$(git describe --tags --abbrev=0 --match 'v[0-9]*' 2>/dev/null || true)
entry=$(mktemp)
trap 'rm -f "$entry"' EXIT
{
  echo "## $version ($(date -u +%Y-%m-%d))"
  echo
  if [[ -n "$previous" ]]; then
    echo "Changes since $previous:"
    echo
    git log --no-merges --reverse --format='- %s' "$previous..HEAD"
  else
    echo "The first release."
  fi
  echo
  echo "Packages, all of version $version:"
  echo
  for file in "$out"/*; do echo "- \`$(basename "$file")\`"; done
  echo "- Go module \`$(sed -n 's/^module[[:space:]]*//p' client/go/go.mod)\`, tag \`client/go/v$version\`"
  echo
  echo "Released contract: \`proto/released-contract.binpb\`, sha256 \`$(sha256sum proto/released-contract.binpb | cut -d' ' -f1)\`."
  echo
} >"$entry"
if [[ -f CHANGELOG.md ]]; then
  # The entry goes after the title and its paragraph, above the last release.
  awk -v entry="$entry" '
    !done && /^## / { while ((getline line < entry) > 0) print line; done = 1 }
    { print }
    END { if (!done) { print ""; while ((getline line < entry) > 0) print line } }
  ' CHANGELOG.md >CHANGELOG.md.new
  mv CHANGELOG.md.new CHANGELOG.md
else
  { echo "# Changelog"; echo; cat "$entry"; } >CHANGELOG.md
fi

echo "== release $version is in $out:"
ls -1 "$out"
cat <<DONE

Review the changes (VERSION, client/node/package*.json, the contract,
CHANGELOG.md), then:

  git commit -am "Release $version" && git tag v$version && git tag client/go/v$version
DONE
