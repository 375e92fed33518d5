#!/usr/bin/env bash
# Installs the Debian packages heterolab needs, only those that are missing, and says which.
#   rustc cargo libstd-rust-dev-wasm32 lld binaryen : Debian's Rust 1.63 with the wasm32 target (rustup's has none here)
#   chromium libvulkan1                            : headless browser for the end-to-end tests, and its SwiftShader
#                                                    Vulkan driver for WebGPU in Node tests (with --e2e)
#   slurm-wlm munge                                : a single-node Slurm on localhost for the screen job-array test (with --e2e)
#   lammps quantum-espresso                        : the writers' round-trip checks read our LAMMPS data and pw.x input with
#                                                    the real programs (with --e2e; CI fails if those checks are skipped)
set -euo pipefail
want=(rustc cargo libstd-rust-dev-wasm32 lld binaryen)
if [[ "${1:-}" == "--e2e" ]]; then want+=(chromium fonts-dejavu-core libvulkan1 slurm-wlm munge lammps quantum-espresso); fi
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "[setup] installing Debian packages: ${missing[*]}" >&2
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
else
  echo "[setup] Debian packages present: ${want[*]}" >&2
fi
