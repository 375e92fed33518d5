#!/usr/bin/env bash
# Builds the Rust crate in wasm/ to public/wasm/heterolab.wasm with Debian's rustc 1.63 (the only wasm32 target here).
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ! -x /usr/bin/rustc || ! -d /usr/lib/rustlib/wasm32-unknown-unknown ]]; then bash scripts/ensure-system.sh; fi
(cd wasm && RUSTC=/usr/bin/rustc /usr/bin/cargo build --quiet --locked --target wasm32-unknown-unknown --release)
mkdir -p public/wasm
src=wasm/target/wasm32-unknown-unknown/release/heterolab.wasm
if command -v wasm-opt >/dev/null; then
  wasm-opt -O3 --strip-debug "$src" -o public/wasm/heterolab.wasm
else
  cp "$src" public/wasm/heterolab.wasm
fi
echo "[build:wasm] public/wasm/heterolab.wasm $(stat -c %s public/wasm/heterolab.wasm) bytes" >&2
