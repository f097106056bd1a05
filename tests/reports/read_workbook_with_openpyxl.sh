#!/bin/sh
# The workbook (`run --format xlsx`) read by a client that is not evcsim:
# openpyxl, what Python's spreadsheet tooling uses. One run of SCENARIO writes
# results.json, the CSVs and results.xlsx; the workbook must have the sheets
# in order, bold frozen headers, numbers as numbers, dates as dates, and the
# values of results.json and of each list's CSV.
# usage: read_workbook_with_openpyxl.sh EVCSIM PYTHON3 SCENARIO
set -eu
evcsim=$1 python=$2 scenario=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$evcsim" run "$scenario" --out "$work/run" --format json,csv,xlsx --quiet
"$python" - "$work/run" <<'PY'
import csv, datetime, json, os, sys
import openpyxl

run = sys.argv[1]
res = json.load(open(os.path.join(run, "results.json")))
wb = openpyxl.load_workbook(os.path.join(run, "results.xlsx"))
lists = ["vms-power-cycle", "vms-cold-moves", "vms-waiting-for-room", "vms-os-blocked"]
sheets = {"vms-power-cycle": "power cycle for a raise", "vms-cold-moves": "cold moves",
          "vms-waiting-for-room": "waiting for room", "vms-os-blocked": "blocked from next OS",
          "hosts": "hosts"}
expected = ["summary", "clusters", "cluster years", "hosts", "purchases", "raises"] + [sheets[l] for l in lists]
assert wb.sheetnames == expected, wb.sheetnames

# what a cell shows
def shown(v):
    if v is None:
        return ""
    if isinstance(v, datetime.datetime):
        return v.strftime("%Y-%m-%d")
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)

for ws in wb.worksheets:  # a bold header row, frozen, and widths set
    assert ws.freeze_panes == "A2", (ws.title, ws.freeze_panes)
    assert all(c.font.b for c in ws[1] if c.value is not None), ws.title
    for col in range(1, ws.max_column + 1):
        letter = openpyxl.utils.get_column_letter(col)
        dim = ws.column_dimensions[letter]
        longest = max(len(shown(c.value)) for c in ws[letter])
        assert dim.customWidth and dim.width >= min(longest, 60), (ws.title, letter, dim.width, longest)

def rows(ws):
    return list(ws.iter_rows(min_row=2, values_only=True))

# summary: the scenario, then every total of results.json as a number.
summary = {r[0]: r[1] for r in rows(wb["summary"])}
assert summary["scenario"] == res["scenario"]["name"], summary["scenario"]
calendar = "start_date" in res["scenario"]
if calendar:
    assert isinstance(summary["end"], datetime.datetime), summary["end"]
    assert summary["end"].strftime("%Y-%m-%d") == res["scenario"]["end_date"]
for k, v in res["totals"].items():
    assert isinstance(summary[k], (int, float)), (k, summary[k])
    assert abs(summary[k] - v) <= 1e-9 * max(1, abs(v)), (k, summary[k], v)

# purchases and raises: one row each, dates as dates.
purchases = rows(wb["purchases"])
assert len(purchases) == len(res.get("purchases", [])), (len(purchases), len(res.get("purchases", [])))
for row, p in zip(purchases, res.get("purchases", [])):
    if calendar:
        assert isinstance(row[0], datetime.datetime) and row[0].strftime("%Y-%m-%d") == p["date"], (row, p)
    assert row[1:4] == (p["cluster"], p["cpu"], p["count"]), (row, p)
raises = rows(wb["raises"])
assert len(raises) == len(res.get("raises", [])), len(raises)
for row, x in zip(raises, res.get("raises", [])):
    assert row[0:3] == (x["cluster"], x["from"], x["to"]), (row, x)
    assert row[8] == x.get("vms_waiting", 0), (row, x)

# clusters: their host-years add up to cluster_years'.
hy = sum(y.get("host_years", 0) for y in res.get("cluster_years", []))
assert abs(sum(r[4] for r in rows(wb["clusters"])) - hy) < 1e-6 * max(1, hy)

# each list: the CSV's rows, cell for cell (numbers and dates typed).

counts = {}
for name in lists + ["hosts"]:
    with open(os.path.join(run, name + ".csv"), newline="") as f:
        want = list(csv.reader(f))
    ws = wb[sheets[name]]
    got = [[c.value for c in r] for r in ws.iter_rows()]
    assert [shown(v) for v in got[0]] == want[0], (name, got[0], want[0])
    assert len(got) == len(want), (name, len(got), len(want))
    for g, w in zip(got[1:], want[1:]):
        g = [shown(v) for v in g] + [""] * (len(w) - len(g))
        for a, b in zip(g, w):
            assert a == b or (a and b and float(a) == float(b)), (name, g, w)
    counts[name] = len(want) - 1
for name, col in (("vms-power-cycle", 4), ("vms-cold-moves", 5), ("vms-waiting-for-room", 2)):
    for r in rows(wb[sheets[name]]):
        assert isinstance(r[col], datetime.datetime if calendar else (int, float)), (name, r)
assert counts["vms-power-cycle"] == sum(x.get("vms_waiting", 0) for x in res.get("raises", [])), counts
assert counts["vms-cold-moves"] == res["totals"].get("cold_migrations", 0), counts
assert counts["vms-waiting-for-room"] == res["totals"].get("power_on_waits", 0), counts
assert all(counts[l] > 0 for l in lists), counts  # the scenario has rows in every list
print("ok: openpyxl reads the workbook:", wb.sheetnames, counts)
PY
