#!/usr/bin/env bash
# One-time setup on a fresh Debian 12 machine: system packages (if missing), npm packages, the wasm build and the
# CLI bundle. Safe to re-run. Pass --e2e to also install Chromium for the browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-system.sh "$@"
if [[ ! -d node_modules || package.json -nt node_modules/.package-lock.json ]]; then
  echo "[setup] npm install" >&2
  # onnxruntime-node's install script downloads GPU add-ons from nuget.org, which is unreachable here and not
  # needed: its CPU binary ships in the npm package.
  ONNXRUNTIME_NODE_INSTALL=skip npm install --no-audit --no-fund --loglevel=error >&2
fi
npm run --silent build:wasm
npm run --silent build:cli
