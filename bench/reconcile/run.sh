#!/usr/bin/env bash
# Reconcile and exit-detection benchmark (not a test). Needs root, cgroup v2, gcc and a built jar
# (./mvnw -DskipTests package, or BOXD_JAR=...). Cleans up every cgroup, process and file it makes.
#
#   bench/reconcile/run.sh [reap|idle|all]        (default all)
#
# reap: plants ORPHANS (10000) orphan cgroups under a scratch base, half of them holding a live
#       `sleep`, starts boxd on that base (boxd.reconcile.orphans=reap) and reports the startup
#       reconcile: durationMillis from GET /v1/reconcile/last, the log line, and the time to
#       readiness. Then plants the same again and measures the kernel floor with bench/reconcile/floor.c:
#       one cgroup at a time (kill, wait empty, rmdir) and batched (kill all, then rmdir all).
# idle: plants BOXES (5000) cgroups each with a `sleep`, starts boxd with orphans=adopt so each
#       becomes a watched box, then measures boxd's CPU over IDLE_SECONDS (60) from /proc/<pid>/stat
#       ((utime+stime) delta / wall), as % of one core: once with the periodic reconcile off
#       (exit detection alone) and once with the default boxd.reconcile.interval=30s. Also checks
#       the number of inotify watches and that one exit is still seen within a second.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WHAT=${1:-all}
ORPHANS=${ORPHANS:-10000}
BOXES=${BOXES:-5000}
IDLE_SECONDS=${IDLE_SECONDS:-60}
JAR=${BOXD_JAR:-$ROOT/target/boxd.jar}
PORT=${BOXD_BENCH_PORT:-18291}
JAVA_OPTS=${BOXD_JAVA_OPTS:-}
# Extra boxd arguments for every start, e.g. BOXD_ARGS=--boxd.reconcile.threads=8
read -r -a EXTRA_ARGS <<< "${BOXD_ARGS:-}"
HZ=$(getconf CLK_TCK)

work=$(mktemp -d /tmp/boxd-bench-reconcile.XXXXXX)
mount=$(grep -m1 ' - cgroup2 ' /proc/self/mountinfo | awk '{print $5}')
[ -n "$mount" ] || { echo "no cgroup v2 mount" >&2; exit 1; }
base="boxd-bench-reconcile-$$"
basedir="$mount/$base"
boxd=""
planter=""

log() { printf '[bench-reconcile] %s\n' "$*"; }

empty_base() {
  [ -d "$basedir" ] || return 0
  # Kill every cgroup first, then remove them: the fast order (see the floor).
  for c in "$basedir"/*/; do [ -d "$c" ] && echo 1 > "$c/cgroup.kill" 2>/dev/null || true; done
  for c in "$basedir"/*/; do
    [ -d "$c" ] || continue
    for _ in $(seq 200); do rmdir "$c" 2>/dev/null && break; sleep 0.01; done
  done
}

