#!/usr/bin/env bash
# Installs those of the Debian packages named that are not installed yet,
# with apt-get (through sudo when not root). Quiet when all are there.
#   scripts/apt-install.sh WHO PACKAGE...   WHO names the caller in messages
set -euo pipefail
who=$1
shift
missing=()
for pkg in "$@"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done
((${#missing[@]})) || exit 0
echo "setup ($who): installing ${missing[*]}"
sudo_cmd=()
((EUID == 0)) || sudo_cmd=(sudo)
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends \
  "${missing[@]}" >/dev/null
