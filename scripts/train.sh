#!/usr/bin/env bash
# npm run train [-- --fast] [-- --out DIR] [-- --data RECORDS.json ...]
# Rebuilds the feature table with heterolab's own feature code (the CLI), trains and evaluates the predictors,
# exports ONNX, checks ONNX against scikit-learn, and writes manifest.json, metrics.json and MODEL_CARD.md.
# Default data: the Hetero2d records in ../shared/data/hetero2d (HETERO2D_JSON overrides); --data adds more
# Hetero2d/aiHD-format JSON files (e.g. the published database, if you have it).
set -euo pipefail
cd "$(dirname "$0")/.."
out=models fast=() data=("${HETERO2D_JSON:-../shared/data/hetero2d/2d_substrate_heterostructures.json}")
while (($#)); do
  case "$1" in
    --fast) fast=(--fast); shift ;;
    --out) out="$2"; shift 2 ;;
    --data) data+=("$2"); shift 2 ;;
    *) echo "train: unknown argument $1" >&2; exit 2 ;;
  esac
done
for f in "${data[@]}"; do [[ -f "$f" ]] || { echo "train: data file $f not found (set HETERO2D_JSON or pass --data)" >&2; exit 1; }; done
bash scripts/setup-python.sh
[[ -f src/compute/geometry/build/heterolab.wasm ]] || npm run --silent build:wasm
npm run --silent build:cli
mkdir -p "$out"
node dist-cli/heterolab.mjs features "${data[@]}" -o "$out/features.csv"
note="Training files: $(for f in "${data[@]}"; do printf '%s (sha256 %s) ' "$(basename "$f")" "$(sha256sum "$f" | cut -c1-12)"; done)"
.venv/bin/python models/train.py --features "$out/features.csv" --out "$out" "${fast[@]}" --data-note "$note"
