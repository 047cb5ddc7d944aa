#!/usr/bin/env bash
# Times an initialisation ensemble (issue 16): 1,000 replicates of a width-256, depth-20
# tanh net at σ_w² = 1.76, σ_b² = 0.05, training.steps 0, batch 1 — the runs measure the
# network at initialisation only, so drawing the Gaussian weights (1.3 M per run) and one
# forward/backward pass are the work. Prints the CPU (user + sys) and wall seconds.
#   scripts/bench-ensemble.sh [BINARY] [REPLICATES] [JOBS]
set -euo pipefail
binary=${1:-.build/release/gradsweep}
replicates=${2:-1000}
jobs=${3:-2}
folder=$(mktemp -d)
trap 'rm -rf "$folder"' EXIT
cat > "$folder/ensemble.yaml" <<YAML
name: ensemble
seed: 1
replicates: $replicates
data: {name: gaussian, features: 64, classes: 4, samples: 256, validation: 0}
model: {width: 256, depth: 20, activation: tanh, weight_variance: 1.76, bias_variance: 0.05}
training: {steps: 0, batch_size: 1}
YAML
start=$(date +%s.%N)
/usr/bin/time -f "%U %S" -o "$folder/time" "$binary" run "$folder/ensemble.yaml" --out "$folder/out" --jobs "$jobs" --quiet
end=$(date +%s.%N)
read -r user sys < "$folder/time"
runs=$(ls "$folder/out/ensemble/runs" | wc -l)
printf 'runs %s  cpu %.1f s (user %.1f + sys %.1f)  wall %.1f s  jobs %s  %s\n' \
  "$runs" "$(echo "$user + $sys" | bc)" "$user" "$sys" "$(echo "$end - $start" | bc)" "$jobs" "$binary"
