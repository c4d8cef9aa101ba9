#!/usr/bin/env bash
# Proves that the README's commands work on a fresh Debian 12 machine: in a
# container made from Debian's archive (scripts/base_image.sh), as root,
# scripts/setup.sh runs and then every tool the test command calls must be
# there (`scripts/test.sh --check-tools`). The steps are image layers, cached
# until the set-up scripts change, so an unchanged set-up costs seconds.
#
#   scripts/fresh_machine_test.sh          the quick check above
#   scripts/fresh_machine_test.sh --full   then both README commands in that
#       container on a copy of this checkout: scripts/start.sh until the
#       server is SERVING, and scripts/test.sh (image test and sanitizers
#       included; the container is privileged for the nested containers and
#       the tmpfs variants of the storage fault tests)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
image=localhost/bilateral-fresh-machine:test
work=$(mktemp -d /tmp/bilateral-fresh.XXXXXX)
name=bilateral-fresh-machine-$$
printf '[containers]\ndefault_ulimits = []\n' > "$work/containers.conf"
export CONTAINERS_CONF="$work/containers.conf"
cleanup() {
  podman --runtime runc rm -f -v "$name" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

scripts/base_image.sh
# Where TLS is inspected on the way out, the certificate authorities this
# machine adds to Debian's (/usr/local/share/ca-certificates) are shown to
# the set-up too: the ca-certificates package it installs trusts them.
volumes=()
if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
  volumes=(--volume /usr/local/share/ca-certificates:/usr/local/share/ca-certificates:ro)
fi
echo "== fresh machine: scripts/setup.sh as root in Debian 12, then every tool of scripts/test.sh"
start=$SECONDS
scripts/build_image.sh "${volumes[@]}" -t "$image" -f scripts/fresh_machine.Containerfile . >"$work/build.log" 2>&1 || {
  tail -40 "$work/build.log" >&2
  echo "fresh_machine_test: scripts/setup.sh on a fresh Debian 12 machine fails, or leaves" \
    "a tool of scripts/test.sh missing (above)" >&2
  exit 1
}
echo "fresh machine: set up, every tool there, in $((SECONDS - start)) s"
[[ "${1:-}" == --full ]] || exit 0

echo "== fresh machine: scripts/start.sh and scripts/test.sh on a copy of this checkout"
git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf "$work/src.tar"
podman --runtime runc run -d --privileged --network=host --name "$name" \
  -v "$work/src.tar:/src.tar:ro" "$image" sleep infinity >/dev/null
in_container() { podman --runtime runc exec "$name" bash -c "cd /src && $1"; }
in_container 'tar -xf /src.tar'
# scripts/start.sh ends by exec'ing the server, so its process id is the server's.
in_container 'scripts/start.sh >/tmp/start.log 2>&1 & echo $! >/tmp/start.pid'
for ((i = 0; ; i++)); do
  if in_container 'build/release/client/cli/bilateralctl --timeout 2 health' >/dev/null 2>&1; then
    break
  fi
  if ((i >= 1800)); then
    in_container 'tail -40 /tmp/start.log' >&2 || true
    echo "fresh_machine_test: scripts/start.sh did not serve within 30 minutes" >&2
    exit 1
  fi
  sleep 1
done
in_container 'build/release/client/cli/bilateralctl visits list' | grep -q xi-jinping-kz-2024 ||
  { echo "fresh_machine_test: scripts/start.sh serves no seed visits" >&2; exit 1; }
in_container 'kill -TERM "$(cat /tmp/start.pid)"'
echo "fresh machine: scripts/start.sh serves the seed data"
in_container 'BILATERAL_FRESH_MACHINE_TEST=0 scripts/test.sh'
echo "fresh machine: scripts/test.sh passed"
