#!/usr/bin/env bash
# Fails at once, saying why, when sanitizer reports would not name functions:
# the ThreadSanitizer canaries look for a race in a named function and the
# suppressions name functions, so without symbols they fail or suppress
# nothing, and the suites fail through unrelated tests. Builds a two-thread
# race with ThreadSanitizer (clang, as the tsan preset) and a heap overflow
# with AddressSanitizer (the asan preset's compiler) and expects each report
# to name the function at fault.
#   scripts/symbolizer_check.sh
set -euo pipefail

work=$(mktemp -d /tmp/bilateral-symbolizer.XXXXXX)
trap 'rm -rf "$work"' EXIT
hint="sanitizer reports are not symbolized: the runtimes run llvm-symbolizer from PATH \
(Debian's llvm-14 and llvm packages; scripts/setup.sh installs them)"

cat >"$work/race.cc" <<'CC'
#include <thread>
int shared = 0;
__attribute__((noinline)) void SymbolizerCheckWrite() { ++shared; }
int main() {
  std::thread a(SymbolizerCheckWrite), b(SymbolizerCheckWrite);
  a.join();
  b.join();
  return 0;
}
CC
cat >"$work/overflow.cc" <<'CC'
#include <cstdlib>
__attribute__((noinline)) int SymbolizerCheckRead(volatile char* p, int i) { return p[i]; }
int main(int argc, char**) {
  volatile char* p = static_cast<char*>(std::malloc(8));
  return SymbolizerCheckRead(p, 8 + argc - 1);
}
CC

check() {  # check NAME COMPILER FLAGS...: its report must name the function
  local name=$1 compiler=$2
  shift 2
  "$compiler" -g -O1 -fno-omit-frame-pointer "$@" -o "$work/$name" "$work/$name.cc" -pthread
  # The race may go unseen in one run; a few runs make it certain enough.
  for _ in 1 2 3 4 5; do
    TSAN_OPTIONS=halt_on_error=1 ASAN_OPTIONS=detect_leaks=0 "$work/$name" >"$work/$name.log" 2>&1 || true
    grep -q "Sanitizer" "$work/$name.log" && break
  done
  grep -q "Sanitizer" "$work/$name.log" ||
    { echo "symbolizer_check: $name: no sanitizer report at all" >&2; cat "$work/$name.log" >&2; exit 1; }
  grep -q "SymbolizerCheck" "$work/$name.log" || {
    echo "symbolizer_check: $name ($compiler): $hint. The report:" >&2
    cat "$work/$name.log" >&2
    exit 1
  }
}
check race clang++-14 -fsanitize=thread
check overflow "${CXX:-c++}" -fsanitize=address
echo "sanitizer reports name functions"
