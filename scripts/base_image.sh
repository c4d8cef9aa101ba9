#!/usr/bin/env bash
# Makes the local image debian:bookworm-slim with debootstrap, from the Debian
# mirror apt already uses on this machine, when podman has none yet; the
# image builds (deploy/Dockerfile) and the fresh-machine check start from it.
# Needs no image registry.
#   scripts/base_image.sh
set -euo pipefail

base=debian:bookworm-slim
podman image exists "$base" && exit 0

mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
if [[ -z $mirror ]]; then
  mirror=$(awk '/^deb / {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
fi
[[ -n $mirror ]] || { echo "base_image: no Debian mirror in the apt configuration" >&2; exit 1; }

work=$(mktemp -d /tmp/bilateral-base.XXXXXX)
trap 'rm -rf "$work"' EXIT
echo "== image: making $base with debootstrap"
debootstrap --variant=minbase bookworm "$work/rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 ||
  { tail -20 "$work/debootstrap.log" >&2; exit 1; }
tar -C "$work/rootfs" -c . | podman import -q - "$base" >/dev/null
