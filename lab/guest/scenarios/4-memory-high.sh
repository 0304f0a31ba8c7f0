#!/bin/bash
# 4 memory.high: throttling shows in memory.events high before any OOM.
#   box: memory.high = 32 MiB, memory.max = 96 MiB; a process grows to 80 MiB, 1 MiB per 20 ms.
#   pass: the first sample with high >= 1 has oom = 0 and oom_kill = 0 (kernel), and the API
#   reports events.high >= 1 at a moment when it reports oom = 0.
# timeout: 300
source "$STAGE/lib.sh"; begin memory-high; ensure_boxd
B=lab-memhigh; HIGH=$((32*MiB)); MAX=$((96*MiB))
create_box "$B" '{"memoryHighBytes":'$HIGH',"memoryMaxBytes":'$MAX'}'
[[ $CODE == 201 ]] || abort "create: HTTP $CODE $(j .detail)"
expect "API enforced.memoryHighBytes = $HIGH" eq "$(j .enforced.memoryHighBytes)" "$HIGH"
expect "kernel memory.high = $HIGH" eq "$(cat "$(cg $B)/memory.high")" "$HIGH"
ev=$(cg $B)/memory.events
t=$(now_ms)
spawn "$B" "$BIN/memhog" 80 20 120 "$SCRATCH/high.progress"; P=$SPAWNED_PID
[[ -n $P ]] || abort "spawn memhog: HTTP $CODE $(j .detail)"
first_high() { [[ "$(kv "$ev" high)" -ge 1 ]] 2>/dev/null; }
if wait_for 60 first_high; then
  h=$(kv "$ev" high); o=$(kv "$ev" oom); ok=$(kv "$ev" oom_kill); cur=$(cat "$(cg $B)/memory.current")
  figure "first_high_after=$(secs $(( $(now_ms) - t )))s high=$h oom=$o oom_kill=$ok current=$((cur / MiB))MiB"
  expect "kernel: high >= 1 while oom = 0 and oom_kill = 0" bash -c "[[ '$o' == 0 && '$ok' == 0 ]]"
else problem "memory.events high stayed 0 for 60 s"; fi
# the API view, a moment later: high >= 1 and still no OOM
sleep 1; stats "$B"
a_h=$(j .memory.events.high); a_o=$(j .memory.events.oom); a_ok=$(j .memory.events.oomKill)
k_o=$(kv "$ev" oom)
figure "api_high=${a_h:-absent} api_oom=${a_o:-absent} api_oomKill=${a_ok:-absent}"
expect "API events.high >= 1" ge "$a_h" 1
if [[ "$k_o" == 0 ]]; then expect "API events.oom = 0 while kernel oom = 0" eq "$a_o" 0; fi
# throttled, not killed: the process lives on while memory.current sits around memory.high
sleep 3
cur=$(cat "$(cg $B)/memory.current"); prog=$(awk '{print $2}' "$SCRATCH/high.progress" 2>/dev/null)
figure "after_4s: current=$((cur / MiB))MiB allocated=${prog:-?}MiB high=$(kv "$ev" high) oom_kill=$(kv "$ev" oom_kill) alive=$(alive "$P" && echo yes || echo no)"
destroy_box $B
finish
