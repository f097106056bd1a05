#!/bin/sh
# Prints the CPUID features of QEMU's named x86 models as the installed QEMU
# expands them (QMP query-cpu-model-expansion, type "full", under TCG with no
# machine): one line per model, "MODEL: flag flag ...", only the properties
# that `-cpu help` lists as recognized CPUID flags and that are on.
# tests/fidelity/qemu-models.txt is this script's output, kept with the QEMU
# version that wrote it; fidelity.qemu-models-current compares the two.
# Usage: tests/fidelity/qemu_models.sh [qemu-system-x86_64]
set -eu
qemu=${1:-qemu-system-x86_64}
models="Conroe Penryn Nehalem Westmere SandyBridge IvyBridge Haswell-noTSX Broadwell-noTSX Skylake-Server-noTSX-IBRS
Cascadelake-Server-noTSX Icelake-Server-noTSX Opteron_G1 Opteron_G2 Opteron_G3 Opteron_G4 Opteron_G5
EPYC EPYC-Rome EPYC-Milan Skylake-Server-v5 Cascadelake-Server-v5 Icelake-Server-v6 EPYC-v3 EPYC-Rome-v2
Cooperlake Snowridge Dhyana"
flags=$("$qemu" -cpu help | sed -n '/Recognized CPUID flags:/,$p' | tail -n +2 | tr -s ' \n' '\n\n' | grep -v '^$' | sort -u)
python3 - "$qemu" "$flags" $models <<'PY'
import json, subprocess, sys
qemu, flags, models = sys.argv[1], set(sys.argv[2].split()), sys.argv[3:]

def ask(proc, command):
    """Sends one QMP command and returns its answer, skipping events."""
    proc.stdin.write(json.dumps(command) + "\n")
    proc.stdin.flush()
    while True:
        line = proc.stdout.readline()
        if not line:
            raise SystemExit(f"QEMU stopped before answering {command['execute']}")
        msg = json.loads(line)
        if "return" in msg:
            return msg["return"]
        if "error" in msg:
            raise SystemExit(f"QEMU refused {command}: {msg['error']}")

for model in models:
    # One QEMU per model, each request answered before the next is sent.
    proc = subprocess.Popen([qemu, "-machine", "none", "-accel", "tcg", "-nodefaults", "-nographic",
                             "-qmp", "stdio"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    proc.stdout.readline()  # the greeting
    ask(proc, {"execute": "qmp_capabilities"})
    props = ask(proc, {"execute": "query-cpu-model-expansion",
                       "arguments": {"type": "full", "model": {"name": model}}})["model"]["props"]
    ask(proc, {"execute": "quit"})
    proc.wait(timeout=30)
    on = sorted(k for k, v in props.items() if v is True and k in flags and "_" not in k)
    print(model + ": " + " ".join(on))
PY
