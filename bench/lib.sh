# Sourced by the benchmark scripts; needs $evcsim (the binary), $here (the
# checkout) and $work (a scratch folder).
# measure NAME FILE [run options]: the wall time and peak memory of `evcsim
# run FILE OPTIONS` (exit 3, a failed expectation of a shortened run, is
# fine) and, when the options write to "$work/outdir", the size of what it
# wrote. Prints one line, appends it to bench/history.csv with the commit (so
# a regression shows), and leaves the peak in $peak_kib, the wall time in
# $wall_s and the user + system CPU time in $cpu_s.
history="$here/bench/history.csv"
commit=$(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo unknown)
[ -z "$(git -C "$here" status --porcelain --untracked-files=no 2>/dev/null)" ] || commit="$commit-dirty"
[ -f "$history" ] || echo "date,commit,benchmark,wall_s,peak_mib,outputs_mib" >"$history"

measure() {
  name=$1 file=$2
  shift 2
  rm -rf "$work/outdir"
  code=0
  /usr/bin/time -f "%e %M %U %S" -o "$work/time" "$evcsim" run "$file" "$@" >"$work/out" 2>"$work/err" || code=$?
  [ "$code" -le 3 ] || { echo "$name: evcsim failed (exit $code)"; cat "$work/err"; return; }
  set -- $(tail -n 1 "$work/time")
  peak_kib=$2 wall_s=$1 cpu_s=$(awk -v u="$3" -v s="$4" 'BEGIN { print u + s }')
  outputs=""
  [ -d "$work/outdir" ] && outputs=$(du -sm "$work/outdir" | cut -f1)
  printf '%-52s %8s s %6d MiB%s\n' "$name" "$1" $(($2 / 1024)) "${outputs:+, outputs $outputs MiB}"
  echo "$(date -u +%Y-%m-%dT%H:%M:%SZ),$commit,\"$name\",$1,$(($2 / 1024)),$outputs" >>"$history"
}
