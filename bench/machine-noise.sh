# Machine noise for the side-by-side benchmarks (sourced by bench/model-side-by-side.sh and
# bench/pipeline-side-by-side.sh): the CPU other processes use while a run goes (busy time in /proc/stat less the
# run's own user+system time, in cores) and the CPU pressure (share of wall time some task waited for a core).
# The sourcing script defines WAIT_QUIET (seconds) and note().
busy_jiffies() { awk '/^cpu /{print $2+$3+$4+$7+$8}' /proc/stat; }
psi_some_us() { if [ -r /proc/pressure/cpu ]; then awk '/^some/{split($5,a,"="); print a[2]}' /proc/pressure/cpu; else echo 0; fi; }

# wait_quiet: up to WAIT_QUIET seconds for 2 s in which the machine's busy time is < 0.25 cores (nothing of ours runs).
wait_quiet() {
  [ "$WAIT_QUIET" -gt 0 ] || return 0
  local deadline=$((SECONDS + WAIT_QUIET)) b0 b1 hz
  hz="$(getconf CLK_TCK)"
  while [ "$SECONDS" -lt "$deadline" ]; do
    b0="$(busy_jiffies)"; sleep 2; b1="$(busy_jiffies)"
    if [ $((b1 - b0)) -lt $((hz / 2)) ]; then return 0; fi
  done
  note "no quiet window within ${WAIT_QUIET}s: running anyway"
}