cleanup() {
  set +e
  [ -n "$boxd" ] && kill -9 "$boxd" 2>/dev/null && wait "$boxd" 2>/dev/null
  empty_base
  rmdir "$basedir" 2>/dev/null
  [ -n "$planter" ] && wait "$planter" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

[ -f "$JAR" ] || { log "building $JAR"; (cd "$ROOT" && ./mvnw -q -DskipTests package); }
gcc -O2 -o "$work/plant" "$ROOT/bench/reconcile/plant.c"
gcc -O2 -o "$work/floor" "$ROOT/bench/reconcile/floor.c"

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# plant N M: N cgroups under the base, the first M with a sleep; waits until all are placed.
plant() {
  mkdir -p "$basedir"
  local t0; t0=$(now_ms)
  "$work/plant" "$basedir" "$1" "$2" > "$work/plant.out" &
  planter=$!
  until grep -q '^ready' "$work/plant.out" 2>/dev/null; do
    kill -0 "$planter" 2>/dev/null || { echo "plant failed" >&2; exit 1; }
    sleep 0.1
  done
  log "planted $1 cgroups under $basedir, $2 with a live sleep, in $(( $(now_ms) - t0 )) ms"
}

# start_boxd ARGS...: starts boxd on the base and waits for readiness; sets $boxd and $ready_ms.
start_boxd() {
  local t0; t0=$(now_ms)
  # shellcheck disable=SC2086
  java $JAVA_OPTS -jar "$JAR" --server.port="$PORT" --boxd.data-dir="$work/data" --boxd.cgroup.base="$base" --boxd.reconcile.lock-dir="$work/locks" \
    --boxd.driver=cgroupfs --boxd.security.mode=insecure-loopback-only "$@" "${EXTRA_ARGS[@]}" > "$work/boxd.log" 2>&1 &
  boxd=$!
  # CPU used between "Started BoxdApplication" (logged just before the startup reconcile runs)
  # and readiness UP (just after it): the reconcile's own CPU, JIT compilation included.
  started_ticks=""
  until curl -sf "http://127.0.0.1:$PORT/actuator/health/readiness" 2>/dev/null | grep -q '"status":"UP"'; do
    kill -0 "$boxd" 2>/dev/null || { echo "boxd died:"; tail -40 "$work/boxd.log"; exit 1; }
    if [ -z "$started_ticks" ] && grep -q 'Started BoxdApplication' "$work/boxd.log"; then started_ticks=$(cpu_ticks "$boxd"); fi
    sleep 0.05
  done
  ready_ms=$(( $(now_ms) - t0 ))
  reconcile_cpu_ms=$(( ( $(cpu_ticks "$boxd") - ${started_ticks:-0} ) * 1000 / HZ ))
}

stop_boxd() {
  kill "$boxd" 2>/dev/null || true
  wait "$boxd" 2>/dev/null || true
  boxd=""
}

json_field() { python3 -c "import json,sys; d=json.load(sys.stdin); print(d['$1'])"; }

# /proc/pid/stat field 2 (comm) may hold spaces; take the fields after the last ')'.
cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }

inotify_watches() {
  local n=0 fd
  for fd in /proc/"$1"/fd/*; do
    if [ "$(readlink "$fd" 2>/dev/null)" = "anon_inode:inotify" ]; then
      n=$(( n + $(grep -c '^inotify wd:' "/proc/$1/fdinfo/${fd##*/}") ))
    fi
  done
  echo "$n"
}

bench_reap() {
  log "== startup reconcile of $ORPHANS orphan cgroups, $((ORPHANS / 2)) with a live process (policy reap)"
  rm -rf "$work/data"
  plant "$ORPHANS" $((ORPHANS / 2))
  start_boxd --boxd.reconcile.orphans=reap --boxd.reconcile.interval=0
  local report; report=$(curl -s "http://127.0.0.1:$PORT/v1/reconcile/last")
  local dur reaped; dur=$(echo "$report" | json_field durationMillis); reaped=$(echo "$report" | json_field orphansReaped)
  log "boxd ready in $ready_ms ms; report: orphansReaped=$reaped durationMillis=$dur; boxd CPU during the reconcile ${reconcile_cpu_ms} ms"
  log "boxd log: $(grep -o 'Started BoxdApplication in .*' "$work/boxd.log" | head -1); $(grep -o 'startup reconcile:.*' "$work/boxd.log" | head -1)"
  local left; left=$(find "$basedir" -mindepth 1 -maxdepth 1 -type d | wc -l)
  log "cgroups left under the base: $left"
  stop_boxd
  # The planter waits for its sleeps: empty what boxd left, or that wait never ends.
  empty_base
  wait "$planter" 2>/dev/null || true; planter=""
  REAP_MS=$dur
  [ "${SKIP_FLOOR:-0}" = 1 ] && { log "RESULT reap: boxd startup reconcile ${REAP_MS} ms for $ORPHANS orphans (target <= 5000 ms)"; return; }

  log "== kernel floor on the same machine: $ORPHANS cgroups, $((ORPHANS / 2)) with a live sleep, by floor.c"
  plant "$ORPHANS" $((ORPHANS / 2))
  read -r n ms per < <("$work/floor" "$basedir" serial)
  wait "$planter" 2>/dev/null || true; planter=""
  log "floor, one cgroup at a time (kill, wait empty, rmdir): $n cgroups in $ms ms = $per ms each"
  plant "$ORPHANS" $((ORPHANS / 2))
  read -r n2 ms2 per2 < <(/usr/bin/time -f "%U %S" -o "$work/floor.time" "$work/floor" "$basedir" batch)
  wait "$planter" 2>/dev/null || true; planter=""
  log "floor, batched (cgroup.kill all, then wait+rmdir each): $n2 cgroups in $ms2 ms = $per2 ms each; CPU user+sys $(awk '{print $1 + $2}' "$work/floor.time") s"
  log "RESULT reap: boxd startup reconcile ${REAP_MS} ms for $ORPHANS orphans (target <= 5000 ms); floor serial ${ms} ms, batched ${ms2} ms"
}

