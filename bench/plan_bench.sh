#!/bin/sh
# Wall time of one round of `evcsim plan` on scenarios/refresh-10y (1,024
# hosts, 16 clusters, 10 years): the solve (variables, integers, constraints,
# solve time, status with the gap when a limit stopped it) and the whole
# command (solve + the planned and baseline simulations).
# Usage: bench/plan_bench.sh [build/evcsim] [extra plan options, e.g. --time-limit 600]
# EVCSIM_CBC_LOG=1 in the environment adds CBC's log and each cluster's figures on stderr.
set -eu
evcsim=${1:-build/evcsim}
[ $# -gt 0 ] && shift
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
start=$(date +%s.%N)
"$evcsim" plan "$here/scenarios/refresh-10y.textproto" --out "$work/p" --rounds 1 "$@" >"$work/out" 2>"$work/err" || {
  cat "$work/err" >&2
  exit 1
}
end=$(date +%s.%N)
python3 - "$work/p/plan.json" "$start" "$end" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
r = p["rounds"][0]
print(f"variables      {p.get('variables', 0)} ({p.get('integerVariables', p.get('integer_variables', 0))} integer)")
print(f"constraints    {p.get('constraints', 0)}")
print(f"solve          {r.get('solveS', r.get('solve_s', 0)):.1f} s")
print(f"objective      {r.get('objective', 0):.1f}")
print(f"status         {r.get('status', '')}")
print(f"plan command   {float(sys.argv[3]) - float(sys.argv[2]):.1f} s wall (solve + simulations)")
PY
