#!/usr/bin/env bash
# Submits a heterolab screen to Slurm as a job array of N shards and a merge job that runs when all succeeded.
#   bash scripts/slurm/submit-screen.sh N OUT_DIR [--wait] -- SCREEN_FLAGS...
# e.g. bash scripts/slurm/submit-screen.sh 16 runs/janus -- --films-dir my2d/ --substrates Au.cif,Cu.cif --facets 111,110,100
# Extra sbatch options (partition, account, time) go in SBATCH_EXTRA. Prints the two job ids.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
n="${1:?number of shards}"; out="${2:?output directory}"; shift 2
wait=()
if [[ "${1:-}" == "--wait" ]]; then wait=(--wait); shift; fi
[[ "${1:-}" == "--" ]] && shift
[[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "N must be a positive whole number (got $n)" >&2; exit 2; }
mkdir -p "$out"
out="$(cd "$out" && pwd)"
printf '%s\n' "$@" > "$out/screen.args"
export HETEROLAB="${HETEROLAB:-$(cd "$here/../.." && pwd)}" SCREEN_DIR="$out"
# shellcheck disable=SC2086
array=$(sbatch --parsable ${SBATCH_EXTRA:-} --array="1-$n" --output="$out/shard-%a.log" --export=ALL "$here/screen-shard.sbatch")
# shellcheck disable=SC2086
merge=$(sbatch --parsable ${SBATCH_EXTRA:-} "${wait[@]}" --dependency="afterok:${array%%;*}" --output="$out/merge.log" --export=ALL "$here/screen-merge.sbatch")
echo "array job ${array%%;*} ($n shards), merge job ${merge%%;*}: results in $out/screen.json and screen.csv"
