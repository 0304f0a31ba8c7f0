#!/bin/bash
# 2 fork bomb: a box with pids.max = 64 runs a loop that tries 1000 forks.
#   at most 64 tasks at any time; pids.events max >= 1 reported; kill and delete leave nothing.
# timeout: 300
source "$STAGE/lib.sh"; begin fork-bomb; ensure_boxd
B=lab-forkbomb; MAXP=64; TRIES=1000
create_box "$B" '{"pidsMax":'$MAXP'}'
[[ $CODE == 201 ]] || abort "create: HTTP $CODE $(j .detail)"
expect "API enforced.pidsMax = $MAXP" eq "$(j .enforced.pidsMax)" "$MAXP"
expect "kernel pids.max = $MAXP" eq "$(cat "$(cg $B)/pids.max")" "$MAXP"

# sample pids.current from the kernel every ~20 ms while the bomb runs
( max=0; end=$(( $(now_ms) + 40000 ))
  while (( $(now_ms) < end )); do
    v=$(cat "$(cg $B)/pids.current" 2>/dev/null) || break
    (( v > max )) && { max=$v; echo "$max" > "$SCRATCH/fork.max"; }
    [[ -s "$SCRATCH/fork.result" ]] && break
    sleep 0.02
  done ) &
SAMPLER=$!
rm -f "$SCRATCH/fork.result"; echo 0 > "$SCRATCH/fork.max"
t=$(now_ms)
spawn "$B" "$BIN/forkbomb" $TRIES "$SCRATCH/fork.result"; P=$SPAWNED_PID
[[ -n $P ]] || { kill $SAMPLER; abort "spawn forkbomb: HTTP $CODE $(j .detail)"; }
wait_for 60 test -s "$SCRATCH/fork.result" || problem "forkbomb did not finish its $TRIES tries within 60 s"
figure "bomb_time=$(secs $(( $(now_ms) - t )))s"
sleep 0.3; kill $SAMPLER 2>/dev/null; wait $SAMPLER 2>/dev/null
r=$(cat "$SCRATCH/fork.result" 2>/dev/null); ok=$(sed -n 's/.*ok=\([0-9]*\).*/\1/p' <<< "$r"); failed=$(sed -n 's/.*failed=\([0-9]*\).*/\1/p' <<< "$r")
sampled=$(cat "$SCRATCH/fork.max"); cur=$(cat "$(cg $B)/pids.current" 2>/dev/null)
figure "forks_ok=${ok:-?} forks_failed=${failed:-?} max_pids_sampled=$sampled pids_now=$cur"
# every successful child is still alive (they pause), so ok+1 is the live task count at the end
expect "forks that succeeded + parent <= $MAXP" le "$(( ${ok:-9999} + 1 ))" $MAXP
expect "sampled pids.current never above $MAXP" le "$sampled" $MAXP
expect "some forks were refused" ge "${failed:-0}" 1
k_max=$(kv "$(cg $B)/pids.events" max)
stats "$B"; a_max=$(j .pids.events.max); a_cur=$(j .pids.current)
figure "kernel_pids_events_max=$k_max api_pids_events_max=${a_max:-absent} api_pids_current=${a_cur:-absent}"
expect "kernel pids.events max >= 1" ge "$k_max" 1
expect "API stats pids.events.max >= 1" ge "$a_max" 1

pids=$(procs_of $B)
t=$(now_ms)
api POST "/v1/boxes/$B/kill"; expect "kill -> 200" eq "$CODE" 200
figure "kill_ms=$(( $(now_ms) - t )) killed_tasks=$(wc -w <<< "$pids")"
expect "box empty after kill (cgroup.procs)" eq "$(nprocs_of $B)" 0
expect "cgroup.events populated 0 after kill" eq "$(populated $B)" 0
api DELETE "/v1/boxes/$B"; expect "delete -> 204" eq "$CODE" 204
expect "cgroup directory gone" test ! -e "$(cg $B)"
left=0; for p in $pids; do alive "$p" && left=$((left + 1)); done
figure "live_leftovers=$left"
expect "no process from the box is alive" eq "$left" 0
api GET "/v1/boxes/$B"; figure "record_after_delete=HTTP$CODE/$(j .state)"
finish
