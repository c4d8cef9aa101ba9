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

missing=()
for pkg in "${debian_packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done

if ((${#missing[@]})); then
  echo "setup (python client): installing ${missing[*]}"
  sudo_cmd=()
  ((EUID == 0)) || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi
