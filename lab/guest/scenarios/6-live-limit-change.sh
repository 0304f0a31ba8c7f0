#!/bin/bash
# 6 live limit change: PATCH lowers memory.max below current usage. What happens matches what
#   the API reports, and `enforced` matches the kernel file.
#   box: memory.max 256 MiB, a process holds 96 MiB; PATCH memory.max to 48 MiB.
#   Either boxd accepts (200): kernel memory.max = 48 MiB = enforced, and the kernel either
#   reclaimed below 48 MiB or OOM-killed the holder, and the API stats/processes say the same;
#   or boxd refuses (4xx problem+json): the kernel file and enforced still say 256 MiB and the
#   holder lives.
# timeout: 300
source "$STAGE/lib.sh"; begin live-limit-change; ensure_boxd
B=lab-patch; BIG=$((256*MiB)); SMALL=$((48*MiB))
create_box "$B" '{"memoryMaxBytes":'$BIG'}'
[[ $CODE == 201 ]] || abort "create: HTTP $CODE $(j .detail)"
spawn "$B" "$BIN/memhog" 96 0 300 "$SCRATCH/patch.progress"; P=$SPAWNED_PID
[[ -n $P ]] || abort "spawn memhog: HTTP $CODE $(j .detail)"
wait_for 40 grep -q holding "$SCRATCH/patch.progress" || abort "holder did not reach 96 MiB in 40 s"
f=$(cg $B)
cur0=$(cat "$f/memory.current"); ok0=$(kv "$f/memory.events" oom_kill)
figure "usage_before=$((cur0 / MiB))MiB"
t=$(now_ms)
api PATCH "/v1/boxes/$B" '{"limits":{"memoryMaxBytes":'$SMALL'}}'
pc=$CODE; pbody=$BODY; pct=$CTYPE
figure "patch=HTTP$pc patch_ms=$(( $(now_ms) - t ))"
sleep 1
kmax=$(cat "$f/memory.max"); cur1=$(cat "$f/memory.current"); ok1=$(kv "$f/memory.events" oom_kill)
halive=$(alive "$P" && echo yes || echo no)
figure "kernel_memory.max=$kmax usage_after=$((cur1 / MiB))MiB oom_kill=$ok0->$ok1 holder_alive=$halive"
api GET "/v1/boxes/$B"; genf=$(j .enforced.memoryMaxBytes)
if [[ $pc == 200 ]]; then
  BODY=$pbody
  expect "PATCH response enforced.memoryMaxBytes = kernel memory.max" eq "$(j .enforced.memoryMaxBytes)" "$kmax"
  expect "kernel memory.max = requested $SMALL" eq "$kmax" "$SMALL"
  expect "GET enforced.memoryMaxBytes = kernel memory.max" eq "$genf" "$kmax"
  expect "usage now <= the new memory.max" le "$cur1" "$SMALL"
  stats "$B"; a_ok=$(j .memory.events.oomKill); a_cur=$(j .memory.currentBytes)
  api GET "/v1/boxes/$B/processes"; a_has=$(printf '%s' "$BODY" | jq "map(.pid) | index($P) != null" 2>/dev/null)
  figure "api_oomKill=${a_ok:-absent} api_current=$(( ${a_cur:-0} / MiB ))MiB api_lists_holder=${a_has:-?}"
  expect "API oomKill = kernel oom_kill" eq "$a_ok" "$ok1"
  if [[ $halive == no ]]; then
    expect "holder died by the OOM killer (kernel oom_kill grew)" gt "$ok1" "$ok0"
    expect "API no longer lists the holder" eq "$a_has" false
    has_oom_event() { api GET "/v1/boxes/$B/events" > /dev/null; printf '%s' "$BODY" | jq -e '[.[] | select(.type | ascii_downcase | contains("oom"))] | length >= 1' > /dev/null 2>&1; }
    wait_for 10 has_oom_event || problem "events show no OOM for the holder killed by the PATCH"
    figure "outcome=oom-killed"
  else
    expect "API still lists the live holder" eq "$a_has" true
    figure "outcome=reclaimed"
  fi
else
  BODY=$pbody
  figure "outcome=refused type=$(j .type)"
  expect "refusal is problem+json ($pct)" bash -c "[[ '$pct' == application/problem+json* ]]"
  expect "kernel memory.max unchanged" eq "$kmax" "$BIG"
  expect "GET enforced.memoryMaxBytes = kernel memory.max" eq "$genf" "$kmax"
  expect "holder still alive" eq "$halive" yes
fi
destroy_box $B
finish
