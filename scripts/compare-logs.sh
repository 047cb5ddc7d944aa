#!/usr/bin/env bash
# Runs every shipped config's quick variant with two gradsweep binaries and compares the
# logs byte for byte: metrics.csv and layers.csv of every run, all columns but elapsed_s
# (and each run's status.json and each sweep's summary.csv, all but their seconds).
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

# Drops a column (by its header name; elapsed_s unless given) from a CSV file.
strip() {
  awk -F, -v OFS=, -v column="${2:-elapsed_s}" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == column) skip = i }
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
# Every run's status.json (outcome, steps, final and test losses; not its seconds) and
# every sweep's summary.csv (not its seconds column) must agree too.
while IFS= read -r file; do
  relative=${file#"$work/old/"}
  cmp -s <(grep -v '"seconds"' "$file") <(grep -v '"seconds"' "$work/new/$relative" 2>/dev/null) \
    || { echo "status differs: $relative"; status=1; }
done < <(find "$work/old" -name status.json | sort)
# summary.csv quotes cells with commas (a stall rule as an axis), so it is read as CSV.
python3 - "$work" <<'PY' || status=1
import csv, pathlib, sys
work, failed = pathlib.Path(sys.argv[1]), False
def rows(path):
    table = list(csv.reader(path.open()))
    drop = table[0].index("seconds") if table and "seconds" in table[0] else None
    return [[cell for i, cell in enumerate(row) if i != drop] for row in table]
for old in sorted((work / "old").rglob("summary.csv")):
    new = work / "new" / old.relative_to(work / "old")
    if not new.exists() or rows(old) != rows(new):
        print(f"summary differs: {old.relative_to(work / 'old')}")
        failed = True
sys.exit(1 if failed else 0)
PY

echo "compared $files log files in $(ls "$work/configs" | wc -l) sweeps (work folder $work): $([ $status = 0 ] && echo identical || echo DIFFERENT)"
exit $status