measure_idle() {
  local label=$1
  sleep 5
  local c0 t0 c1 t1
  c0=$(cpu_ticks "$boxd"); t0=$(now_ms)
  sleep "$IDLE_SECONDS"
  c1=$(cpu_ticks "$boxd"); t1=$(now_ms)
  local pct; pct=$(awk -v d=$((c1 - c0)) -v hz="$HZ" -v ms=$((t1 - t0)) 'BEGIN{printf "%.2f", 100 * d / hz / (ms / 1000)}')
  local threads; threads=$(awk '/^Threads:/{print $2}' "/proc/$boxd/status")
  log "idle CPU ($label) over $(( (t1 - t0) / 1000 )) s: $((c1 - c0)) ticks = ${pct}% of one core; threads $threads"
  IDLE_PCT=$pct
}

bench_idle() {
  log "== idle cost of exit detection with $BOXES boxes, each with a live sleep"
  rm -rf "$work/data"
  plant "$BOXES" "$BOXES"
  start_boxd --boxd.reconcile.orphans=adopt --boxd.reconcile.interval=0
  local report; report=$(curl -s "http://127.0.0.1:$PORT/v1/reconcile/last")
  log "boxd ready in $ready_ms ms; adopted $(echo "$report" | json_field orphansAdopted) in $(echo "$report" | json_field durationMillis) ms"
  log "inotify watches held by boxd: $(inotify_watches "$boxd"); open fds: $(ls /proc/$boxd/fd | wc -l)"
  measure_idle "exit detection only, boxd.reconcile.interval=0"
  local only=$IDLE_PCT

  # One exit among the 5000 is still seen within a second.
  local pid; pid=$(head -1 "$basedir/o0/cgroup.procs")
  local t0; t0=$(now_ms)
  kill -9 "$pid"
  until curl -s "http://127.0.0.1:$PORT/v1/boxes/o0" | grep -q '"state":"EXITED"'; do
    [ $(( $(now_ms) - t0 )) -lt 5000 ] || { log "o0 not EXITED after 5 s"; break; }
    sleep 0.005
  done
  log "one box's only process killed: EXITED after $(( $(now_ms) - t0 )) ms"

  stop_boxd
  start_boxd --boxd.reconcile.interval=30s
  log "restarted with the default boxd.reconcile.interval=30s: ready in $ready_ms ms, startup reconcile $(curl -s "http://127.0.0.1:$PORT/v1/reconcile/last" | json_field durationMillis) ms"
  measure_idle "with the periodic reconcile every 30 s"
  local periodic=$IDLE_PCT
  log "last periodic pass: $(curl -s "http://127.0.0.1:$PORT/v1/reconcile/last" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["trigger"], d["durationMillis"], "ms")')"
  stop_boxd
  log "RESULT idle: ${only}% of one core with exit detection alone, ${periodic}% with the 30 s reconcile ($BOXES boxes; target < 2%)"
}

log "host: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), cgroup v2 at $mount, base $base"
case "$WHAT" in
  reap) bench_reap ;;
  idle) bench_idle ;;
  all) bench_reap; empty_base; bench_idle ;;
  *) echo "usage: $0 [reap|idle|all]" >&2; exit 2 ;;
esac
