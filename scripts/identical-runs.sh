#!/usr/bin/env bash
# Measures what issue 10 and 11 ask of the statistics, with the real binary:
# three identical back-to-back headless runs A, B, C of a grid (default the
# reference's); B and C with --baseline of the run before and
# --fail-on-regression 5. Prints the load, each run's exit code and verdict
# counts, the rerun coverage of the intervals (each run's ci_low..ci_high
# holding the other runs' time_epoch_median) with the median half-width,
# the gate against a baseline whose times are all ×0.7, `hcbench compare`'s
# exit codes, and benchstat's verdicts on A vs B.
#
#   scripts/identical-runs.sh [hcbench flags...]     e.g. -D 3,6 -K 3,9 -T 48,96
#   TRIES=5 scripts/identical-runs.sh                 five tries, then the totals
#
# One try says little: the machine's speed drifts between runs, so the
# coverage of one triple swings by ±15 points. TRIES repeats the whole
# measurement and sums the (config, pair) cases over the tries.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
top=$(mktemp -d)
trap 'rm -rf "$top"' EXIT
go build -o "$top/hcbench" "$here/cmd/hcbench" || exit 1
tries=${TRIES:-1}
for try in $(seq "$tries"); do
[ "$tries" -gt 1 ] && echo "== try $try of $tries"
work="$top/try$try"
mkdir -p "$work"
cp "$top/hcbench" "$work/hcbench"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo n/a)"
"$work/hcbench" --headless -o "$work/A" "$@" >"$work/A.out" 2>&1; echo "A: exit $?"
"$work/hcbench" --headless -o "$work/B" "$@" --baseline "$work/A/qmlhc_benchmarks.jsonl" --fail-on-regression 5 >"$work/B.out" 2>&1; echo "B (baseline A, gate 5%): exit $?"
"$work/hcbench" --headless -o "$work/C" "$@" --baseline "$work/B/qmlhc_benchmarks.jsonl" --fail-on-regression 5 >"$work/C.out" 2>&1; echo "C (baseline B, gate 5%): exit $?"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo n/a)"
grep -h "^- Baseline" "$work/B.out" "$work/C.out"
python3 - "$work" <<'PY'
import csv, json, sys
work = sys.argv[1]
runs = {n: list(csv.DictReader(open(f"{work}/{n}/qmlhc_benchmarks.csv"))) for n in "ABC"}
cov = cases = 0
hw = []
for a in "ABC":
    for i, r in enumerate(runs[a]):
        m, lo, hi = float(r["time_epoch_median"]), float(r["time_epoch_ci_low"] or "nan"), float(r["time_epoch_ci_high"] or "nan")
        hw.append(max(hi - m, m - lo) / m)
        for b in "ABC":
            if b != a:
                o = float(runs[b][i]["time_epoch_median"])
                cases += 1
                cov += lo <= o <= hi
hw.sort()
print(f"rerun coverage: {cov} of {cases} (config, pair) cases = {100*cov/cases:.0f}%; median CI half-width {100*hw[len(hw)//2]:.1f}% of the headline")
open(f"{work}/coverage", "w").write(f"{cov} {cases} {hw[len(hw)//2]}\n")
for n in "BC":
    v = [r["baseline_verdict"] for r in runs[n]]
    print(f"{n}: verdicts {', '.join(f'{k} {v.count(k)}' for k in ('faster', 'slower', '~', '?'))}")
# A baseline whose time_* fields are all ×0.7: the current run looks 1.43× slower.
with open(f"{work}/fast.jsonl", "w") as out:
    for line in open(f"{work}/A/qmlhc_benchmarks.jsonl"):
        rec = json.loads(line)
        def scale(o):
            if isinstance(o, dict):
                return {k: (scale(v) if not k.startswith("time_") or k == "time_elapsed" else scale_t(v)) for k, v in o.items()}
            if isinstance(o, list):
                return [scale(x) for x in o]
            return o
        def scale_t(v):
            if isinstance(v, list):
                return [x * 0.7 for x in v]
            return v * 0.7 if isinstance(v, (int, float)) and v is not None else v
        out.write(json.dumps(scale(rec)) + "\n")
PY
"$work/hcbench" --headless -o "$work/D" "$@" --baseline "$work/fast.jsonl" --fail-on-regression 5 >"$work/D.out" 2>"$work/D.err"; echo "D (baseline = A ×0.7, gate 5%): exit $?"
"$work/hcbench" compare "$work/A/qmlhc_benchmarks.jsonl" "$work/B/qmlhc_benchmarks.jsonl" --fail-on-regression 5 >"$work/cmp.out" 2>&1; echo "compare A B --fail-on-regression 5: exit $?"
"$work/hcbench" compare "$work/fast.jsonl" "$work/B/qmlhc_benchmarks.jsonl" --fail-on-regression 5 >/dev/null 2>&1; echo "compare A×0.7 B --fail-on-regression 5: exit $?"
"$work/hcbench" compare "$work/none.jsonl" "$work/B/qmlhc_benchmarks.jsonl" >/dev/null 2>&1; echo "compare with a missing file: exit $?"
grep "matched configs" "$work/cmp.out"
(cd "$here" && go tool benchstat "$work/A/qmlhc_benchmarks.bench.txt" "$work/B/qmlhc_benchmarks.bench.txt") >"$work/bs.out" 2>&1
sec=$(awk '/sec\/op/{f=1} f&&/^$/{exit} f' "$work/bs.out")
echo "benchstat A vs B: $(grep -c '~' <<<"$sec") of $(grep -c '^Epoch/' <<<"$sec") configs '~'"
python3 - "$work" "$here" <<'PY'
import csv, sys
work = sys.argv[1]
rows = {f"Epoch/D={r['D']}/K={r['K']}/T={r['T']}": float(r["time_epoch_median"]) for r in csv.DictReader(open(f"{work}/A/qmlhc_benchmarks.csv"))}
import subprocess
out = subprocess.run(["go", "tool", "benchstat", "-format", "csv", f"{work}/A/qmlhc_benchmarks.bench.txt"],
                     capture_output=True, text=True, cwd=sys.argv[2]).stdout
worst, table = 0, False
for line in out.splitlines():
    f = line.split(",")
    if len(f) > 1 and f[1] == "sec/op":
        table = True
    elif table and not line.strip():
        break  # the next table is peak-bytes
    elif table and f[0] in rows:
        worst = max(worst, abs(float(f[1]) / rows[f[0]] - 1))
print(f"benchstat centre vs time_epoch_median: at most {100*worst:.1f}% apart")
PY
done
if [ "$tries" -gt 1 ]; then
  echo "== totals over $tries tries"
  cat "$top"/try*/coverage | awk '{c+=$1; n+=$2; h=h" "sprintf("%.1f%%", 100*$3)} END {printf "rerun coverage: %d of %d = %.0f%%; median half-widths per try:%s\n", c, n, 100*c/n, h}'
fi
