#!/usr/bin/env bash
# Regenerates the Python modules from proto/ and runs the Python client's
# tests against the live server named by BILATERAL_ENDPOINT, with the keys in
# BILATERAL_API_KEY (writer) and BILATERAL_READER_KEY (reader).
# scripts/clients_test.sh starts that server and runs this script.
#
# The interpreter is Debian's (BILATERAL_PYTHON to choose another), which has
# the packages setup.sh installs; another python3 may come first on PATH.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
python=${BILATERAL_PYTHON:-/usr/bin/python3}

bash "$here/generate.sh"

# No bytecode or pytest cache in the source tree.
export PYTHONDONTWRITEBYTECODE=1
cd "$here"
exec "$python" -m pytest -q -p no:cacheprovider test_client.py
