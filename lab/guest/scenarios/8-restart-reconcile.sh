#!/bin/bash
# 8 restart reconcile (issue 5 lists it as #7; it runs last because it restarts boxd, the
#   slowest step under TCG, so a time bound hit costs only this scenario): boxd is SIGKILLed with boxes live, then restarted. The records and the
#   kernel agree, following the reconcile issue's policy (issue 3, orphans policy = reap):
#   - lab-r-live  (sleeper untouched)             -> RUNNING, same pid alive, cgroup intact
#   - lab-r-dead  (its process killed while down) -> EXITED
#   - lab-r-gone  (cgroup removed while down)     -> LOST, with an event; record kept
#   - lab-orphan  (cgroup + process planted while down, no record) -> reaped: process dead,
#                 directory gone; the startup report counts it
#   - every directory under the base has a record, every live record has a directory
#   - POST /v1/reconcile returns the report; GET /v1/reconcile/last returns the last one
# While issue 3 has not landed (no /v1/reconcile), the verdict is PENDING, unless the parts
# that issue 2 already promises (restart, persisted records, live box intact) fail: then FAIL.
# timeout: 480
source "$STAGE/lib.sh"; begin restart-reconcile; ensure_boxd
LIVE=lab-r-live; DEAD=lab-r-dead; GONE=lab-r-gone; ORPH=lab-orphan
CORE=(); core() { local d=$1; shift; if "$@"; then log "ok: $d"; else log "NOT OK (core): $d"; CORE+=("$d"); fi; }

declare -A PID
for b in $LIVE $DEAD $GONE; do
  create_box "$b" '{"pidsMax":100}'; [[ $CODE == 201 ]] || abort "create $b: HTTP $CODE $(j .detail)"
  spawn "$b" sleep 900; [[ -n $SPAWNED_PID ]] || abort "spawn in $b: HTTP $CODE $(j .detail)"
  PID[$b]=$SPAWNED_PID
done
OLD=$(boxd_pid)
kill -9 "$OLD"; wait_for 10 bash -c "! kill -0 $OLD 2>/dev/null" || abort "boxd pid $OLD survived SIGKILL"
log "boxd $OLD SIGKILLed"
for b in $LIVE $DEAD $GONE; do core "$b's process survived boxd's death" alive "${PID[$b]}"; done

# while boxd is down: one box loses its process, one loses its cgroup, and an orphan appears
kill -9 "${PID[$DEAD]}"
kill -9 "${PID[$GONE]}"; wait_for 5 bash -c "[[ \$(wc -l < '$(cg $GONE)/cgroup.procs') == 0 ]]"
rmdir "$(cg $GONE)" || problem "could not rmdir $(cg $GONE) while boxd was down"
mkdir "$(cg $ORPH)" || abort "could not plant orphan cgroup"
setsid sleep 900 < /dev/null > /dev/null 2>&1 & OP=$!
echo "$OP" > "$(cg $ORPH)/cgroup.procs" || problem "could not move orphan pid into its cgroup"
log "planted orphan $(cg $ORPH) with pid $OP; removed $(cg $GONE); killed ${PID[$DEAD]}"

t=$(now_ms)
boxd_start
if ! boxd_wait_ready "${BOXD_READY_TIMEOUT:-360}"; then
  abort "boxd did not come back after SIGKILL: $READY_HOW"
fi
figure "restart_ready=$(secs "$READY_MS")s"
echo "boxd_restart_s=$(secs "$READY_MS")" >> "$OUT/timings"

# Issue 2 promises: records persist across restarts; a live box is left alone
api GET "/v1/boxes/$LIVE"; core "record $LIVE survived the restart (HTTP $CODE)" eq "$CODE" 200
core "$LIVE state RUNNING (is $(j .state))" eq "$(j .state)" RUNNING
core "$LIVE process ${PID[$LIVE]} still alive" alive "${PID[$LIVE]}"
core "$LIVE process still in its cgroup" grep -q -x "${PID[$LIVE]}" "$(cg $LIVE)/cgroup.procs"
core "$LIVE enforced.pidsMax = kernel pids.max" eq "$(j .enforced.pidsMax)" "$(cat "$(cg $LIVE)/pids.max")"

