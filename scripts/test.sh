#!/usr/bin/env bash
# Runs every test suite from a clean clone: installs what is missing (Debian packages incl. Chromium, npm
# packages), builds the wasm from source, then Rust tests, lint, typecheck, unit tests, production build with
# size budgets, browser end-to-end tests. Prints one closing line "total: N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p test-results
bash scripts/setup.sh --e2e

echo "== rust (native cargo test)"
cargo_bin=$(command -v cargo || echo /usr/bin/cargo)
(cd wasm && "$cargo_bin" test --quiet 2>&1) | tee test-results/rust.txt
rust_passed=$(grep -Eo 'test result: ok\. [0-9]+ passed' test-results/rust.txt | awk '{s+=$4} END {print s+0}')

echo "== lint (layer rule) and typecheck"
npm run --silent lint
npm run --silent typecheck

echo "== training pipeline, fast settings (checked against models/metrics.json by test/ml)"
npm run --silent train -- --fast --out test-results/train

echo "== unit and integration tests (vitest)"
# WebGPU in Node (the webgpu package) runs on Chromium's SwiftShader Vulkan driver when no GPU driver is set.
export VK_ICD_FILENAMES="${VK_ICD_FILENAMES:-/usr/lib/chromium/vk_swiftshader_icd.json}"
npx vitest run --reporter=default --reporter=json --outputFile=test-results/vitest.json
read -r unit_passed unit_failed unit_skipped < <(node -e '
  const r = require("./test-results/vitest.json");
  console.log(r.numPassedTests, r.numFailedTests, r.numPendingTests + r.numTodoTests);')
if [[ "$unit_skipped" != "0" && "${CI:-}" == "true" ]]; then
  echo "error: $unit_skipped unit test(s) skipped in CI; every required suite must run" >&2
  exit 1
fi

echo "== production build and size budgets"
npx vite build --logLevel warn
node scripts/check-size.mjs

echo "== end-to-end (Chromium, headless)"
node test/e2e/run.mjs | tee test-results/e2e.txt
e2e_passed=$(grep -Eo 'e2e: [0-9]+ passed' test-results/e2e.txt | awk '{print $2}')

total=$((rust_passed + unit_passed + e2e_passed))
echo "rust $rust_passed, unit $unit_passed (skipped $unit_skipped), e2e $e2e_passed"
echo "total: $total passed, $unit_failed failed"
