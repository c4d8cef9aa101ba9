#!/usr/bin/env bash
# Builds an image with buildah, without a Docker engine: chroot isolation,
# no pulls, layers cached, Docker format. Every image this project builds
# goes through here, so the options and the retry below are in one place.
#
#   scripts/build_image.sh BUILDAH_BUD_ARGS...   (such as -t TAG -f FILE .)
#   scripts/build_image.sh --self-test   runs itself against a stand-in
#                                        buildah that fails as told
#
# Each RUN step makes buildah copy its own executable into a sealed memfd
# before it re-executes itself; the kernel refuses that seal with EBUSY
# while one of the copy's pages is briefly pinned elsewhere (page
# migration, another CPU's page batch). The refusal names itself
# ("sealing memfd copy") and leaves nothing half-built: the cached layers
# before the step stand. A build refused that way is run again, at most
# three times in all; any other failure is final at once.
set -euo pipefail

if [[ ${1:-} == --self-test ]]; then
  fake=$(mktemp -d /tmp/bilateral-build-image-test.XXXXXX)
  trap 'rm -rf "$fake"' EXIT
  # The stand-in fails its first $FAILS runs with $ERROR, then builds.
  cat >"$fake/buildah" <<'FAKE'
#!/usr/bin/env bash
runs=$(($(cat "$FAKE_DIR/runs" 2>/dev/null || echo 0) + 1))
echo "$runs" >"$FAKE_DIR/runs"
if ((runs <= FAILS)); then echo "$ERROR"; exit 1; fi
echo "built"
FAKE
  chmod +x "$fake/buildah"
  busy='Close_Fd sealing memfd copy: Device or resource busy'
  self=$(realpath "${BASH_SOURCE[0]}")
  # case FAILS ERROR EXPECTED-EXIT EXPECTED-RUNS
  case_() {
    rm -f "$fake/runs"
    local code=0
    FAKE_DIR=$fake FAILS=$1 ERROR=$2 PATH="$fake:$PATH" "$self" -t x . >/dev/null 2>&1 || code=$?
    local runs
    runs=$(cat "$fake/runs")
    if [[ $code != "$3" || $runs != "$4" ]]; then
      echo "build_image: self-test: $1 refusals of '$2': exit $code after $runs runs;" \
        "expected exit $3 after $4" >&2
      exit 1
    fi
  }
  case_ 0 "$busy" 0 1
  case_ 2 "$busy" 0 3
  case_ 3 "$busy" 1 3
  case_ 1 'Error: building at STEP "RUN make": exit status 2' 1 1
  echo "build_image: self-test: a refused seal is built again, at most three times; other failures are final"
  exit 0
fi

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
