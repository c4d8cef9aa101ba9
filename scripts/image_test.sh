#!/usr/bin/env bash
# Builds the container image from deploy/Dockerfile and proves it works:
# runs it, waits until its gRPC health service says SERVING (and the image's
# own HEALTHCHECK agrees), lists the seed visits through the port from this
# machine with bilateralctl, then stops it with SIGTERM and expects exit code
# 0 within the shutdown grace period. Prints the image size.
#
# Needs no Docker engine: buildah builds, podman runs (with runc), and when
# no debian:bookworm-slim image is at hand one is made with debootstrap from
# the Debian mirror apt already uses here (scripts/base_image.sh).
#
#   scripts/image_test.sh [BILATERALCTL]   default: build/release/client/cli/bilateralctl
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
ctl=${1:-$root/build/release/client/cli/bilateralctl}
image=localhost/bilateral:test
name=bilateral-image-test-$$
work=$(mktemp -d /tmp/bilateral-image.XXXXXX)

# This kind of host refuses podman's default rlimits; runc copes with its
# cgroup layout where crun does not.
printf '[containers]\ndefault_ulimits = []\n' > "$work/containers.conf"
export CONTAINERS_CONF="$work/containers.conf"
podman_run() { podman --runtime runc "$@"; }

cleanup() {
  podman_run rm -f -v "$name" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

scripts/build_image.sh --self-test
scripts/base_image.sh

echo "== image: building $image from deploy/Dockerfile"
start=$SECONDS
# Layers are cached, so an unchanged set-up step is not run again; the
# compiler cache of the build stage is kept between builds too. The build
# stage is tagged as well, so that pruning what earlier builds left behind
# keeps the cache of this one.
for target in build runtime; do
  tag=$image
  [[ $target == runtime ]] || tag=localhost/bilateral-build:test
  args=(--target "$target")
  [[ $target == build ]] || args=()
  scripts/build_image.sh "${args[@]}" -t "$tag" -f deploy/Dockerfile . >"$work/build.log" 2>&1 ||
    { tail -40 "$work/build.log" >&2; exit 1; }
done
# Dangling layers go; one that a builder container left by an interrupted
# build still uses stays, and is no reason to fail the test.
podman image prune -f >/dev/null 2>&1 || echo "image: some dangling images are in use; kept" >&2
size=$(podman image inspect --format '{{.Size}}' "$image")
echo "image: built in $((SECONDS - start)) s; size $((size / 1000000)) MB"

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
port=$(free_port)
metrics_port=$(free_port)
# The host's network, so the server's port is a loopback port of this
# machine. No systemd here to schedule the HEALTHCHECK: it is run by hand.
podman_run run -d --network=host --name "$name" \
  --health-interval=disable -e BILATERAL_LISTEN="127.0.0.1:$port" -e BILATERAL_METRICS_LISTEN="127.0.0.1:$metrics_port" \
  "$image" >/dev/null 2>"$work/run.log" || { cat "$work/run.log" >&2; exit 1; }

endpoint=127.0.0.1:$port
for ((i = 0; ; i++)); do
  if "$ctl" --endpoint "$endpoint" --timeout 2 health >/dev/null 2>&1; then break; fi
  if ((i >= 120)) || [[ $(podman_run inspect --format '{{.State.Running}}' "$name") != true ]]; then
    echo "image_test: the container did not become SERVING; its log:" >&2
    podman_run logs "$name" >&2 || true
    exit 1
  fi
  sleep 0.5
done
echo "image: SERVING after $((i / 2)) s"
# The image's own HEALTHCHECK, run once by hand (no scheduler runs it here).
podman_run healthcheck run "$name" >/dev/null ||
  { echo "image_test: the image's HEALTHCHECK failed while the server serves" >&2; exit 1; }
echo "image: HEALTHCHECK healthy"

visits=$("$ctl" --endpoint "$endpoint" --output ndjson visits list)
count=$(grep -c '"name"' <<<"$visits" || true)
grep -q '"visits/xi-jinping-kz-2024"' <<<"$visits" ||
  { echo "image_test: the seed visits are not served; got:" >&2; echo "$visits" >&2; exit 1; }
echo "image: $count seed visits listed from the host"
user=$(podman_run exec "$name" id -u)
[[ $user != 0 ]] || { echo "image_test: the server runs as root" >&2; exit 1; }

start=$SECONDS
podman_run stop --time 20 "$name" >/dev/null 2>>"$work/run.log"
code=$(podman_run inspect --format '{{.State.ExitCode}}' "$name")
elapsed=$((SECONDS - start))
if [[ $code != 0 ]]; then
  echo "image_test: exit code $code after SIGTERM; the log:" >&2
  podman_run logs "$name" >&2 || true
  exit 1
fi
echo "image: SIGTERM → exit 0 in ${elapsed} s (uid $user)"
