#!/bin/bash
# A private single-node Slurm for the tests: munged, slurmctld and slurmd on
# 127.0.0.1, each with its own configuration, key, sockets, spool and logs
# under DIR, on ports of their own (nothing of /etc/slurm or /run/munge is
# used or touched).
#   private_slurm.sh start DIR   starts them and waits until the node is idle;
#                                prints `export SLURM_CONF=DIR/slurm.conf`
#   private_slurm.sh stop DIR    stops them (and is safe to call twice)
# Debian 12 packages: slurm-wlm (slurmctld, slurmd, client commands) and
# munge (setup.sh installs both).
set -eu
# The daemons live in /usr/sbin, which a non-login PATH may lack.
PATH="$PATH:/usr/sbin:/sbin"
cmd=${1:?usage: private_slurm.sh start|stop DIR}
dir=${2:?usage: private_slurm.sh start|stop DIR}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

stop() {
  # Steps still running under this cluster (their daemons may end first).
  for p in $(pgrep -x slurmstepd 2>/dev/null); do
    if { tr '\0' '\n' <"/proc/$p/environ"; } 2>/dev/null | grep -qx "SLURM_CONF=$dir/slurm.conf"; then
      kill "$p" 2>/dev/null || true
    fi
  done
  for pidfile in "$dir/slurmd.pid" "$dir/slurmctld.pid"; do
    if [ -f "$pidfile" ]; then
      kill "$(cat "$pidfile")" 2>/dev/null || true
    fi
  done
  # Wait (at most 5 s) until both have ended.
  i=0
  while [ $i -lt 50 ]; do
    alive=0
    for pidfile in "$dir/slurmd.pid" "$dir/slurmctld.pid"; do
      [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null && alive=1
    done
    [ $alive -eq 0 ] && break
    sleep 0.1
    i=$((i + 1))
  done
  if [ -S "$dir/munge/munge.socket" ]; then
    munged --stop --socket="$dir/munge/munge.socket" >/dev/null 2>&1 || true
  fi
  rm -f "$dir/slurmd.pid" "$dir/slurmctld.pid"
}

fail() {
  echo "private_slurm: $*" >&2
  for log in "$dir"/log/*.log; do
    [ -f "$log" ] && { echo "--- $log (last lines)" >&2; tail -n 15 "$log" >&2; }
  done
  stop
  exit 1
}

# A TCP port nobody listens on, from a range that depends on DIR.
free_port() {
  base=$1
  p=$base
  while [ $p -lt $((base + 200)) ]; do
    if ! (echo >/dev/tcp/127.0.0.1/$p) 2>/dev/null; then
      echo $p
      return
    fi
    p=$((p + 1))
  done
  echo "$base"
}

case "$cmd" in
stop)
  stop
  exit 0
  ;;
start) ;;
*)
  echo "usage: private_slurm.sh start|stop DIR" >&2
  exit 2
  ;;
esac

for tool in munged munge slurmctld slurmd sbatch squeue sinfo; do
  command -v "$tool" >/dev/null 2>&1 || fail "$tool not found: install slurm-wlm and munge (setup.sh does)"
done
stop
rm -rf "$dir/munge" "$dir/ctld" "$dir/spool" "$dir/log"
mkdir -p "$dir/munge" "$dir/ctld" "$dir/spool" "$dir/log"
chmod 700 "$dir/munge"

# munge: its own key and socket.
dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 2>/dev/null
chmod 400 "$dir/munge/munge.key"
munged --force --socket="$dir/munge/munge.socket" --key-file="$dir/munge/munge.key" \
  --log-file="$dir/log/munged.log" --pid-file="$dir/munge/munged.pid" --seed-file="$dir/munge/munged.seed" \
  || fail "munged did not start"
munge --socket="$dir/munge/munge.socket" -n | unmunge --socket="$dir/munge/munge.socket" >/dev/null 2>&1 \
  || fail "munge cannot encode and decode a credential"

# Ports from a range set by DIR's name, so two checkouts do not collide.
seed=$(printf '%s' "$dir" | cksum | cut -d' ' -f1)
ctld_port=$(free_port $((20000 + seed % 20000)))
d_port=$(free_port $((ctld_port + 1)))
user=$(id -un)
cpus=$(nproc)
cat >"$dir/slurm.conf" <<EOF
# A private single-node Slurm for evcsim's tests (tests/sweep/private_slurm.sh).
ClusterName=evcsimtest
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$d_port
SlurmUser=$user
SlurmdUser=$user
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$dir/ctld
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/pgid
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=1
MinJobAge=60
NodeName=evcsimnode NodeHostname=localhost NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=evcsim Nodes=evcsimnode Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$dir/slurm.conf"
slurmctld -f "$dir/slurm.conf" -i || fail "slurmctld did not start"
slurmd -f "$dir/slurm.conf" -N evcsimnode || fail "slurmd did not start"
i=0
until [ "$(sinfo -h -o %t 2>/dev/null)" = "idle" ]; do
  i=$((i + 1))
  [ $i -lt 150 ] || fail "the node did not become idle in 30 s (sinfo: $(sinfo -h -o '%t %E' 2>&1))"
  sleep 0.2
done
echo "export SLURM_CONF=$dir/slurm.conf"
