#!/bin/bash
# 9 spawn at pids.max: a box with pids.max = 2 holds two sleeps; a third spawn is refused (409
#   pids-limit-reached) and pids.current stays 2. The same after a kill: the kernel may SIGKILL a
#   child cloned into a cgroup that was written cgroup.kill, and boxd then forks and moves it in,
#   and a move is not held to pids.max (cgroup-v2.rst), so boxd must check it itself.
# timeout: 240
source "$STAGE/lib.sh"; begin spawn-at-pids-max; ensure_boxd
B=lab-pidsmax
create_box "$B" '{"pidsMax":2}'
[[ $CODE == 201 ]] || abort "create: HTTP $CODE $(j .detail)"
expect "kernel pids.max = 2" eq "$(cat "$(cg $B)/pids.max")" 2
for round in fresh after-kill; do
  spawn "$B" sleep 600; p1=$SPAWNED_PID; spawn "$B" sleep 600; p2=$SPAWNED_PID
  expect "$round: two spawns under the limit -> 201 201" test -n "$p1" -a -n "$p2"
  spawn "$B" sleep 600; p3=$SPAWNED_PID; code=$CODE; type=$(j .type)
  cur=$(cat "$(cg $B)/pids.current"); n=$(nprocs_of $B)
  figure "$round: third spawn HTTP $code type=${type:-none} pid=${p3:-none}; pids.current=$cur procs=$n"
  expect "$round: the third spawn -> 409 pids-limit-reached" eq "$code/$type" "409/urn:boxd:problem:pids-limit-reached"
  expect "$round: pids.current stays 2" eq "$cur" 2
  expect "$round: two processes in the box" eq "$n" 2
  [[ -n $p3 ]] && { alive "$p3" && problem "$round: the refused spawn's pid $p3 is alive"; }
  api POST "/v1/boxes/$B/kill"; expect "$round: kill -> 200" eq "$CODE" 200
  expect "$round: box empty after kill" eq "$(nprocs_of $B)" 0
done
api GET "/v1/boxes/$B/events"; refused=$(printf '%s' "$BODY" | jq '[.[] | select(.type == "process-started")] | length')
expect "history has the four started processes only" eq "$refused" 4
api DELETE "/v1/boxes/$B"; expect "delete -> 204" eq "$CODE" 204
expect "cgroup directory gone" test ! -e "$(cg $B)"
finish
