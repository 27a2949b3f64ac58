#!/usr/bin/env bash
# Measures what the A/B statistics claim (README "A/B in one sweep"), with
# the real binary, on the reference grid unless flags say otherwise:
#
#   scripts/ab-check.sh aa [N] [flags...]     N A/A runs (--vs policy=<the plan's>),
#                                             each after a plain run of the same grid:
#                                             verdicts, half-widths, coverage of 1,
#                                             and the A/B run's time over the plain run's
#   scripts/ab-check.sh ab VS [N] [flags...]  a long run (--min-time ×LONG, default 10)
#                                             of --vs VS for the true ratio, then N
#                                             runs: how often each config is called
#                                             slower/faster, and coverage of the truth
#
# e.g. scripts/ab-check.sh aa 10
#      scripts/ab-check.sh aa 5 --vs binary=/tmp/hcbench-copy   (cross-process A/A)
#      scripts/ab-check.sh ab qmlhc=/tmp/slow 5 --engine python --qmlhc /tmp/qmlhc --min-time 200ms
# Prints the load before each run. Keeps nothing (a temporary directory),
# unless KEEP=DIR names a directory to copy the runs' results into.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
top=$(mktemp -d)
keep() { [ -n "${KEEP:-}" ] && mkdir -p "$KEEP" && cp -r "$top"/aa "$top"/ab "$top"/long "$KEEP"/ 2>/dev/null; rm -rf "$top"; }
trap keep EXIT
go build -o "$top/hcbench" "$here/cmd/hcbench" || exit 1
mode=${1:-aa}; shift || true
now() { date +%s.%N; }
load() { cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo n/a; }
case "$mode" in
aa)
  n=${1:-10}; shift || true
  vs=(--vs policy=mean)
  for a in "$@"; do [ "$a" = --vs ] && vs=(); done
  ratios=()
  for i in $(seq "$n"); do
    t0=$(now); "$top/hcbench" --headless -o "$top/plain$i" "$@" >/dev/null 2>&1 || echo "plain run $i: exit $?"
    t1=$(now); "$top/hcbench" --headless -o "$top/aa" "${vs[@]}" "$@" >"$top/aa$i.out" 2>&1 || echo "A/A run $i: exit $?"
    t2=$(now)
    r=$(awk -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN { printf "%.4f", (c-b)/(b-a) }')
    ratios+=("$r")
    awk -v i="$i" -v l="$(load)" -v a="$t0" -v b="$t1" -v c="$t2" -v r="$r" \
      'BEGIN { printf "run %d: load %s, plain %.1fs, A/B %.1fs, ratio %.2f\n", i, l, b-a, c-b, r }'
  done
  printf '%s\n' "${ratios[@]}" | sort -g | awk '{a[NR]=$1} END {printf "A/B time over plain time: median %.2f, max %.2f\n", a[int((NR+1)/2)], a[NR]}'
  (cd "$here" && go run ./scripts/abcheck "$top/aa")
  ;;
ab)
  vs=$1; shift
  n=${1:-5}; shift || true
  long=${LONG:-10}
  mt=10ms
  args=()
  while [ $# -gt 0 ]; do
    if [ "$1" = --min-time ]; then mt=$2; shift 2; continue; fi
    args+=("$1"); shift
  done
  longmt=$(awk -v m="$mt" -v k="$long" 'BEGIN { u = m; sub(/[0-9.]+/, "", u); v = m; sub(/[a-z]+$/, "", v); printf "%g%s", v*k, u }')
  echo "load $(load): the long run, --min-time $longmt"
  "$top/hcbench" --headless -o "$top/long" --vs "$vs" --min-time "$longmt" "${args[@]}" >"$top/long.out" 2>&1 || echo "long run: exit $?"
  for i in $(seq "$n"); do
    echo "load $(load): run $i, --min-time $mt"
    "$top/hcbench" --headless -o "$top/ab" --vs "$vs" --min-time "$mt" "${args[@]}" >"$top/ab$i.out" 2>&1 || echo "run $i: exit $?"
  done
  (cd "$here" && go run ./scripts/abcheck -truth "$top/long" "$top/ab")
  ;;
*) echo "usage: scripts/ab-check.sh aa [N] [flags...] | ab VS [N] [flags...]" >&2; exit 2 ;;
esac
