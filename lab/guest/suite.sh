#!/bin/bash
# suite.sh: the kernel-lab acceptance suite, guest side. lab/acceptance stages this under
# OUT_DIR/.stage and boots the VM with it as the guest script (as root, no systemd, pure cgroup
# v2). It starts boxd ONCE, waits for readiness, runs every scenario in scenarios/ in order, each
# under its own time bound, and leaves in /mnt/out:
#   boxd.log, scenarios/<name>.log, results/<name> (one PASS/FAIL/PENDING line), timings
set -u
OUT=/mnt/out; STAGE=$OUT/.stage
# shellcheck source=lib.sh
source "$STAGE/lib.sh"
# shellcheck disable=SC1091
source "$STAGE/env"          # BOXD_JAR, BOXD_JAVA_OPTS, BOXD_TOKEN, timeouts (written by lab/acceptance)
export OUT STAGE WORK DATA SCRATCH CGMOUNT BASE PORT BOXD_JAR BOXD_JAVA_OPTS BOXD_TOKEN BOXD_READY_TIMEOUT BOXD_RECONCILE_INTERVAL
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

BOOT_MS=$(now_ms)            # uptime when the guest script starts = kernel boot + initramfs + mounts
mkdir -p "$WORK" "$SCRATCH" "$OUT/scenarios" "$OUT/results"
chmod 1777 "$SCRATCH"   # boxd runs spawned processes as nobody (boxd.spawn.uid 65534) by default; helpers write here
rm -f "$OUT"/results/* "$OUT"/scenarios/* "$OUT/timings"
timing() { echo "$*" >> "$OUT/timings"; log "timing: $*"; }
timing "boot_s=$(secs "$BOOT_MS")"

[[ -e /dev/fd ]] || ln -s /proc/self/fd /dev/fd   # devtmpfs has no /dev/fd; bash needs it for <(...)
# The no-systemd guest has no init scripts: bring loopback up ourselves (boxd binds 127.0.0.1).
ip link set lo up 2>/dev/null || busybox ifconfig lo 127.0.0.1 up
log "kernel $(uname -r); cgroup2 controllers: $(cat $CGMOUNT/cgroup.controllers); root subtree_control: $(cat $CGMOUNT/cgroup.subtree_control)"
log "cpus $(nproc); $(free -m | awk '/Mem:/{print "mem " $2 " MiB"}')"

# In their numbers' order (a glob would put 10 before 2).
SCENARIOS=(); for f in $(cd "$STAGE/scenarios" && printf '%s\n' *.sh | sort -n); do f=${f%.sh}
  [[ -z "${LAB_ONLY:-}" || ",$LAB_ONLY," == *",${f#*-},"* ]] && SCENARIOS+=("$f"); done
fail_all() { for s in "${SCENARIOS[@]}"; do echo "FAIL ${s#*-} $1" > "$OUT/results/${s#*-}"; done; }

if [[ ! -r "$BOXD_JAR" ]]; then fail_all "boxd jar not readable in the guest: $BOXD_JAR"; exit 1; fi
boxd_start
if ! boxd_wait_ready "$BOXD_READY_TIMEOUT"; then
  timing "boxd_start_s=NOT-READY"
  fail_all "could not run: boxd did not become ready ($READY_HOW); see boxd.log"
  kill -9 "$(boxd_pid)" 2>/dev/null; exit 1
fi
timing "boxd_start_s=$(secs "$READY_MS") ready_via=$READY_HOW"
echo "$READY_HOW" > "$OUT/ready-how"
api GET /v1/host > "$OUT/host.json.log" 2>&1; printf '%s\n' "$BODY" > "$OUT/host.json"

for s in "${SCENARIOS[@]}"; do
  name=${s#*-}; t=$(now_ms)
  limit=$(sed -n 's/^# timeout: *\([0-9]*\).*/\1/p' "$STAGE/scenarios/$s.sh" | head -1)
  limit=${limit:-180}
  log "--- $name (bound ${limit}s)"
  timeout -k 10 "$limit" bash "$STAGE/scenarios/$s.sh" > "$OUT/scenarios/$name.log" 2>&1 < /dev/null
  rc=$?
  el=$(secs $(( $(now_ms) - t )))
  if [[ ! -s "$OUT/results/$name" ]]; then
    if (( rc == 124 || rc == 137 )); then echo "FAIL $name timed out after ${limit}s (see scenarios/$name.log) time=${el}s" > "$OUT/results/$name"
    else echo "FAIL $name scenario script ended (exit $rc) without a verdict (see scenarios/$name.log) time=${el}s" > "$OUT/results/$name"; fi
  fi
  timing "scenario $name ${el}s"
  log "$(cat "$OUT/results/$name")"
  # leave no box behind for the next scenario: every box this suite made has label suite=kernel-lab
  for d in "$CGMOUNT/$BASE"/*/; do
    [[ -d "$d" ]] || continue; id=$(basename "$d")
    [[ -f "$d/cgroup.procs" ]] || continue
    destroy_box "$id" > /dev/null
  done
done

# final state for the post-mortem
{ echo "## boxes"; api GET /v1/boxes; echo; echo "## $CGMOUNT/$BASE"; find "$CGMOUNT/$BASE" -maxdepth 1 -type d; } > "$OUT/final-state.log" 2>&1
kill -TERM "$(boxd_pid)" 2>/dev/null; wait_for 20 bash -c "! kill -0 $(boxd_pid) 2>/dev/null" || kill -9 "$(boxd_pid)" 2>/dev/null
timing "total_guest_s=$(secs "$(now_ms)")"
sync
exit 0
