#!/usr/bin/env bash
# The emulator's web console in headless Chromium (issue 15). Installs Debian's chromium and
# chromium-driver when either is missing (needs root and the Debian package registry), then runs
# the browser tests, which reach only 127.0.0.1.
#   bash tests/browser/run.sh                      the tests; screenshots under target/console/
#   CONSOLE_SCREENSHOT_DOCS=1 bash tests/browser/run.sh   also rewrites docs/console-timeline.png
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "chromium and chromedriver are missing: run as root, or apt-get install chromium chromium-driver" >&2
    exit 1
  fi
  echo "installing chromium and chromium-driver (Debian packages)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends chromium chromium-driver >&2
fi
chromium --version >&2 || true

start=$SECONDS
cargo test -p sinch-voice-cli --test console_browser -- --ignored --test-threads=1
echo "browser tests took $((SECONDS - start)) s" >&2
