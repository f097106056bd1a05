#!/bin/sh
# Did a change of random streams keep the rates? Runs scenarios under seeds
# 1..N with two binaries (before and after the change) and prints, per
# scenario and metric, each binary's mean and standard deviation over the
# seeds and how far apart the means are in standard errors (|z| under ~2.5:
# the same rates, different draws; a larger one: a behaviour changed).
#   bench/stream_change.sh OLD_BINARY NEW_BINARY [SEEDS] [SCENARIO...]
# Defaults: 10 seeds; stress-failures, refresh-2y and the probing app scenario.
# Example (issue 26's per-cluster and per-group streams):
#   bench/stream_change.sh /path/to/main/build/evcsim build/evcsim 10
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
old=$1 new=$2
seeds=${3:-10}
[ $# -ge 3 ] && shift 3 || shift $#
[ $# -gt 0 ] || set -- "$here/scenarios/stress-failures.textproto" "$here/scenarios/refresh-2y.textproto" \
  "$here/scenarios/e5420-e5310-merom-probing-app.textproto"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for file in "$@"; do
  name=$(basename "$file" .textproto)
  for which in old new; do
    [ $which = old ] && bin=$old || bin=$new
    seed=1
    while [ $seed -le "$seeds" ]; do
      out="$work/$name/$which/$seed"
      mkdir -p "$out"
      # exit 3 (an expectation failed under another seed) still wrote the results
      "$bin" run "$file" --seed $seed --events none --out "$out" --format json -q >/dev/null 2>&1 || [ $? -eq 3 ]
      seed=$((seed + 1))
    done
  done
done
python3 - "$work" "$seeds" <<'PY'
import json, math, os, sys
work, seeds = sys.argv[1], int(sys.argv[2])
metrics = ["host_failures", "ha_restarts", "crashes", "app_crashes", "vm_crashes", "migrations", "drs_moves",
           "outage_minutes", "vm_arrivals", "vm_departures", "hosts_bought", "baseline_raises"]
def stats(xs):
    m = sum(xs) / len(xs)
    sd = math.sqrt(sum((x - m) ** 2 for x in xs) / (len(xs) - 1)) if len(xs) > 1 else 0.0
    return m, sd
print(f"{seeds} seeds each; mean (sd); z = (new - old) / standard error of the difference")
print(f"{'scenario':34} {'metric':16} {'old':>20} {'new':>20} {'z':>6}")
for name in sorted(os.listdir(work)):
    runs = {w: [json.load(open(os.path.join(work, name, w, s, "results.json")))["totals"]
                for s in sorted(os.listdir(os.path.join(work, name, w)))] for w in ("old", "new")}
    for k in metrics:
        o = [r.get(k, 0) for r in runs["old"]]
        n = [r.get(k, 0) for r in runs["new"]]
        if not any(o) and not any(n):
            continue
        (mo, so), (mn, sn) = stats(o), stats(n)
        se = math.sqrt((so ** 2 + sn ** 2) / len(o))
        z = (mn - mo) / se if se > 0 else 0.0
        print(f"{name:34} {k:16} {f'{mo:.1f} ({so:.1f})':>20} {f'{mn:.1f} ({sn:.1f})':>20} {z:6.2f}")
PY
