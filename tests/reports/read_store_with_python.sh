#!/bin/sh
# The event store read by a client that is not evcsim: Python's own sqlite3
# module (what pandas.read_sql uses), on the probing-app scenario: its one
# crash, with VM, software, cause and the missing feature, and the migration
# that brought it there.
# usage: read_store_with_python.sh EVCSIM PYTHON3 SOURCE_DIR
set -eu
evcsim=$1 python=$2 src=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$evcsim" run "$src/scenarios/e5420-e5310-merom-probing-app.textproto" --out "$work/run" --quiet
"$python" - "$work/run/events.sqlite" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
crashes = db.execute("SELECT vm, software, cause, features, src, dst, t FROM crash").fetchall()
assert crashes == [("media", "encoder", "probing-software", "sse4_1", "e5420", "e5310", crashes[0][6])], crashes
moves = db.execute("SELECT vm, src, dst, downtime_s FROM migration_completed").fetchall()
assert len(moves) == 1 and moves[0][:3] == ("media", "e5420", "e5310") and 0 < moves[0][3] < 1, moves
run = db.execute("SELECT scenario, seed, detail FROM run").fetchone()
assert run == ("e5420-e5310-merom-probing-app", 1, "operations"), run
print("ok: python's sqlite3 reads the store:", crashes[0][:4], "after", moves[0][:3])
PY
