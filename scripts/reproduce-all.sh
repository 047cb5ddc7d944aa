#!/usr/bin/env bash
# Runs every shipped reproduction (configs/<study>.yaml) and collects the
# "Published vs measured" table of each report into one Markdown file: an overview
# (claims, pass, fail, time per study), every claim in one table (published, measured,
# accepted band, verdict), then each report's section.
#
#   scripts/reproduce-all.sh                 # full variants → results/reproductions/REPRODUCTIONS.md
#   scripts/reproduce-all.sh --quick         # the quick variants (configs/quick/, seconds)
#   scripts/reproduce-all.sh --jobs 2 --out /tmp/repro nielsen-ch5 he-2015   # some studies only
#
# Options: --out DIR (default results/reproductions), --jobs N (default: gradsweep's,
# the active cores), --quick, --force (retrain everything; by default finished runs are
# kept with --resume, so an interrupted call continues), --strict (exit 1 when a claim
# fails). The release binary is built first unless GRADSWEEP names one.
# Run times of the full variants on 2 cores: docs/reproductions.md.
set -euo pipefail
cd "$(dirname "$0")/.."

studies_all=(seed-vanishing nielsen-ch5 glorot-bengio-2010 he-2015 selu-2017 edge-of-chaos hanin-2018 selu-2017-width mnist1d-2020 poole-2016 pennington-2017)
studies_all+=(saxe-2014)
studies_all+=(pennington-2017-learning)
out=results/reproductions
jobs=()
quick=0
mode=(--resume)
strict=0
studies=()
while (($#)); do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --jobs) jobs=(--jobs "$2"); shift 2 ;;
    --quick) quick=1; shift ;;
    --force) mode=(--force); shift ;;
    --strict) strict=1; shift ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "reproduce-all.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) studies+=("$1"); shift ;;
  esac
done
((${#studies[@]})) || studies=("${studies_all[@]}")

if [[ -z "${GRADSWEEP:-}" ]]; then
  swift build -c release --product gradsweep >&2
  GRADSWEEP=.build/release/gradsweep
fi

mkdir -p "$out"
collected="$out/REPRODUCTIONS.md"
body=$(mktemp)
trap 'rm -f "$body"' EXIT
overview=()
claims_table=()
total_failed=0

for study in "${studies[@]}"; do
  if ((quick)); then config="configs/quick/$study.yaml"; else config="configs/$study.yaml"; fi
  [[ -f "$config" ]] || { echo "reproduce-all.sh: no $config" >&2; exit 2; }
  # The results folder is named by the sweep's `name:`.
  name=$(sed -n 's/^name:[[:space:]]*\([^[:space:]#]*\).*/\1/p' "$config" | head -n 1)
  echo "== $study ($config)" >&2
  start=$(date +%s)
  status=0
  "$GRADSWEEP" run "$config" --out "$out" "${jobs[@]}" "${mode[@]}" --quiet || status=$?
  seconds=$(($(date +%s) - start))
  report="$out/$name/report.md"
  if [[ ! -f "$report" ]]; then
    echo "reproduce-all.sh: $config produced no report (exit $status)" >&2
    overview+=("| $study | \`$config\` | — | — | — | ${seconds} s | no report (exit $status) |")
    continue
  fi
  # The section: from its heading to the next level-2 heading; its sub-headings go one level down.
  section=$(awk '/^## Published vs measured$/ {on=1; next} on && /^## / {exit} on' "$report" | sed -e 's/^### /#### /' -e '/./,$!d')
  rows=$(printf '%s\n' "$section" | grep -E '^\| [0-9]+ \|' || true)
  passed=$(printf '%s\n' "$rows" | grep -c '✅' || true)
  failed=$(printf '%s\n' "$rows" | grep -c '❌' || true)
  claims=$(printf '%s\n' "$rows" | grep -c . || true)
  total_failed=$((total_failed + failed))
  runs=$(($(wc -l < "$out/$name/summary.csv") - 1))
  overview+=("| $study | \`$config\` | $claims | $passed | $failed | ${seconds} s | $runs runs, exit $status |")
  # One line per claim: study, #, claim, published, measured, accepted band, verdict (the
  # report's columns 2, 3, 5, 6, 8, 9; its cells never contain an unescaped '|').
  while IFS= read -r row; do
    [[ -n "$row" ]] || continue
    claims_table+=("$(printf '%s\n' "$row" | awk -v s="$study" '{
      split($0, c, / \| /); sub(/ *\|$/, "", c[8])
      printf "| %s | %s | %s | %s | %s | %s | %s |", s, substr(c[1], 3), c[2], c[4], c[5], c[7], c[8]
    }')")
  done <<< "$rows"
  {
    echo
    echo "## $study"
    echo
    echo "\`$GRADSWEEP run $config\` — $runs runs; this call took ${seconds} s (runs kept from an earlier call are not retrained); report: \`$report\`."
    echo
    printf '%s\n' "$section"
  } >> "$body"
done

{
  echo "# Published vs measured: gradsweep's reproductions"
  echo
  echo "Written by \`scripts/reproduce-all.sh\` on $(date -u +%Y-%m-%dT%H:%M:%SZ) ($(uname -sm), $(getconf _NPROCESSORS_ONLN) cores, $("$GRADSWEEP" --version 2>/dev/null || echo "gradsweep")), $( ((quick)) && echo "quick variants" || echo "full variants")."
  echo "Each study's claims, sources and tolerances are in its config's \`reference:\` section; how a row is measured: docs/reproductions.md."
  echo
  echo "| study | config | claims | pass | fail | time | runs |"
  echo "| --- | --- | ---: | ---: | ---: | ---: | --- |"
  printf '%s\n' "${overview[@]}"
  echo
  echo "## Every claim"
  echo
  echo "| study | # | claim | published | measured | accepted | verdict |"
  echo "| --- | ---: | --- | --- | ---: | --- | --- |"
  ((${#claims_table[@]})) && printf '%s\n' "${claims_table[@]}"
  cat "$body"
} > "$collected"

echo "wrote $collected ($total_failed failing claims)" >&2
if ((strict && total_failed > 0)); then exit 1; fi
