#!/bin/bash
# 1 memory bomb: a box with memory.max = 64 MiB runs a process that allocates 256 MiB.
#   the process is OOM-killed; stats show oomKill >= 1; events show the OOM kill;
#   boxd and a second box running a sleeper are unaffected.
# timeout: 300
source "$STAGE/lib.sh"; begin memory-bomb; ensure_boxd
BOMB=lab-membomb; SLEEPER=lab-bystander; LIMIT=$((64*MiB))
BOXD=$(boxd_pid)

create_box "$SLEEPER" '{"memoryMaxBytes":'$((128*MiB))'}'
[[ $CODE == 201 ]] || abort "create $SLEEPER: HTTP $CODE $(j .detail)"
spawn "$SLEEPER" sleep 600; SPID=$SPAWNED_PID
[[ -n $SPID ]] || abort "spawn sleeper: HTTP $CODE $(j .detail)"

create_box "$BOMB" '{"memoryMaxBytes":'$LIMIT'}'
[[ $CODE == 201 ]] || abort "create $BOMB: HTTP $CODE $(j .detail)"
expect "API enforced.memoryMaxBytes = $LIMIT" eq "$(j .enforced.memoryMaxBytes)" "$LIMIT"
expect "kernel memory.max = $LIMIT" eq "$(cat "$(cg $BOMB)/memory.max")" "$LIMIT"

t=$(now_ms)
spawn "$BOMB" "$BIN/memhog" 256 0 60 "$SCRATCH/membomb.progress"; HPID=$SPAWNED_PID
[[ -n $HPID ]] || abort "spawn memhog: HTTP $CODE $(j .detail)"
# the hog dies by OOM once it passes 64 MiB; wait (bounded) until the box is empty
gone() { ! alive "$HPID" && [[ "$(nprocs_of $BOMB)" == 0 ]]; }
if wait_for 60 gone; then figure "oom_after=$(secs $(( $(now_ms) - t )))s"; else problem "memhog pid $HPID still alive 60 s after spawn"; fi
got=$(awk '{print $2}' "$SCRATCH/membomb.progress" 2>/dev/null)
figure "hog_reached=${got:-?}MiB"
expect "memhog never finished allocating 256 MiB" bash -c "! grep -q -E '^(holding|done)' '$SCRATCH/membomb.progress'"

ev=$(cg $BOMB)/memory.events
k_oomkill=$(kv "$ev" oom_kill); k_max=$(kv "$ev" max)
peak=$(cat "$(cg $BOMB)/memory.peak" 2>/dev/null)
figure "kernel_oom_kill=$k_oomkill kernel_max_events=$k_max"
[[ -n "$peak" ]] && figure "peak=$((peak / MiB))MiB"
expect "kernel memory.events oom_kill >= 1" ge "$k_oomkill" 1
[[ -n "$peak" ]] && expect "memory.peak <= memory.max" le "$peak" "$LIMIT"

stats "$BOMB"; a_oomkill=$(j .memory.events.oomKill)
figure "api_oomKill=${a_oomkill:-absent}"
expect "API stats memory.events.oomKill >= 1" ge "$a_oomkill" 1
expect "API stats oomKill equals kernel oom_kill" eq "$a_oomkill" "$k_oomkill"

# the OOM kill must show in the box's history (boxd may notice it asynchronously: allow 10 s)
has_oom_event() { api GET "/v1/boxes/$BOMB/events" > /dev/null; [[ $CODE == 200 ]] && printf '%s' "$BODY" | jq -e '[.[] | select(.type | ascii_downcase | contains("oom"))] | length >= 1' > /dev/null 2>&1; }
if wait_for 10 has_oom_event; then figure "oom_event=$(printf '%s' "$BODY" | jq -r '[.[] | select(.type | ascii_downcase | contains("oom"))][0].type')"
else problem "GET /events shows no event whose type contains 'oom' (HTTP $CODE)"; fi

# bystanders: boxd (same pid, ready) and the sleeper box
expect "boxd is the same process and alive" eq "$(boxd_pid)" "$BOXD"
expect "boxd still alive" boxd_alive
c=$(curl -s -m 5 -o /dev/null -w '%{http_code}' "$URL/actuator/health"); expect "boxd health 200 after the bomb" eq "$c" 200
expect "sleeper pid $SPID alive" alive "$SPID"
expect "sleeper still in its box" grep -q -x "$SPID" "$(cg $SLEEPER)/cgroup.procs"
expect "sleeper box oom_kill = 0" eq "$(kv "$(cg $SLEEPER)/memory.events" oom_kill)" 0
api GET "/v1/boxes/$SLEEPER"; expect "sleeper box state RUNNING" eq "$(j .state)" RUNNING

# Deletes take the last counters into the history before the rmdir: the bomb's (empty since its
# OOM) by a plain DELETE, which saves them with its intent, the sleeper's by a forced one.
api DELETE "/v1/boxes/$BOMB"; expect "plain DELETE of the emptied bomb box: 204" eq "$CODE" 204
destroy_box $SLEEPER
expect "cgroups removed" bash -c "[[ ! -e '$(cg $BOMB)' && ! -e '$(cg $SLEEPER)' ]]"
final_before_removed() { # BOX → the final-counters detail, if it comes before "removed"
  api GET "/v1/boxes/$1/events" > /dev/null
  printf '%s' "$BODY" | jq -r '[.[].type] as $t | if (($t | index("final-counters")) // 1e9) < (($t | index("removed")) // -1)
    then ([.[] | select(.type == "final-counters")][0].detail) else empty end'; }
fb=$(final_before_removed $BOMB); fs=$(final_before_removed $SLEEPER)
figure "bomb_final_counters=${fb:-absent}"
expect "bomb history: final-counters (before removed) holds oom_kill = $k_oomkill" \
  bash -c "[[ '$fb' =~ (^|,)memory\.events\.oom_kill=$k_oomkill(,|$) ]]"
expect "sleeper history: final-counters before removed" bash -c "[[ -n '$fs' ]]"
finish
