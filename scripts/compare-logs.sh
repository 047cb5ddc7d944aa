#!/usr/bin/env bash
# Runs every shipped config's quick variant with two gradsweep binaries and compares the
# logs byte for byte: metrics.csv and layers.csv of every run, all columns but elapsed_s.
# Also runs a few extra sweeps (scripts/compare-logs/*.yaml) that reach the engine's
# other update strategies (momentum/Adam, blocked updates of wide layers, clipping,
# dropout, PReLU, residual blocks, stalls), so a refactoring of the training step can be
# checked end to end.
#
#   scripts/compare-logs.sh OLD_BINARY NEW_BINARY [WORK_FOLDER]
#
# Exit status 0 when every file is identical, 1 otherwise (the differing files listed).
# The quick variants: configs/quick/*.yaml as they are, configs/quickstart.yaml with
# 3 epochs (as the browser test runs it), configs/theory-check.yaml with 2 replicates.
set -euo pipefail
old=${1:?usage: compare-logs.sh OLD_BINARY NEW_BINARY [WORK_FOLDER]}
new=${2:?usage: compare-logs.sh OLD_BINARY NEW_BINARY [WORK_FOLDER]}
root=$(cd "$(dirname "$0")/.." && pwd)
work=${3:-$(mktemp -d)}
mkdir -p "$work/configs"

cp "$root"/configs/quick/*.yaml "$work/configs/"
sed 's/epochs: 60/epochs: 3/' "$root/configs/quickstart.yaml" > "$work/configs/quickstart-quick.yaml"
sed 's/^replicates: 32/replicates: 2/' "$root/configs/theory-check.yaml" > "$work/configs/theory-check-quick.yaml"
cp "$root"/scripts/compare-logs/*.yaml "$work/configs/" 2>/dev/null || true

status=0
for config in "$work"/configs/*.yaml; do
  for side in old new; do
    binary=$old; [ "$side" = new ] && binary=$new
    rm -rf "$work/$side/$(basename "$config" .yaml)"
    # Data paths in configs are relative to the package root.
    (cd "$root" && "$binary" run "$config" --out "$work/$side/$(basename "$config" .yaml)" --jobs 2 --quiet) \
      || echo "note: $side binary exited $? on $(basename "$config")"
  done
done

# Drops the elapsed_s column (by its header name) from a CSV file.
strip() {
  awk -F, -v OFS=, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "elapsed_s") skip = i }
    { if (skip) { line = ""; for (i = 1; i <= NF; i++) if (i != skip) line = line (line == "" ? "" : OFS) $i; print line } else print }' "$1"
}

files=0
while IFS= read -r file; do
  relative=${file#"$work/old/"}
  counterpart="$work/new/$relative"
  files=$((files + 1))
  if [ ! -f "$counterpart" ]; then
    echo "missing in new: $relative"; status=1; continue
  fi
  if ! cmp -s <(strip "$file") <(strip "$counterpart"); then
    echo "differs: $relative"; status=1
  fi
done < <(find "$work/old" \( -name metrics.csv -o -name layers.csv \) | sort)
extra=$(comm -13 <(cd "$work/old" && find . \( -name metrics.csv -o -name layers.csv \) | sort) \
  <(cd "$work/new" && find . \( -name metrics.csv -o -name layers.csv \) | sort))
if [ -n "$extra" ]; then echo "only in new: $extra"; status=1; fi
# The status of every run (completed, diverged, stalled …) and its step count must agree too.
while IFS= read -r file; do
  relative=${file#"$work/old/"}
  a=$(grep -o '"\(status\|steps\|diverged_at_step\)" *: *[^,}]*' "$file" | sort)
  b=$(grep -o '"\(status\|steps\|diverged_at_step\)" *: *[^,}]*' "$work/new/$relative" 2>/dev/null | sort)
  [ "$a" = "$b" ] || { echo "status differs: $relative"; status=1; }
done < <(find "$work/old" -name status.json | sort)

echo "compared $files log files in $(ls "$work/configs" | wc -l) sweeps (work folder $work): $([ $status = 0 ] && echo identical || echo DIFFERENT)"
exit $status
