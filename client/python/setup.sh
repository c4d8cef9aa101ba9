#!/usr/bin/env bash
# Installs what building and testing the Python client needs and is not yet
# installed: protoc and grpc_python_plugin (which generate.sh runs), and
# Debian's `build` and `venv` for the system Python (build.sh makes the wheel
# with them; test.sh installs it into fresh virtual environments, where pip
# brings grpcio, protobuf and the rest from the package index). Idempotent
# and quiet when everything is already there.
set -euo pipefail

debian_packages=(
  python3 python3-venv python3-build
  protobuf-compiler protobuf-compiler-grpc
)

"$(dirname "${BASH_SOURCE[0]}")/../../scripts/apt-install.sh" "python client" "${debian_packages[@]}"