# Issue 3: the startup reconcile, then the on-demand one
api GET /v1/reconcile/last; lastc=$CODE; last=$BODY
api POST /v1/reconcile; rc=$CODE; rep=$BODY
rsum() { printf '%s' "$1" | jq -r '"reaped=\(.orphansReaped) adopted=\(.orphansAdopted) lost=\(.lost) repaired=\(.repaired) \(.durationMillis)ms"' 2>/dev/null | tr ' ' ','; }
figure "startup_reconcile=HTTP$lastc:$(rsum "$last") on_demand=HTTP$rc:$(rsum "$rep")"
log "startup report: $last"; log "on-demand report: $rep"
LANDED=yes
if [[ $rc == 404 || $rc == 405 || $rc == 501 ]]; then LANDED="no: POST /v1/reconcile -> HTTP $rc"; fi

api GET "/v1/boxes/$DEAD"; expect "$DEAD (process killed while down) is EXITED (is $(j .state))" eq "$(j .state)" EXITED
api GET "/v1/boxes/$GONE"; expect "$GONE (cgroup removed while down) record kept (HTTP $CODE)" eq "$CODE" 200
expect "$GONE is LOST (is $(j .state))" eq "$(j .state)" LOST
api GET "/v1/boxes/$GONE/events"
expect "$GONE has an event about being lost" jq_ok '[.[] | select((.type + " " + ((.detail // "") | tostring)) | ascii_downcase | contains("lost"))] | length >= 1'
expect "orphan process $OP was killed" bash -c "! kill -0 $OP 2>/dev/null || [[ \$(awk '{print \$3}' /proc/$OP/stat) == Z ]]"
expect "orphan cgroup $(cg $ORPH) removed" test ! -e "$(cg $ORPH)"
BODY=$last; expect "GET /v1/reconcile/last -> 200" eq "$lastc" 200
expect "startup report: orphansReaped >= 1" ge "$(j .orphansReaped)" 1
expect "startup report: lost >= 1" ge "$(j .lost)" 1
BODY=$rep; expect "POST /v1/reconcile -> 200" eq "$rc" 200
expect "on-demand report has orphansReaped, orphansAdopted, lost, repaired, durationMillis" \
  jq_ok 'has("orphansReaped") and has("orphansAdopted") and has("lost") and has("repaired") and has("durationMillis")'
expect "on-demand report finds nothing new (orphansReaped = 0)" eq "$(j .orphansReaped)" 0
# every directory has a record; every record that should have a directory has one
for d in "$(cg '')"*/; do
  [[ -d "$d" ]] || continue; id=$(basename "$d")
  api GET "/v1/boxes/$id"; expect "directory $id has a record" eq "$CODE" 200
done
for b in $LIVE $DEAD $GONE; do
  api GET "/v1/boxes/$b"; s=$(j .state)
  case "$s" in REMOVED|LOST) expect "$b ($s) has no directory" test ! -e "$(cg $b)";;
               *) expect "$b ($s) has its directory" test -d "$(cg $b)";; esac
done
for b in $LIVE $DEAD $GONE; do destroy_box "$b"; done
kill -9 "$OP" 2>/dev/null; [[ -d "$(cg $ORPH)" ]] && rmdir "$(cg $ORPH)"

fig="${FIGURES[*]} time=$(secs $(( $(now_ms) - T0 )))s"
if (( ${#CORE[@]} > 0 )); then
  PROBLEMS=("${CORE[@]}" "${PROBLEMS[@]}"); finish
elif [[ $LANDED != yes ]]; then
  if (( ${#PROBLEMS[@]} )); then why="reconcile checks not met: $(IFS=';'; echo "${PROBLEMS[*]}")"; else why="reconcile checks all met"; fi
  result "PENDING restart-reconcile (issue 3 not landed: ${LANDED#no: }) core checks ok; $why | $fig"
else
  finish
fi
