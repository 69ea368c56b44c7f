#!/usr/bin/env bash
# Installs the workspace on a machine with Node >= 20.19 and npm: pnpm (pinned) and every dependency.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v pnpm >/dev/null 2>&1; then
  npm install -g pnpm@12.4.2
fi
# better-sqlite3 compiles from source where its prebuilt binary cannot be downloaded; node-gyp then
# needs Node's headers, which Debian-style installs ship under /usr/include/node.
if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node.h ]; then
  export npm_config_nodedir=/usr
fi
if [ "${CI:-}" = "true" ]; then
  pnpm install --frozen-lockfile
else
  pnpm install
fi
# The HTML report test opens report.html in headless Chromium (Debian's package, driven by
# puppeteer-core, which downloads no browser). Install it when missing and apt-get is usable as root;
# anywhere else the test skips and names the reason, so setup never fails over it.
if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1 && [ -z "${CHROMIUM_PATH:-}" ]; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
    echo "setup: installing chromium (Debian package) for the HTML report test"
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >/tmp/llm-autodiff-chromium-install.log 2>&1; then
      echo "setup: could not install chromium (see /tmp/llm-autodiff-chromium-install.log); the HTML report test will skip" >&2
    fi
  else
    echo "setup: chromium not found and apt-get not usable here; the HTML report test will skip" >&2
  fi
fi
