#!/bin/bash
# 5 tree kill: a three-level process tree, including a double-forked daemon that called setsid,
#   is fully reaped by one kill.
# timeout: 240
source "$STAGE/lib.sh"; begin tree-kill; ensure_boxd
B=lab-tree; PF=$SCRATCH/tree.pids; rm -f "$PF"
create_box "$B" '{}'
[[ $CODE == 201 ]] || abort "create: HTTP $CODE $(j .detail)"
spawn "$B" /bin/bash "$STAGE/tree.sh" "$PF"; P=$SPAWNED_PID
[[ -n $P ]] || abort "spawn tree: HTTP $CODE $(j .detail)"
complete() { [[ $(grep -c -E '^(L1|L2|L3|DAEMON|L3D) ' "$PF" 2>/dev/null) -ge 5 ]]; }
wait_for 30 complete || problem "tree did not report all its levels in 30 s: $(tr '\n' ' ' < "$PF" 2>/dev/null)"
sleep 0.5
cat "$PF"
pid_of() { awk -v k="$1" '$1==k{print $2}' "$PF"; }
D=$(pid_of DAEMON); all=$(awk '{print $2}' "$PF" | tr '\n' ' ')
# the daemon: its own session (sid == pid) and no longer a child of the tree (double fork)
d_sid=$(awk '{print $6}' "/proc/$D/stat" 2>/dev/null); d_ppid=$(awk '{print $4}' "/proc/$D/stat" 2>/dev/null)
figure "tree_pids=[$all] daemon=$D sid=$d_sid ppid=$d_ppid"
expect "daemon called setsid (sid == pid)" eq "$d_sid" "$D"
expect "daemon was re-parented away from the tree (ppid not in tree)" bash -c "[[ -n '$d_ppid' && ' $all ' != *' $d_ppid '* ]]"
n_k=$(nprocs_of $B)
api GET "/v1/boxes/$B/processes"; n_a=$(printf '%s' "$BODY" | jq 'length' 2>/dev/null)
figure "tasks_kernel=$n_k tasks_api=${n_a:-?}"
for p in $all; do expect "pid $p is in the box (kernel)" grep -q -x "$p" "$(cg $B)/cgroup.procs"; done
expect "API process list has the daemon" jq_ok "map(.pid) | index($D) != null"

t=$(now_ms)
api POST "/v1/boxes/$B/kill"; kc=$CODE
figure "one_kill_ms=$(( $(now_ms) - t ))"
expect "kill -> 200" eq "$kc" 200
left=""; for p in $all; do alive "$p" && left+="$p "; done
expect "every pid of the tree is gone right after the one kill (left: ${left:-none})" eq "$left" ""
expect "cgroup.procs empty" eq "$(nprocs_of $B)" 0
expect "cgroup.events populated 0" eq "$(populated $B)" 0
api GET "/v1/boxes/$B/processes"; expect "API process list empty" eq "$(printf '%s' "$BODY" | jq 'length' 2>/dev/null)" 0
api GET "/v1/boxes/$B"; figure "state_after_kill=$(j .state)"
api DELETE "/v1/boxes/$B"; expect "delete -> 204" eq "$CODE" 204
expect "cgroup directory gone" test ! -e "$(cg $B)"
finish
