#!/usr/bin/env bash
# Compares every activation's f and f′ between the AVX2 (8-lane) and AVX-512 (16-lane)
# kernel families on ALL 2³² Float bit patterns, bit for bit (issue 19): the
# ElementwiseFamilyTests of `swift test` with stride 1 instead of their default sample
# of every 509th pattern. Needs an AVX-512 CPU (elsewhere the test says it was skipped
# and why) and a test build (`swift build --build-tests`).
#
# Measured 2026-12-06 on the 2-vCPU AVX-512 Xeon (13 activations, leaky ReLU at two
# slopes, both families): see docs/benchmark.md, "Activations and their statistics".
# Inputs whose results are subnormal take microcode assists on this CPU, so the whole
# range takes minutes, too long for every .ci/run; run it after changing
# Sources/GradKernels8/Elementwise*.swift.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
GRADSWEEP_ELEMENTWISE_STRIDE=1 swift test --skip-build --filter activationBitsAcrossFamilies 2>&1 \
  | grep -E "ElementwiseFamilyTests:|✘|✔ Test run|skipped|error"
echo "elementwise-bits: $((SECONDS - started)) s"
