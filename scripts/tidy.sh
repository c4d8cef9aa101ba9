#!/usr/bin/env bash
# Runs clang-tidy-14 with the repository's .clang-tidy over the hand-written
# .cc files (the tracked ones a build compiles), two at a time, and with them
# over the project's own headers they include. It reads the compile database
# of an existing build, which also holds the generated headers the files
# include: build one first (the release preset exports compile_commands.json).
# Prints each finding and exits 1 if there is any. The tests (*_test.cc and
# tests/) are left out unless asked for: they would double the time, which the
# test command cannot spare on 2 cores. tests/compile/ holds files built to
# fail, never checked.
#
#   scripts/tidy.sh [--build DIR] [--tests] [FILE...]
#     --build DIR   the build whose compile database to use (build/release)
#     --tests       check the tests too
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
build=build/release
tests=0
while (($#)); do
  case "$1" in
    --build) build=${2:?usage: scripts/tidy.sh [--build DIR] [--tests] [FILE...]}; shift 2 ;;
    --tests) tests=1; shift ;;
    *) break ;;
  esac
done
database="$build/compile_commands.json"
if [[ ! -f $database ]]; then
  echo "tidy: no $database; build first (cmake --preset release && cmake --build --preset release)" >&2
  exit 2
fi

# The files the compile database holds, of those tracked (or named): the fuzz
# targets and the other builds' files are checked only where they are built.
files=()
if (($#)); then
  candidates=("$@")
elif ((tests)); then
  mapfile -t candidates < <(git ls-files -- '*.cc' ':!tests/compile/')
else
  mapfile -t candidates < <(git ls-files -- '*.cc' ':!*_test.cc' ':!tests/')
fi
mapfile -t files < <(python3 - "$database" "${candidates[@]}" <<'EOF'
import json, os, sys
compiled = {os.path.realpath(os.path.join(e["directory"], e["file"]))
            for e in json.load(open(sys.argv[1]))}
for name in sys.argv[2:]:
    if os.path.realpath(name) in compiled:
        print(name)
EOF
)
if ((${#files[@]} == 0)); then
  echo "tidy: none of the files is in $database" >&2
  exit 2
fi
echo "tidy: ${#files[@]} files, 2 at a time"

# One clang-tidy per file; each file's findings are printed together.
export build
status=0
printf '%s\0' "${files[@]}" | xargs -0 -n 1 -P 2 bash -c '
  if ! out=$(clang-tidy-14 -p "$build" --quiet "$1" 2>&1); then
    printf "%s\n" "$out"
    exit 1
  fi' tidy || status=1
if ((status)); then
  echo "tidy: findings above; fix them, or disable a check in .clang-tidy with the reason" >&2
fi
exit "$status"
