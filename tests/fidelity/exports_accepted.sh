#!/bin/sh
# fidelity.exports-accepted: what `evcsim cpu export` writes, the real tools
# accept. For hosts at baselines across both vendors and twenty years:
#  - QEMU parses the -cpu string (a pc machine under TCG, started paused and
#    quit at once; `enforce` is dropped, as TCG lacks many of the features);
#  - every libvirt feature name and model is in libvirt's cpu_map, and
#    libvirt's test driver (virsh cpu-baseline) reads the exported model and
#    features; its answer, as features, equals evcsim's baseline over the
#    features libvirt names.
# A pair's baseline "as-is" exports the host as it is (no --baseline: the
# host-model answer) for the project's dumps of today's hosts.
# Usage: tests/fidelity/exports_accepted.sh EVCSIM QEMU VIRSH CPU_MAP_DIR
set -eu
fixtures=$(cd "$(dirname "$0")/../fixtures" && pwd)
evcsim=$1 qemu=$2 virsh=$3 cpu_map=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
# libvirt's names of the features evcsim keeps out of every decision
# (`evcsim cpu features`: MIGRATABLE no; names and aliases, - or _).
"$evcsim" cpu features | awk 'NR > 1 && $5 == "no" { print $1; if ($6 != "") { n = split($6, a, ","); for (i = 1; i <= n; i++) print a[i] } }' |
  tr -d ' ' | while read -r n; do echo "$n"; echo "$n" | tr '_' '-'; done > "$work/not-migratable"
# SVM's leaf 0x8000000A and IA32_CORE_CAPABILITIES (Snowridge's model), which evcsim does not model.
printf '%s\n' npt nrip-save svme-addr-chk core-capability split-lock-detect >> "$work/not-migratable"
for pair in harpertown:intel-merom westmere-ep:intel-nehalem ivybridge-ep:intel-sandybridge skylake-sp:intel-haswell \
            cascadelake-sp:intel-broadwell icelake-sp:intel-skylake sapphirerapids:intel-icelake \
            graniterapids:intel-sapphirerapids graniterapids:x86-64-v2 santarosa:amd-rev-e magnycours:amd-greyhound-no3dnow \
            abudhabi:amd-bulldozer rome:amd-zen genoa:amd-zen3 turin:amd-zen4 turin:x86-64-v3 \
            "$fixtures/cpuid_r_cascadelake_notsx.txt:as-is" "$fixtures/cpuid_r_sapphirerapids_notsx.txt:as-is" \
            "$fixtures/cpuid_r_atom_p5362.txt:as-is" "$fixtures/cpuid_r_sierraforest_6731e.txt:as-is" \
            "$fixtures/cpuid_r_hygon_c86_7185.txt:as-is" genoa:as-is; do
  cpu=${pair%%:*} base=${pair#*:}
  at="--baseline $base"
  [ "$base" != as-is ] || at=""
  # QEMU
  q=$("$evcsim" cpu export "$cpu" $at --as qemu | grep -v '^#' | sed 's/^-cpu //; s/,enforce$//')
  if ! printf '%s\n%s\n' '{"execute":"qmp_capabilities"}' '{"execute":"quit"}' |
       timeout 60 "$qemu" -machine pc -accel tcg -nodefaults -display none -S -cpu "$q" -qmp stdio \
       > "$work/qemu.out" 2> "$work/qemu.err"; then
    echo "QEMU refuses -cpu $q ($cpu at $base):"; cat "$work/qemu.err"; fail=1
  elif grep -q "not found\|can't apply\|Unknown\|unknown" "$work/qemu.err"; then
    echo "QEMU complains about -cpu $q ($cpu at $base):"; cat "$work/qemu.err"; fail=1
  fi
  # libvirt
  "$evcsim" cpu export "$cpu" $at --as libvirt > "$work/guest.xml"
  model=$(sed -n "s|.*<model fallback='forbid'>\(.*\)</model>.*|\1|p" "$work/guest.xml")
  [ -f "$cpu_map/x86_$model.xml" ] || { echo "libvirt has no model $model ($cpu at $base)"; fail=1; continue; }
  for f in $(sed -n "s|.*<feature policy='[a-z]*' name='\([^']*\)'/>.*|\1|p" "$work/guest.xml"); do
    grep -q "<feature name='$f'" "$cpu_map/x86_features.xml" || { echo "libvirt has no feature $f ($cpu at $base)"; fail=1; }
  done
  # The exported CPU as a host CPU description, for libvirt's own baseline. A
  # host description cannot disable a feature of its model, so the features
  # the export disables are taken out of libvirt's answer.
  sed -n "s|.*<feature policy='disable' name='\([^']*\)'/>.*|\1|p" "$work/guest.xml" > "$work/disabled"
  { echo "<cpu>"; echo "  <arch>x86_64</arch>"
    sed -n "s|.*<model fallback='forbid'>\(.*\)</model>.*|  <model>\1</model>|p; s|.*\(<vendor>.*</vendor>\).*|  \1|p; s|.*<feature policy='require' name='\([^']*\)'/>.*|  <feature name='\1'/>|p" "$work/guest.xml"
    echo "</cpu>"; } > "$work/host.xml"
  if ! "$virsh" -c test:///default cpu-baseline --features "$work/host.xml" > "$work/libvirt.xml" 2> "$work/virsh.err"; then
    echo "libvirt's test driver refuses the exported CPU ($cpu at $base):"; cat "$work/virsh.err" "$work/host.xml"; fail=1
    continue
  fi
  theirs=$(sed -n "s|.*<feature policy='require' name='\([^']*\)'/>.*|\1|p" "$work/libvirt.xml" |
           grep -vxF -f "$work/not-migratable" | grep -vxF -f "$work/disabled" | sort -u | tr '\n' ' ')
  ours=$("$evcsim" cpu export "$cpu" $at --as libvirt-features | sort -u | tr '\n' ' ')
  if [ "$theirs" != "$ours" ]; then
    echo "libvirt's baseline of the exported $cpu at $base differs from evcsim's:"
    echo "  libvirt: $theirs"; echo "  evcsim:  $ours"; fail=1
  fi
done
[ "$fail" -eq 0 ] && echo "QEMU and libvirt accept every export; libvirt's baselines equal evcsim's"
exit "$fail"
