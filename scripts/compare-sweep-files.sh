#!/usr/bin/env bash
# Checks that two gradsweep binaries read every shipped sweep file alike (issue 15: the
# sweep file as parse → validate → expand must change nothing a user sees):
#   - every config (configs/*.yaml, configs/quick/*.yaml): identical `validate` output
#     and `plan --format csv` / `--format table` (run ids hash the resolved configs);
#   - every quick config, run for real: the same run folders, with byte-identical
#     runs/<id>/config.yaml, sweep.yaml and manifest.json's planned runs;
#   - the report of each folder the old binary wrote, made by both: identical
#     report.md, report.html and summary.csv (but for the time the report was written).
# Usage: scripts/compare-sweep-files.sh OLD_BINARY NEW_BINARY   (from the repository root)
# Exit 0 when everything matches; otherwise the differences are printed and it exits 1.
set -u
old=${1:?usage: $0 OLD_BINARY NEW_BINARY}
new=${2:?usage: $0 OLD_BINARY NEW_BINARY}
work=$(mktemp -d "${TMPDIR:-/tmp}/compare-sweep-files.XXXXXX")
trap 'rm -rf "$work"' EXIT
status=0
differ() { echo "DIFFERS: $*"; status=1; }

for file in configs/*.yaml configs/quick/*.yaml; do
  for form in "validate" "plan --format csv" "plan --format table"; do
    # shellcheck disable=SC2086
    "$old" $form "$file" >"$work/old.out" 2>&1; old_rc=$?
    # shellcheck disable=SC2086
    "$new" $form "$file" >"$work/new.out" 2>&1; new_rc=$?
    if [ $old_rc -ne $new_rc ] || ! cmp -s "$work/old.out" "$work/new.out"; then
      differ "$form $file"
      diff "$work/old.out" "$work/new.out" | head -20
    fi
  done
done

for file in configs/quick/*.yaml; do
  for side in old new; do
    binary=$old
    [ $side = new ] && binary=$new
    "$binary" run "$file" -o "$work/$side" -j 2 -q >/dev/null 2>&1 || differ "run failed ($side) $file"
  done
done
(cd "$work/old" && find . -name config.yaml -o -name sweep.yaml | sort) >"$work/old.files"
(cd "$work/new" && find . -name config.yaml -o -name sweep.yaml | sort) >"$work/new.files"
if ! cmp -s "$work/old.files" "$work/new.files"; then
  differ "the run folders (ids)"
  diff "$work/old.files" "$work/new.files" | head -20
fi
while read -r path; do
  cmp -s "$work/old/$path" "$work/new/$path" || differ "$path"
done <"$work/old.files"
for manifest in "$work"/old/*/manifest.json; do
  sweep=$(basename "$(dirname "$manifest")")
  # Planned runs, axes and the report/reference sections; not the creation time or version.
  strip='del(.created, .gradsweep_version, .cores, .jobs)'
  if ! cmp -s <(jq -S "$strip" "$manifest") <(jq -S "$strip" "$work/new/$sweep/manifest.json"); then
    differ "$sweep/manifest.json"
  fi
done
for folder in "$work"/old/*/; do
  sweep=$(basename "$folder")
  for side in old new; do
    binary=$old
    [ $side = new ] && binary=$new
    # -p: the report reads the wall clock from the files' times.
    mkdir -p "$work/report-$side" && cp -pR "$folder" "$work/report-$side/$sweep"
    "$binary" report "$work/report-$side/$sweep" >/dev/null 2>&1 || differ "report failed ($side) $sweep"
  done
  # The report states when it was written: that time is masked, nothing else.
  mask() { sed -E 's/(Report written[^0-9]*)[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]+Z/\1TIME/' "$1"; }
  for name in report.md report.html summary.csv; do
    if ! cmp -s <(mask "$work/report-old/$sweep/$name") <(mask "$work/report-new/$sweep/$name"); then
      differ "$sweep/$name"
      diff <(mask "$work/report-old/$sweep/$name") <(mask "$work/report-new/$sweep/$name") | head -6
    fi
  done
done
count=$(wc -l <"$work/old.files")
[ $status -eq 0 ] && echo "identical: validate, plan (csv, table) of every config; $count config.yaml/sweep.yaml files of the quick runs; manifests; reports"
exit $status
