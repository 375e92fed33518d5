#!/usr/bin/env bash
# Builds the Rust crate in wasm/ to src/compute/geometry/build/heterolab.wasm with Debian's rustc 1.63 (the only wasm32 target here).
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ! -x /usr/bin/rustc || ! -d /usr/lib/rustlib/wasm32-unknown-unknown ]]; then bash scripts/ensure-system.sh; fi
(cd wasm && RUSTC=/usr/bin/rustc /usr/bin/cargo build --quiet --locked --target wasm32-unknown-unknown --release)
mkdir -p src/compute/geometry/build
src=wasm/target/wasm32-unknown-unknown/release/heterolab.wasm
if command -v wasm-opt >/dev/null; then
  wasm-opt -O3 --strip-debug "$src" -o src/compute/geometry/build/heterolab.wasm
else
  cp "$src" src/compute/geometry/build/heterolab.wasm
fi
echo "[build:wasm] src/compute/geometry/build/heterolab.wasm $(stat -c %s src/compute/geometry/build/heterolab.wasm) bytes" >&2
