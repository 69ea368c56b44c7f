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
