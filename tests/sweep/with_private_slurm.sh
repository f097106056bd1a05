# Sourced by the Slurm tests: starts the private Slurm (private_slurm.sh)
# under $work/slurm, stops it when the test's shell exits, and exports
# SLURM_CONF. If the daemons cannot start the test fails, saying why, unless
# EVCSIM_ALLOW_SLURM_SKIP=1 (then it is reported as skipped: exit 77).
# Needs: $src (the source tree) and $work (the test's folder).
slurm="$src/tests/sweep/private_slurm.sh"
if ! out=$("$slurm" start "$work/slurm" 2>&1); then
  echo "$out"
  if [ "${EVCSIM_ALLOW_SLURM_SKIP:-0}" = 1 ]; then
    echo "SKIPPED: the private Slurm did not start (EVCSIM_ALLOW_SLURM_SKIP=1)"
    exit 77
  fi
  echo "FAIL: the private Slurm did not start (set EVCSIM_ALLOW_SLURM_SKIP=1 to skip this test where Slurm cannot run)"
  exit 1
fi
trap '"$slurm" stop "$work/slurm"' EXIT
eval "$out"
echo "private Slurm up: $SLURM_CONF"
