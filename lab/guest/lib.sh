# lib.sh: shared helpers for the kernel-lab guest suite (sourced, bash). Runs INSIDE the VM.
# Everything is bounded: every wait has a timeout, every curl has -m.
#
# Layout in the guest:
#   $STAGE  (= /mnt/out/.stage)  suite scripts and compiled helpers, staged by lab/acceptance
#   $WORK   (= /var/lib/boxd-lab) boxd's data dir and scratch files (tmpfs overlay, not /tmp)
#   $OUT    (= /mnt/out)          comes back to the host: boxd.log, scenarios/*.log, results/*

OUT=${OUT:-/mnt/out}
STAGE=${STAGE:-$OUT/.stage}
WORK=${WORK:-/var/lib/boxd-lab}
DATA=${DATA:-$WORK/data}
SCRATCH=${SCRATCH:-$WORK/scratch}
CGMOUNT=${CGMOUNT:-/sys/fs/cgroup}
BASE=${BASE:-boxlite}
PORT=${PORT:-8077}
URL="http://127.0.0.1:$PORT"
BIN=$STAGE/bin
MiB=1048576

now_ms() { local u; read -r u _ < /proc/uptime; echo $(( ${u%.*} * 1000 + 10#${u#*.} * 10 )); }
secs() { local ms=$1 sign=""; (( ms < 0 )) && { sign=-; ms=$(( -ms )); }; printf '%s%d.%d' "$sign" $(( ms / 1000 )) $(( ms % 1000 / 100 )); }  # ms -> "12.3" (builtins only: forks are slow under TCG)
log() { printf '[%s] %s\n' "$(secs "$(now_ms)")" "$*"; }

# ---- REST -------------------------------------------------------------------------------------
# api METHOD PATH [JSON]: sets CODE, BODY (text) and CTYPE. Never fails the shell.
api() {
  local method=$1 path=$2 data=${3-} auth=() f
  f=$SCRATCH/api.$$.$RANDOM
  [[ -n "${BOXD_TOKEN:-}" ]] && auth=(-H "Authorization: Bearer $BOXD_TOKEN")
  local args=(-s -m "${API_TIMEOUT:-30}" -o "$f" -w '%{http_code} %{content_type}' -X "$method" "${auth[@]}")
  [[ -n "$data" ]] && args+=(-H 'Content-Type: application/json' --data-binary "$data")
  local w; w=$(curl "${args[@]}" "$URL$path" 2>/dev/null) || true
  CODE=${w%% *}; CTYPE=${w#* }; [[ -n "$CODE" ]] || CODE=000
  BODY=""; [[ -f "$f" ]] && { BODY=$(< "$f"); rm -f "$f"; }
  printf '> %s %s %s\n< %s %s %s\n' "$method" "$path" "$data" "$CODE" "$CTYPE" "${BODY:0:1500}"
}
# j FILTER: jq over the last BODY (prints "" on error / null)
j() { printf '%s' "$BODY" | jq -r "$1 // empty" 2>/dev/null; }
# jq_ok FILTER: true if FILTER is truthy on the last BODY
jq_ok() { printf '%s' "$BODY" | jq -e "$1" > /dev/null 2>&1; }

create_box() { # create_box ID LIMITS_JSON -> CODE/BODY
  api POST /v1/boxes "$(jq -cn --arg id "$1" --argjson l "${2:-{\}}" '{id:$id, limits:$l, labels:{suite:"kernel-lab"}}')"
}
spawn() { # spawn ID ARGV... -> SPAWNED_PID (empty on failure)
  local id=$1; shift
  api POST "/v1/boxes/$id/processes" "$(jq -cn '{argv:$ARGS.positional}' --args "$@")"
  SPAWNED_PID=""; [[ "$CODE" == 201 ]] && SPAWNED_PID=$(j .pid)
}
stats() { api GET "/v1/boxes/$1/stats"; }
destroy_box() { # best effort: kill then force-delete
  api POST "/v1/boxes/$1/kill" >/dev/null; api DELETE "/v1/boxes/$1?force=true" >/dev/null
}

# ---- kernel files -----------------------------------------------------------------------------
cg() { echo "$CGMOUNT/$BASE/$1"; }
# kv FILE KEY: value of KEY in a flat-keyed file (memory.events, cpu.stat, pids.events)
kv() { local k v; while read -r k v; do [[ $k == "$2" ]] && { echo "$v"; return; }; done 2>/dev/null < "$1"; echo ""; }
procs_of() { local a=(); mapfile -t a 2>/dev/null < "$(cg "$1")/cgroup.procs"; echo "${a[*]}"; }
nprocs_of() { local a=(); mapfile -t a 2>/dev/null < "$(cg "$1")/cgroup.procs" || { echo ""; return; }; echo "${#a[@]}"; }
populated() { kv "$(cg "$1")/cgroup.events" populated; }
alive() { # alive PID: true if the pid exists and is not a zombie
  local l s; { l=$(< "/proc/$1/stat"); } 2>/dev/null || return 1
  l=${l##*) }; s=${l%% *}            # the state follows "(comm) "
  [[ -n "$s" && "$s" != Z && "$s" != X ]]
}
# wait_for SECONDS CMD...: polls CMD every 0.2 s; returns 0 when it succeeds, 1 on timeout
wait_for() {
  local deadline=$(( $(now_ms) + $1 * 1000 )); shift
  while ! "$@"; do (( $(now_ms) >= deadline )) && return 1; sleep 0.2; done
}

# ---- verdicts ---------------------------------------------------------------------------------
# Each scenario: begin NAME; expect DESC CMD...; figure K=V; finish. Writes $OUT/results/NAME.
PROBLEMS=(); FIGURES=()
begin() { SCENARIO=$1; T0=$(now_ms); PROBLEMS=(); FIGURES=(); mkdir -p "$OUT/results" "$SCRATCH"; log "=== scenario $SCENARIO"; }
expect() { local d=$1; shift; if "$@"; then log "ok: $d"; else log "NOT OK: $d"; PROBLEMS+=("$d"); fi; }
problem() { log "NOT OK: $*"; PROBLEMS+=("$*"); }
figure() { FIGURES+=("$*"); log "figure: $*"; }
eq() { [[ "$1" == "$2" ]]; }
ge() { [[ "$1" =~ ^[0-9]+$ ]] && (( $1 >= $2 )); }
le() { [[ "$1" =~ ^[0-9]+$ ]] && (( $1 <= $2 )); }
gt() { [[ "$1" =~ ^[0-9]+$ ]] && (( $1 > $2 )); }
result() { printf '%s\n' "$*" > "$OUT/results/$SCENARIO"; log "RESULT: $*"; }
finish() {
  local t; t=$(secs $(( $(now_ms) - T0 )))
  local fig="${FIGURES[*]} time=${t}s"
  if (( ${#PROBLEMS[@]} == 0 )); then result "PASS $SCENARIO $fig"
  else local IFS=';'; result "FAIL $SCENARIO ${PROBLEMS[*]} | $fig"; fi
}
# abort REASON: the scenario cannot go on; it is a FAIL with the reason
abort() { problem "$*"; finish; exit 0; }

# ---- boxd process -----------------------------------------------------------------------------
boxd_pid() { cat "$WORK/boxd.pid" 2>/dev/null; }
boxd_alive() { local p; p=$(boxd_pid); [[ -n "$p" ]] && kill -0 "$p" 2>/dev/null; }
# The periodic reconcile is off (interval 0) unless BOXD_RECONCILE_INTERVAL says otherwise: the
# restart scenario must see what the *startup* reconcile did, and under TCG a periodic pass could
# land between readiness and the first check. Startup and POST /v1/reconcile still run.
boxd_start() {
  mkdir -p "$DATA"
  echo "===== boxd start at uptime $(secs "$(now_ms)")s: ${BOXD_JAVA_OPTS:-} -jar $BOXD_JAR" >> "$OUT/boxd.log"
  # shellcheck disable=SC2086
  setsid java ${BOXD_JAVA_OPTS:-} -jar "$BOXD_JAR" --server.port="$PORT" --server.address=127.0.0.1 \
    --boxd.data-dir="$DATA" --boxd.cgroup.mount="$CGMOUNT" --boxd.cgroup.base="$BASE" \
    --boxd.driver=cgroupfs --boxd.reconcile.interval="${BOXD_RECONCILE_INTERVAL:-0}" \
    --boxd.security.mode=insecure-loopback-only >> "$OUT/boxd.log" 2>&1 < /dev/null &
  echo $! > "$WORK/boxd.pid"
}
# boxd_wait_ready SECONDS: READY_MS, READY_HOW set; 0 when ready
boxd_wait_ready() {
  local deadline=$(( $(now_ms) + $1 * 1000 )) c s plain=0 start; start=$(now_ms); READY_HOW=""
  while (( $(now_ms) < deadline )); do
    boxd_alive || { READY_HOW="boxd exited (see boxd.log)"; return 1; }
    s=$(curl -s -m 5 -w ' %{http_code}' "$URL/actuator/health/readiness" 2>/dev/null); c=${s##* }
    if [[ "$c" == 200 ]] && [[ "$s" == *'"UP"'* ]]; then READY_MS=$(( $(now_ms) - start )); READY_HOW=readiness; return 0; fi
    if [[ "$c" == 404 ]]; then   # no readiness group: fall back to /actuator/health after 5 polls
      s=$(curl -s -m 5 -w ' %{http_code}' "$URL/actuator/health" 2>/dev/null)
      if [[ "${s##* }" == 200 && "$s" == *'"UP"'* ]]; then
        plain=$((plain + 1)); if (( plain >= 5 )); then
          READY_MS=$(( $(now_ms) - start )); READY_HOW="health (WARN: /actuator/health/readiness is 404)"; return 0; fi
      fi
    fi
    sleep 0.5
  done
  READY_HOW="not ready after $1 s (last readiness HTTP ${c:-none})"; return 1
}
# ensure_boxd: used by scenarios; if boxd died, start it again (reported as a problem)
ensure_boxd() {
  boxd_alive && return 0
  problem "boxd was not running at the start of $SCENARIO (restarted it)"
  boxd_start; boxd_wait_ready "${BOXD_READY_TIMEOUT:-360}" || abort "boxd did not come back: $READY_HOW"
}
