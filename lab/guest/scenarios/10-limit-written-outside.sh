#!/bin/bash
# 10 limit written outside boxd: an operator writes a box's memory.max and pids.max in cgroupfs.
#   `enforced` (GET) follows the kernel within 5 s while `limits` keeps what was requested, and
#   the history tells each change (enforced-changed). boxd's own PATCH adds no such event.
# timeout: 240
source "$STAGE/lib.sh"; begin limit-written-outside; ensure_boxd
B=lab-outside; REQ=$((64*MiB)); OUTSIDE=$((32*MiB)); PATCHED=$((48*MiB))
create_box "$B" '{"memoryMaxBytes":'$REQ',"pidsMax":64}'
[[ $CODE == 201 ]] || abort "create: HTTP $CODE $(j .detail)"
f=$(cg $B)
changes() { api GET "/v1/boxes/$B/events" > /dev/null; printf '%s' "$BODY" | jq '[.[] | select(.type == "enforced-changed")] | length'; }
enforced_is() { api GET "/v1/boxes/$B" > /dev/null; [[ "$(j ".enforced.$1")" == "$2" ]]; }

t=$(now_ms); echo "$OUTSIDE" > "$f/memory.max"
wait_for 5 enforced_is memoryMaxBytes "$OUTSIDE"; ok=$?
figure "memory.max written: enforced after $(( $(now_ms) - t )) ms ($( ((ok == 0)) && echo seen || echo unseen))"
api GET "/v1/boxes/$B"
expect "GET enforced.memoryMaxBytes = kernel memory.max $OUTSIDE" eq "$(j .enforced.memoryMaxBytes)/$(cat "$f/memory.max")" "$OUTSIDE/$OUTSIDE"
expect "GET limits.memoryMaxBytes still the requested $REQ" eq "$(j .limits.memoryMaxBytes)" "$REQ"
api GET "/v1/boxes/$B/events"
detail=$(printf '%s' "$BODY" | jq -r '[.[] | select(.type == "enforced-changed")][0].detail // empty')
figure "event: ${detail:-none}"
expect "an enforced-changed event names memoryMaxBytes=$OUTSIDE" bash -c "[[ '$detail' == *memoryMaxBytes=$OUTSIDE* ]]"

echo 100 > "$f/pids.max"
wait_for 5 enforced_is pidsMax 100 || problem "enforced.pidsMax did not become 100 within 5 s"
expect "two enforced-changed events" eq "$(changes)" 2

api PATCH "/v1/boxes/$B" '{"limits":{"memoryMaxBytes":'$PATCHED'}}'
expect "PATCH -> 200 with enforced.memoryMaxBytes $PATCHED" eq "$CODE/$(j .enforced.memoryMaxBytes)" "200/$PATCHED"
sleep 2
expect "kernel memory.max = $PATCHED" eq "$(cat "$f/memory.max")" "$PATCHED"
expect "boxd's own PATCH adds no enforced-changed event" eq "$(changes)" 2
api DELETE "/v1/boxes/$B"; expect "delete -> 204" eq "$CODE" 204
finish
