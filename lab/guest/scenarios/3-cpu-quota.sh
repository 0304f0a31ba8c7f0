#!/bin/bash
# 3 cpu quota: a box with cpu.max = 20000 100000 runs a busy loop for 5 s.
#   cpu.stat usage grows by 1 s +-25%; nrThrottled > 0.
# timeout: 120
source "$STAGE/lib.sh"; begin cpu-quota; ensure_boxd
B=lab-cpu
create_box "$B" '{"cpuMax":{"quotaMicros":20000,"periodMicros":100000}}'
[[ $CODE == 201 ]] || abort "create: HTTP $CODE $(j .detail)"
expect "API enforced.cpuMax = 20000/100000" eq "$(j '.enforced.cpuMax | "\(.quotaMicros)/\(.periodMicros)"')" "20000/100000"
expect "kernel cpu.max = '20000 100000'" eq "$(cat "$(cg $B)/cpu.max")" "20000 100000"
stats "$B"; a_u0=$(j .cpu.usageMicros); k_u0=$(kv "$(cg $B)/cpu.stat" usage_usec)
t=$(now_ms)
spawn "$B" "$BIN/spin" 5; P=$SPAWNED_PID
[[ -n $P ]] || abort "spawn spin: HTTP $CODE $(j .detail)"
done_() { [[ "$(nprocs_of $B)" == 0 ]]; }
wait_for 30 done_ || problem "busy loop still running 30 s after spawn"
figure "wall=$(secs $(( $(now_ms) - t )))s"
st=$(cg $B)/cpu.stat
k_u1=$(kv "$st" usage_usec); k_thr=$(kv "$st" nr_throttled); k_thrus=$(kv "$st" throttled_usec); k_per=$(kv "$st" nr_periods)
stats "$B"; a_u1=$(j .cpu.usageMicros); a_thr=$(j .cpu.nrThrottled)
k_d=$(( k_u1 - ${k_u0:-0} )); a_d=$(( ${a_u1:-0} - ${a_u0:-0} ))
figure "kernel_usage_delta=$(secs $((k_d / 1000)))s api_usage_delta=$(secs $((a_d / 1000)))s nr_periods=$k_per nr_throttled=$k_thr throttled=$(secs $((k_thrus / 1000)))s api_nrThrottled=${a_thr:-absent}"
expect "kernel usage delta within 1 s +-25% (0.75..1.25 s)" bash -c "(( $k_d >= 750000 && $k_d <= 1250000 ))"
expect "API usage delta within 1 s +-25%" bash -c "[[ -n '$a_u1' ]] && (( $a_d >= 750000 && $a_d <= 1250000 ))"
expect "kernel nr_throttled > 0" gt "$k_thr" 0
expect "API nrThrottled > 0" gt "$a_thr" 0
destroy_box $B
finish
