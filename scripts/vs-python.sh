#!/usr/bin/env bash
# Times the Python reference (qml-hcs) and hcbench on the same grid, one after
# the other on this machine, and prints per-config ratios of time_epoch_mean
# and their geometric mean.
#
#   scripts/vs-python.sh /path/to/qml-hcs [rounds]
#
# Needs python3 with numpy and a checkout of github.com/Neureonmindflux-Research-Lab/qml-hcs.
# tracemalloc is switched off in the reference (its example turns it on, which
# slows Python several-fold and would flatter hcbench). Nothing of qml-hcs is
# copied here: the script imports the checkout given.
set -euo pipefail
ref=${1:?usage: scripts/vs-python.sh /path/to/qml-hcs [rounds]}
rounds=${2:-1}
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/hcbench" "$here/cmd/hcbench"
for i in $(seq "$rounds"); do
  echo "== round $i: Python reference" >&2
  (cd "$work" && PYTHONPATH="$ref/src:$ref/examples" python3 - <<'PY'
import tracemalloc
# Off: the reference's timings below are of the model, not of tracemalloc.
tracemalloc.start = lambda *a, **k: None
tracemalloc.stop = lambda *a, **k: None
tracemalloc.get_traced_memory = lambda: (0, 0)
import ex_benchmark_performance_demo as ex
ex._HAS_MPL = False
ex.run_benchmarks()
PY
  ) >/dev/null
  mv "$work/.benchmarks/qmlhc_benchmarks.csv" "$work/py$i.csv"
  echo "== round $i: hcbench" >&2
  "$work/hcbench" --headless -o "$work/go$i" >/dev/null 2>&1
done
python3 - "$work" "$rounds" <<'PY'
import csv, math, sys
work, rounds = sys.argv[1], int(sys.argv[2])
def load(p):
    return {(int(float(r["D"])), int(float(r["K"])), int(float(r["T"]))): float(r["time_epoch_mean"]) for r in csv.DictReader(open(p))}
ratios = {}
for i in range(1, rounds + 1):
    py, go = load(f"{work}/py{i}.csv"), load(f"{work}/go{i}/qmlhc_benchmarks.csv")
    for k in py:
        ratios.setdefault(k, []).append((py[k], go[k]))
print("| config | Python time/epoch | hcbench time/epoch | ratio |")
print("|---|---|---|---|")
logs = []
for k in sorted(ratios, key=lambda k: (k[0], k[1], k[2])):
    py = sum(a for a, _ in ratios[k]) / len(ratios[k])
    go = sum(b for _, b in ratios[k]) / len(ratios[k])
    logs.append(math.log(py / go))
    print(f"| D={k[0]} K={k[1]} T={k[2]} | {py*1e3:.2f} ms | {go*1e6:.1f} µs | {py/go:.0f}× |")
print(f"\ngeometric mean ratio: {math.exp(sum(logs)/len(logs)):.0f}× over {len(logs)} configs, {rounds} round(s)")
PY
