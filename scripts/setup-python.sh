#!/usr/bin/env bash
# Creates ./.venv with the pinned Python packages (models/requirements.txt) if it is missing or stale.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=.venv/.requirements.sha
want=$(sha256sum models/requirements.txt | cut -d' ' -f1)
if [[ -x .venv/bin/python && -f $stamp && "$(cat $stamp)" == "$want" ]]; then exit 0; fi
echo "[setup] creating .venv from models/requirements.txt (pymatgen, ase, ...)" >&2
python3 -m venv .venv
.venv/bin/pip install -q --disable-pip-version-check -r models/requirements.txt >&2
echo "$want" > $stamp
