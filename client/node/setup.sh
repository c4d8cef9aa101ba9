#!/usr/bin/env bash
# Installs what the Node.js client needs and is not yet installed: Node.js
# and npm (Debian's packages when missing; Node 18 or newer) and the npm
# packages pinned in package-lock.json, into node_modules/ here.
# Idempotent and quiet when everything is already there.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  "$here/../../scripts/apt-install.sh" "node client" nodejs npm
fi

# Up to date when every package of the lock file is installed at its version.
installed() {
  (cd "$here" && node -e '
    const lock = require("./package-lock.json");
    for (const [where, entry] of Object.entries(lock.packages)) {
      if (!where || entry.optional) continue;
      try {
        if (require(`./${where}/package.json`).version !== entry.version) process.exit(1);
      } catch {
        process.exit(1);
      }
    }') 2>/dev/null
}

if ! installed; then
  echo "setup: installing the Node.js client's npm packages"
  (cd "$here" && npm ci --no-fund --no-audit --loglevel=error >/dev/null)
fi
