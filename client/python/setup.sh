#!/usr/bin/env bash
# Installs what the Python client needs and is not yet installed: Debian 12's
# gRPC 1.51 and protobuf runtimes for the system Python, pytest, and the
# protoc plugin that generates the gRPC stubs (the same gRPC release as the
# server's). Idempotent and quiet when everything is already there.
set -euo pipefail

debian_packages=(
  python3 python3-grpcio python3-protobuf python3-pytest
  # protoc and grpc_python_plugin, which generate.sh runs.
  protobuf-compiler protobuf-compiler-grpc
)

"$(dirname "${BASH_SOURCE[0]}")/../../scripts/apt-install.sh" "python client" "${debian_packages[@]}"
