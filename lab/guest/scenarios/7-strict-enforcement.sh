#!/bin/bash
# 7 strict enforcement (issue 5 lists it as #8): requesting a controller that the parent does not delegate gives 422
#   (problem+json naming the controller) and leaves nothing behind.
#   Setup A (as issue 5 says): remove `memory` from <mount>/<base>/cgroup.subtree_control.
#   If boxd answers 201 because it re-enabled `memory` at the base itself (issue 2 enables the
#   controllers at every level on every create), the parent did delegate after all, so the
#   suite checks that this was consistent and then uses setup B, where the base cannot
#   delegate memory at all: the base is made a *threaded* cgroup (its cgroup.controllers then
#   lists only threaded controllers: cpu, cpuset, pids, ...). Afterwards the base is restored
#   (B: rmdir + mkdir with the old subtree_control) and a memory-limited box must work again.
# timeout: 300
source "$STAGE/lib.sh"; begin strict-enforcement; ensure_boxd
BA=lab-strict-a; BB=lab-strict-b; BASEDIR=$(cg ''); BASEDIR=${BASEDIR%/}; REQ='{"memoryMaxBytes":'$((64*MiB))'}'
api GET /v1/host; figure "enforcement=$(j .enforcement // .enforcementMode)"
if [[ ! -d $BASEDIR ]]; then create_box lab-strict-pre '{}'; destroy_box lab-strict-pre; fi
[[ -d $BASEDIR ]] || abort "base $BASEDIR does not exist"
SAVED=$(cat "$BASEDIR/cgroup.subtree_control"); log "base subtree_control: $SAVED"
children=$(find "$BASEDIR" -mindepth 1 -maxdepth 1 -type d | wc -l)
[[ $children == 0 ]] || abort "base has $children child cgroups before the scenario"

check_refused() { # check_refused LABEL ID: the last response is the refusal; nothing is left behind
  local ct=$CTYPE B=$2
  expect "$1: HTTP 422" eq "$CODE" 422
  expect "$1: application/problem+json ($ct)" bash -c "[[ '$ct' == application/problem+json* ]]"
  expect "$1: problem has a type" jq_ok '.type | length > 0'
  expect "$1: problem names the memory controller" jq_ok '(.detail // "") + " " + (.title // "") | test("memory")'
  figure "$1: type=$(j .type) detail=\"$(j .detail | head -c 160)\""
  expect "$1: no cgroup left behind" test ! -e "$(cg $B)"
  api GET "/v1/boxes/$B"; expect "$1: no record left behind (GET -> $CODE)" eq "$CODE" 404
}
restore_a() { local c; for c in $SAVED; do echo "+$c" > "$BASEDIR/cgroup.subtree_control"; done; }

# ---- setup A --------------------------------------------------------------------------------
echo "-memory" > "$BASEDIR/cgroup.subtree_control" || abort "could not remove memory from $BASEDIR/cgroup.subtree_control"
log "after removal: $(cat "$BASEDIR/cgroup.subtree_control")"
create_box "$BA" "$REQ"; a_code=$CODE
if [[ $a_code == 422 ]]; then
  figure "setup=A(base subtree_control without memory)"
  check_refused A "$BA"
  restore_a
else
  now=$(cat "$BASEDIR/cgroup.subtree_control")
  figure "setup=A->HTTP$a_code base_subtree_control_after=\"$now\""
  if [[ $a_code == 201 ]]; then
    expect "A: boxd re-delegated memory at the base (201 is only honest if so)" bash -c "[[ ' $now ' == *' memory '* ]]"
    expect "A: enforced.memoryMaxBytes = kernel memory.max" eq "$(j .enforced.memoryMaxBytes)" "$(cat "$(cg $BA)/memory.max" 2>/dev/null)"
    destroy_box "$BA"
  else
    problem "A: expected 422 (or an honest 201), got HTTP $a_code $(j .detail)"
  fi
  restore_a
  # ---- setup B: a base that cannot delegate memory ----------------------------------------
  for c in $(cat "$BASEDIR/cgroup.subtree_control"); do
    case $c in cpu|cpuset|pids|perf_event) ;; *) echo "-$c" > "$BASEDIR/cgroup.subtree_control";; esac
  done
  if echo threaded > "$BASEDIR/cgroup.type"; then
    log "base is now $(cat "$BASEDIR/cgroup.type"); controllers: $(cat "$BASEDIR/cgroup.controllers")"
    figure "setup=B(threaded base, controllers: $(cat "$BASEDIR/cgroup.controllers"))"
    create_box "$BB" "$REQ"; check_refused B "$BB"
    find "$BASEDIR" -mindepth 1 -depth -type d -exec rmdir {} \; 2>/dev/null
    rmdir "$BASEDIR" && mkdir "$BASEDIR" || problem "could not re-create the base"
  else
    problem "B: could not make the base threaded"
  fi
  restore_a
fi
log "restored base subtree_control: $(cat "$BASEDIR/cgroup.subtree_control") (was: $SAVED)"
expect "base subtree_control restored" eq "$(cat "$BASEDIR/cgroup.subtree_control")" "$SAVED"
# and memory limits work again
create_box lab-strict-after "$REQ"
expect "after restore: create with memoryMaxBytes -> 201" eq "$CODE" 201
expect "after restore: enforced = kernel memory.max" eq "$(j .enforced.memoryMaxBytes)" "$(cat "$(cg lab-strict-after)/memory.max" 2>/dev/null)"
destroy_box lab-strict-after
finish
