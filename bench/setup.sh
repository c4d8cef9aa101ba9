#!/usr/bin/env bash
# Installs what the benchmarks need beyond the build and the tests
# (scripts/setup.sh): gnuplot for the plots of bench/report.py, perf and
# valgrind for profiles, and ghz, a gRPC load tool from the Go module proxy,
# pinned, for the cross-check in bench/run.sh (into build/tools/go-bin).
# Idempotent.
#   bench/setup.sh
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ghz_version=v0.120.0

"$root/scripts/setup.sh"
# gnuplot for the plots; perf and valgrind (callgrind) for the profiles
# docs/benchmarks.md shows.
"$root/scripts/apt-install.sh" bench gnuplot-nox linux-perf valgrind

gobin="$root/build/tools/go-bin"
# A module-built ghz reports "dev" as its version; its build info has the module's.
if [[ -x $gobin/ghz ]] && command -v go >/dev/null &&
  go version -m "$gobin/ghz" | grep -Eq "^\s+mod\s+github.com/bojand/ghz\s+$ghz_version\s"; then
  exit 0
fi
# Debian's Go when none is installed; ghz asks for a recent toolchain, which
# Go fetches itself from the module proxy (GOTOOLCHAIN=auto).
command -v go >/dev/null || "$root/scripts/apt-install.sh" bench golang-go
echo "setup (bench): installing ghz $ghz_version"
mkdir -p "$gobin"
GOBIN="$gobin" GOTOOLCHAIN=auto go install "github.com/bojand/ghz/cmd/ghz@$ghz_version"
