#!/bin/bash
# 3 cpu quota: a box with cpu.max = 20000 100000 runs a busy loop for 5 s.
#   cpu.stat usage grows by 1 s +-25% during the loop; nr_throttled > 0.
#   The loop (helpers/spin) reads its own cgroup's cpu.stat right before and right after the
#   5 s, so exec and start-up cost (also throttled at 20%) are not counted. The API must then
#   report exactly what the kernel files say once the box is idle.
# timeout: 300
source "$STAGE/lib.sh"; begin cpu-quota; ensure_boxd
B=lab-cpu; R=$SCRATCH/spin.result; rm -f "$R"
create_box "$B" '{"cpuMax":{"quotaMicros":20000,"periodMicros":100000}}'
[[ $CODE == 201 ]] || abort "create: HTTP $CODE $(j .detail)"
expect "API enforced.cpuMax = 20000/100000" eq "$(j '.enforced.cpuMax | "\(.quotaMicros)/\(.periodMicros)"')" "20000/100000"
expect "kernel cpu.max = '20000 100000'" eq "$(cat "$(cg $B)/cpu.max")" "20000 100000"
t=$(now_ms)
spawn "$B" "$BIN/spin" 5 1 "$R"; P=$SPAWNED_PID
[[ -n $P ]] || abort "spawn spin: HTTP $CODE $(j .detail)"
done_() { [[ -s "$R" && "$(nprocs_of $B)" == 0 ]]; }
wait_for 60 done_ || abort "busy loop did not finish within 60 s of spawn"
r=$(cat "$R"); log "spin: $r"
v() { sed -n "s/.*\b$1=\(-\?[0-9]*\).*/\1/p" <<< "$r"; }
d_use=$(( $(v usage1) - $(v usage0) )); d_per=$(( $(v periods1) - $(v periods0) )); d_thr=$(( $(v throttled1) - $(v throttled0) ))
figure "loop_wall=$(secs $(( $(v wall_us) / 1000 )))s loop_usage=$(secs $((d_use / 1000)))s loop_periods=$d_per loop_throttled=$d_thr"
expect "spin could read its cgroup's cpu.stat" bash -c "(( $(v usage0) >= 0 ))"
expect "cpu.stat usage grew by 1 s +-25% during the 5 s loop (0.75..1.25 s)" bash -c "(( $d_use >= 750000 && $d_use <= 1250000 ))"
expect "nr_throttled grew during the loop" gt "$d_thr" 0
st=$(cg $B)/cpu.stat
k_u=$(kv "$st" usage_usec); k_thr=$(kv "$st" nr_throttled); k_thrus=$(kv "$st" throttled_usec)
stats "$B"; a_u=$(j .cpu.usageMicros); a_thr=$(j .cpu.nrThrottled); a_thrus=$(j .cpu.throttledMicros)
figure "kernel_usage_total=$(secs $((k_u / 1000)))s kernel_nr_throttled=$k_thr throttled=$(secs $((k_thrus / 1000)))s api_usageMicros=${a_u:-absent} api_nrThrottled=${a_thr:-absent}"
expect "API usageMicros = kernel usage_usec (box idle)" eq "$a_u" "$k_u"
expect "API nrThrottled = kernel nr_throttled > 0" bash -c "[[ '$a_thr' == '$k_thr' ]] && (( ${a_thr:-0} > 0 ))"
expect "API throttledMicros = kernel throttled_usec" eq "$a_thrus" "$k_thrus"
destroy_box $B
finish
