#!/usr/bin/env bash
# Builds the libFuzzer targets (the `fuzz` preset: clang with AddressSanitizer
# and UndefinedBehaviorSanitizer) and runs each for a bounded time, starting
# from its seed corpus in tests/fuzz/corpus/<target>/. Fails on any crash,
# sanitizer report, leak or broken invariant, and prints the input that
# caused it; a found input belongs in the corpus, with a regression test
# beside the code it broke.
#
#   scripts/fuzz.sh [TARGET...]        BILATERAL_FUZZ_SECONDS=20 per target
#   BILATERAL_FUZZ_SECONDS=3600 scripts/fuzz.sh filter_fuzz   a long run
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
seconds=${BILATERAL_FUZZ_SECONDS:-20}
targets=("$@")
((${#targets[@]})) || targets=(filter_fuzz page_token_fuzz import_fuzz request_fuzz)

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz

work=$(mktemp -d /tmp/bilateral-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT
# The store-backed targets keep their database here.
export TMPDIR=$work
status=0
for target in "${targets[@]}"; do
  # New inputs go to a scratch corpus; the committed seeds stay as they are.
  mkdir -p "$work/$target" "$work/artifacts-$target"
  log="$work/$target.log"
  if build/fuzz/tests/fuzz/"$target" -max_total_time="$seconds" -print_final_stats=1 \
      -artifact_prefix="$work/artifacts-$target/" "$work/$target" \
      "tests/fuzz/corpus/$target" >"$log" 2>&1; then
    runs=$(awk '/stat::number_of_executed_units/ {print $2}' "$log")
    coverage=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
    echo "fuzz: $target: ${runs:-?} inputs in ${seconds} s, ${coverage:-no coverage line}, no failure"
  else
    status=1
    echo "fuzz: $target FAILED; the end of its log:" >&2
    grep -v '^#' "$log" | tail -60 >&2
    for input in "$work/artifacts-$target"/*; do
      [[ -f $input ]] || continue
      echo "fuzz: failing input $(basename "$input") (base64): $(base64 -w0 "$input")" >&2
    done
  fi
done
exit "$status"
