#!/usr/bin/env bash
# The code an arm64 machine runs, tested on this x86-64 host: builds the package with
# GRADSWEEP_PORTABLE=1 (no CPU flags, no GradKernels16: only the `generic` kernel family,
# as `swift build` makes it on arm64, where Swift's SIMD types become NEON) into its own
# scratch path, then runs the test suite on it. The golden test's generic case must give
# the committed SHA-256 of the AVX2 and AVX-512 families; the tests that need an x86
# family say they were skipped and why.
#
#   scripts/check-portable-build.sh              # build + the whole suite
#   scripts/check-portable-build.sh --filter X   # build + the tests matching X
#
# What this cannot show: NEON's own code generation (the generic SIMD code here becomes
# SSE2 plus correctly rounded fmaf calls). It shows that no result depends on x86 flags
# or the wide kernels, and that the portable source builds with no x86 flag.
set -euo pipefail
cd "$(dirname "$0")/.."
filter=()
if [[ ${1:-} == --filter ]]; then filter=(--filter "$2"); fi
if [[ $(uname -m) != x86_64 ]]; then
  echo "check-portable-build.sh: not needed on $(uname -m): every build there is the portable one" >&2
  exit 0
fi
export GRADSWEEP_PORTABLE=1
swift build --scratch-path .build/portable --build-tests
swift test --skip-build --scratch-path .build/portable "${filter[@]}"
