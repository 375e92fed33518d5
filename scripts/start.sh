#!/usr/bin/env bash
# Installs what is missing, builds the production app and serves it on http://127.0.0.1:4173/
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npx vite build --logLevel warn
echo "[start] serving http://127.0.0.1:4173/ (Ctrl-C to stop)" >&2
exec npx vite preview --host 127.0.0.1 --port "${PORT:-4173}" --strictPort
