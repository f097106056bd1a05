#!/bin/sh
# Prints the CPUID features of QEMU's named x86 models as the installed QEMU
# expands them (QMP query-cpu-model-expansion, type "full", under TCG with
# no machine): one line per model,
# "MODEL: flag flag ...", only properties that `-cpu help` lists as
# recognized CPUID flags and that are on. tests/fidelity/qemu-models.txt is
# this script's output, kept with the QEMU version that wrote it; the test
# fidelity.qemu-models-current compares it with the installed QEMU.
# Usage: tests/fidelity/qemu_models.sh [qemu-system-x86_64]
set -eu
qemu=${1:-qemu-system-x86_64}
models="Conroe Penryn Nehalem Westmere SandyBridge IvyBridge Haswell-noTSX Broadwell-noTSX Skylake-Server-noTSX-IBRS
Cascadelake-Server-noTSX Icelake-Server-noTSX Opteron_G1 Opteron_G2 Opteron_G3 Opteron_G4 Opteron_G5
EPYC EPYC-Rome EPYC-Milan"
flags=$("$qemu" -cpu help | sed -n '/Recognized CPUID flags:/,$p' | tail -n +2 | tr -s ' \n' '\n\n' | grep -v '^$' | sort -u)
for m in $models; do
  # One QEMU per model: QMP drops requests beyond its queue of 8.
  printf '%s\n%s\n%s\n' '{"execute":"qmp_capabilities"}' \
    "{\"execute\":\"query-cpu-model-expansion\",\"arguments\":{\"type\":\"full\",\"model\":{\"name\":\"$m\"}}}" \
    '{"execute":"quit"}' |
    timeout 60 "$qemu" -machine none -accel tcg -nodefaults -nographic -qmp stdio 2>/dev/null
done |
  python3 -c '
import json, sys
flags = set(sys.argv[1].split())
for line in sys.stdin:
    try:
        msg = json.loads(line)
    except ValueError:
        continue
    ret = msg.get("return")
    if not isinstance(ret, dict) or "model" not in ret:
        continue
    props = ret["model"]["props"]
    on = sorted(k for k, v in props.items() if v is True and k in flags and "_" not in k)
    print(ret["model"]["name"] + ": " + " ".join(on))
' "$flags"
