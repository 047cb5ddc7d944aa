#!/usr/bin/env bash
# Idle cores inside a run (issue 19): wall and CPU time of two sweeps where fewer runs
# remain than --jobs, for a baseline binary and this one, in alternating rounds.
#
#   scripts/bench-idle-cores.sh BASELINE_BINARY NEW_BINARY [ROUNDS]
#
# one-wide: ONE W4-shaped run (784 → 512×3 → 10, relu, batch 128, 300 steps, logged every
#           50 steps with a validation pass): --jobs 2 can only help through split products.
# tail:     that run plus five narrow ones (width 32…128): the wide run starts first and,
#           once the other worker has finished the narrow ones, is the sweep's tail.
# Each round runs: baseline --jobs 2, new --jobs 1, new --jobs 2 (per sweep). Prints one
# line per measurement: sweep, binary, jobs, wall s, user s, sys s; and the load average.
set -euo pipefail
base=${1:?baseline binary}
new=${2:?new binary}
rounds=${3:-3}
steps=${STEPS:-300}   # training.steps of every run
work=$(mktemp -d /tmp/gradsweep-idle-cores.XXXXXX)
trap 'rm -rf "$work"' EXIT

common='seed: 1
data: {name: gaussian, classes: 10, features: 784, samples: 4000, validation: 0.1}
model: {width: 512, depth: 3, activation: relu, initializer: he_normal}
training: {optimizer: sgd, learning_rate: 0.01, batch_size: 128, steps: '"$steps"'}
log: {every: 50}'
printf 'name: one-wide\n%s\n' "$common" >"$work/one-wide.yaml"
printf 'name: tail\n%s\nsweep:\n  grid:\n    model.width: [512, 32, 48, 64, 96, 128]\n' "$common" >"$work/tail.yaml"

measure() {  # sweep binary-label binary jobs
  local out="$work/out-$RANDOM"
  /usr/bin/time -f '%e %U %S' -o "$work/time" "$3" run "$work/$1.yaml" --out "$out" --jobs "$4" --quiet >/dev/null
  rm -rf "$out"
  read -r wall user sys <"$work/time"
  printf '%-9s %-8s jobs=%s wall=%6.2f user=%6.2f sys=%5.2f load=%s\n' \
    "$1" "$2" "$4" "$wall" "$user" "$sys" "$(cut -d' ' -f1 /proc/loadavg)"
}

for round in $(seq 1 "$rounds"); do
  echo "# round $round ($(date -u +%H:%M:%S) UTC)"
  for sweep in one-wide tail; do
    measure "$sweep" baseline "$base" 2
    measure "$sweep" new "$new" 1
    measure "$sweep" new "$new" 2
  done
done
