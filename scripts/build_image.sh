#!/usr/bin/env bash
# Builds an image with buildah, without a Docker engine: chroot isolation,
# no pulls, layers cached, Docker format. Every image this project builds
# goes through here, so the options and the retry below are in one place.
#
#   scripts/build_image.sh BUILDAH_BUD_ARGS...   (such as -t TAG -f FILE .)
#
# Each RUN step makes buildah copy its own executable into a sealed memfd
# before it re-executes itself; the kernel refuses that seal with EBUSY
# while one of the copy's pages is briefly pinned elsewhere (page
# migration, another CPU's page batch). The refusal names itself
# ("sealing memfd copy") and leaves nothing half-built: the cached layers
# before the step stand. A build refused that way is run again, at most
# three times in all; any other failure is final at once.
set -euo pipefail

attempts=3
log=$(mktemp /tmp/bilateral-build-image.XXXXXX)
trap 'rm -f "$log"' EXIT
for ((attempt = 1; ; attempt++)); do
  if buildah bud --isolation chroot --pull=never --layers --format docker -q "$@" >"$log" 2>&1; then
    cat "$log"
    exit 0
  fi
  if ((attempt < attempts)) && grep -q 'sealing memfd copy: Device or resource busy' "$log"; then
    echo "build_image: the kernel refused to seal buildah's copy of itself (EBUSY);" \
      "building again ($((attempt + 1)) of $attempts)" >&2
    sleep 1
    continue
  fi
  cat "$log" >&2
  exit 1
done
