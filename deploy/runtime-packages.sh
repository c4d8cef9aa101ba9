#!/usr/bin/env bash
# Prints the Debian packages that hold the shared libraries the given
# executables load, one per line: what the runtime image installs.
#   deploy/runtime-packages.sh BINARY...
set -euo pipefail
for library in $(ldd "$@" | awk '$2 == "=>" && $3 ~ /^\// {print $3}' | sort -u); do
  # Debian 12 records some libraries under /lib, others under /usr/lib.
  dpkg-query -S "$library" 2>/dev/null || dpkg-query -S "$(realpath "$library")"
done | cut -d: -f1 | sort -u
