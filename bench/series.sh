#!/usr/bin/env bash
# Benchmark 5, the scale series: bench/run.sh at several city sizes, then one
# table of each benchmark's times against N, with how the cost grew from one
# size to the next relative to N (1.00 = exactly linear).
#
#   bench/series.sh [--sizes LIST] [--only LIST] [--work DIR] [run.sh options…]
#
#   --sizes   comma list of persons, default 500000,1000000,2000000,5000000
#   --only    passed to run.sh, default load,evidence,payroll,verify
#   --work    keep each size's results (and city) in DIR/N (default: a temporary
#             directory, removed at the end)
#
# Each size is its own run.sh invocation: its own city, its own databases
# (removed as soon as each benchmark's result is checked), its own checks.
# The table goes to stdout and to WORK/series.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=500000,1000000,2000000,5000000
ONLY=load,evidence,payroll,verify
WORK=
KEEP=0
ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) SIZES=$2; shift 2 ;;
    --only) ONLY=$2; shift 2 ;;
    --work) WORK=$2; KEEP=1; shift 2 ;;
    *) ARGS+=("$1"); shift ;;
  esac
done
if [ -z "$WORK" ]; then WORK=$(mktemp -d /tmp/minzheng-series.XXXXXX); fi
mkdir -p "$WORK"
[ "$KEEP" -eq 1 ] || trap 'rm -rf "$WORK"' EXIT

for n in ${SIZES//,/ }; do
  printf '\n######## N = %s\n' "$n"
  bench/run.sh --persons "$n" --only "$ONLY" --work "$WORK/$n" "${ARGS[@]}"
  rm -rf "$WORK/$n/city" # several GB at 5 million; `minzheng gen` remakes it byte for byte
done

# One row per benchmark and size: the benchmark's key (its number and the part in
# parentheses, N and counts left out), minzheng's and the baseline's seconds, the ratio.
# (The API's lines, requests per second, are in each size's results.txt.)
for n in ${SIZES//,/ }; do
  awk -F' [|] ' -v n="$n" '$1 !~ /^4 / {
      key = $1; sub(/ .*/, "", key)
      if (match($1, /\([^)]*\)$/)) key = key " " substr($1, RSTART, RLENGTH)
      mz = $2; sub(/s .*/, "", mz)
      base = $3; sub(/^[a-z0-9]+ /, "", base); sub(/s .*/, "", base)
      ratio = $4; sub(/ .*/, "", ratio)
      printf "%s\t%s\t%s\t%s\t%s\n", key, n, mz, base, ratio
    }' "$WORK/$n/results.txt"
done >"$WORK/series.tsv"

{
  printf '%-18s %10s %10s %8s %10s %8s %8s\n' benchmark persons minzheng growth baseline growth ratio
  sort -t$'\t' -k1,1 -k2,2n -s "$WORK/series.tsv" | awk -F'\t' '{
      growth = "-"; bgrowth = "-"
      if ($1 == last && n0 > 0 && m0 > 0 && $3 + 0 > 0)
        growth = sprintf("%.2f", ($3 / m0) / ($2 / n0))
      if ($1 == last && n0 > 0 && b0 > 0 && $4 + 0 > 0)
        bgrowth = sprintf("%.2f", ($4 / b0) / ($2 / n0))
      printf "%-18s %10s %9ss %8s %9ss %8s %8s\n", $1, $2, $3, growth, $4, bgrowth, $5
      last = $1; n0 = $2; m0 = $3; b0 = $4
    }'
  echo
  echo "growth: (time at N / time at the previous N) / (N / previous N); 1.00 is linear"
} | tee "$WORK/series.txt"
