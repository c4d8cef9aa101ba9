#!/usr/bin/env bash
# Formats the C++ code with clang-format-14 and the repository's .clang-format:
# every tracked .cc and .h file, or only the files named. Other files (protos,
# scripts, the other languages' clients) are never touched, and generated code
# under build/ is not tracked.
#
#   scripts/format.sh [--check] [FILE...]   prints the files that differ from
#                                           their formatting and how; exits 1
#                                           if any does (the default)
#   scripts/format.sh --fix [FILE...]       rewrites them in place
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
clang_format=clang-format-14
mode=check
case "${1:-}" in
  --check) shift ;;
  --fix) mode=fix; shift ;;
  -*) echo "usage: scripts/format.sh [--check|--fix] [FILE...]" >&2; exit 2 ;;
esac

files=()
if (($#)); then
  for file in "$@"; do
    case "$file" in
      *.cc | *.h) ;;
      *) echo "format: $file: only .cc and .h files are formatted" >&2; exit 2 ;;
    esac
    [[ -f $file ]] || { echo "format: $file: no such file" >&2; exit 2; }
    files+=("$file")
  done
else
  cd "$root"
  mapfile -t files < <(git ls-files -- '*.cc' '*.h')
fi

if [[ $mode == fix ]]; then
  printf '%s\0' "${files[@]}" | xargs -0 -n 25 -P 2 "$clang_format" -i --style=file
  exit 0
fi

status=0
differ=()
for file in "${files[@]}"; do
  # The file is named so that clang-format finds the .clang-format above it.
  if ! "$clang_format" --style=file "$file" | diff -u --label "$file" --label "$file (formatted)" \
      "$file" -; then
    status=1
    differ+=("$file")
  fi
done
if ((status)); then
  echo "format: ${#differ[@]} file(s) differ from .clang-format; scripts/format.sh --fix formats them:" >&2
  printf '  %s\n' "${differ[@]}" >&2
fi
exit "$status"
