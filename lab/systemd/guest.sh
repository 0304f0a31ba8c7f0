#!/bin/bash
# Runs inside the kernel-lab VM as root, with systemd as PID 1 (see ./acceptance). Drives boxd
# through its REST API with --boxd.driver=systemd: as root on the system manager, and rootless
# as an unprivileged user on their user manager. One line per check goes to /mnt/out/results.
# Reconcile covers units (issue 4): orphan boxlite units planted before the first start are reaped
# by the startup reconcile (root and rootless); at the end one more start runs the adopt and the
# report policies side by side against more planted orphans.
set -u
OUT=/mnt/out
. "$OUT/lab.env"                                  # BOXD_JAR, JAVA_OPTS, BOXD_TOKEN (optional)
RES=$OUT/results; : > "$RES"
U=boxuser; UID_=1500; RT=/run/user/$UID_
UCG=/sys/fs/cgroup/user.slice/user-$UID_.slice/user@$UID_.service
MiB=1048576

pass() { echo "PASS $*" | tee -a "$RES"; }
fail() { echo "FAIL $*" | tee -a "$RES"; }
check() { local name=$1 ok=$2; shift 2; if [ "$ok" = 0 ]; then pass "$name — $*"; else fail "$name — $*"; fi; }
auth=(); [ -n "${BOXD_TOKEN:-}" ] && auth=(-H "Authorization: Bearer $BOXD_TOKEN")
# api PORT METHOD PATH [JSON] → prints "status seconds", body in /tmp/body
api() { local port=$1 m=$2 p=$3 d=${4:-}; local a=(-s -o /tmp/body -w '%{http_code} %{time_total}' -X "$m" "${auth[@]}")
  [ -n "$d" ] && a+=(-H 'Content-Type: application/json' --data "$d"); curl "${a[@]}" "http://127.0.0.1:$port$p"; }
body() { jq -r "$1" /tmp/body; }
asuser() { runuser -u $U -- env XDG_RUNTIME_DIR=$RT HOME=/home/$U "$@"; }
start_boxd() { # NAME PORT DRIVER [root|user [--more=args ...]]; DATA=name picks another data dir (default NAME)
  local name=$1 port=$2 driver=$3 who=${4:-root} dir=/var/lib/boxd-lab/${DATA:-$1}
  shift $(( $# < 4 ? $# : 4 ))
  mkdir -p "$dir"; [ "$who" = root ] || chown $U "$dir"
  local cmd=(java $JAVA_OPTS -jar "$BOXD_JAR" --boxd.driver="$driver" --server.port="$port"
             --boxd.data-dir="$dir" --boxd.security.mode=insecure-loopback-only "$@")
  if [ "$who" = root ]; then "${cmd[@]}" > "$OUT/boxd-$name.log" 2>&1 &
  else asuser "${cmd[@]}" > "$OUT/boxd-$name.log" 2>&1 & fi
  eval "PID_$name=$!"
}
await_ready() { # NAME PORT → seconds
  local t0=$(date +%s.%N)
  for _ in $(seq 1 600); do
    [ "$(api "$2" GET /v1/host | cut -d' ' -f1)" = 200 ] && { awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}'; return 0; }
    sleep 0.5; done; return 1; }
show() { systemctl show --value "$@"; }
cgf() { cat "$1" 2>/dev/null | tr '\n' ' ' | sed 's/ $//'; }
in_cg() { sed -n 's/^0:://p' "/proc/$1/cgroup" 2>/dev/null; }
# mark_of CGROUP / mark_as CGROUP VALUE: the owner mark (xattr user.boxd.owner) boxd reads and writes
mark_of() { python3 -c 'import os, sys; print(os.getxattr(sys.argv[1], "user.boxd.owner").decode())' "$1" 2>/dev/null; }
mark_as() { python3 -c 'import os, sys; os.setxattr(sys.argv[1], "user.boxd.owner", sys.argv[2].encode())' "$1" "$2"; }
# h2sql DATADIR SQL: runs SQL on a stopped boxd's H2 database with the H2 of boxd's own jar
h2sql() { local lib; lib=$(ls "$(dirname "$BOXD_JAR")"/lib/h2-*.jar 2>/dev/null | head -1)
  if [ -z "$lib" ]; then lib=/var/lib/boxd-lab/h2.jar
    python3 -c 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); n = [x for x in z.namelist() if x.startswith("BOOT-INF/lib/h2-")][0]; open(sys.argv[2], "wb").write(z.read(n))' "$BOXD_JAR" "$lib"; fi
  java -cp "$lib" org.h2.tools.Shell -url "jdbc:h2:file:$1/boxd" -user sa -password "" -sql "$2"; }
wait_oom() { # PORT BOX → oomKill count after waiting up to 90 s
  for _ in $(seq 1 180); do api "$1" GET "/v1/boxes/$2/stats" >/dev/null
    local k; k=$(body '.memory.events.oomKill // 0'); [ "$k" -ge 1 ] && { echo "$k"; return; }; sleep 0.5; done; echo 0; }
p50() { sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)]*1000}'; }
await_up() { # PORT: readiness UP, i.e. the startup reconcile has finished (/v1/host answers before it)
  for _ in $(seq 1 600); do [ "$(curl -s "http://127.0.0.1:$1/actuator/health/readiness" | jq -r .status 2>/dev/null)" = UP ] && return 0
    sleep 0.5; done; return 1; }
stop_boxd() { # PID: SIGTERM, wait (bounded) until it is gone, reap it
  kill "$1" 2>/dev/null
  for _ in $(seq 1 120); do [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" ] && [ "$(awk '{print $3}' "/proc/$1/stat")" != Z ] || break; sleep 0.5; done
  kill -9 "$1" 2>/dev/null; wait "$1" 2>/dev/null; }

# ---- orphan units (issue 4: reconcile covers units) ----------------------------------------------
# plant root|user ID [CMD...]: leaves a box the way an earlier boxd would: the transient slice
# boxlite-<id>.slice (dashes escaped) under boxlite.slice with boxd's slice properties and
# MemoryMax=64M, and, with CMD, a scope boxlite-<id>-p1.scope in it running CMD (made by
# systemd-run with its defaults, not boxd's). CMD is detached from this shell (setsid -f), so its
# processes are the manager's children and leave no zombie here. Prints the slice's cgroup.
esc() { printf '%s' "$1" | sed 's/-/\\x2d/g'; }
cg_pids() { find "$1" -name cgroup.procs -exec cat {} + 2>/dev/null | sort -n | tr '\n' ' ' | sed 's/ $//'; }
plant() { # PFX=base picks another base slice (default boxlite)
  local who=$1 id=$2 pfx=${PFX:-boxlite}; shift 2
  local slice="$pfx-$(esc "$id").slice" scope="$pfx-$(esc "$id")-p1.scope" pre=() m=() cg=/sys/fs/cgroup/$pfx.slice
  if [ "$who" = user ]; then pre=(asuser); m=(--user); cg=$UCG/$pfx.slice; fi
  "${pre[@]}" busctl "${m[@]}" call org.freedesktop.systemd1 /org/freedesktop/systemd1 org.freedesktop.systemd1.Manager \
    StartTransientUnit 'ssa(sv)a(sa(sv))' "$slice" fail 5 Description s "boxd box $id" CollectMode s inactive-or-failed \
    MemoryAccounting b true TasksAccounting b true MemoryMax t 67108864 0 >/dev/null
  for _ in $(seq 1 60); do [ "$("${pre[@]}" systemctl "${m[@]}" is-active "$slice")" = active ] && break; sleep 0.5; done
  if [ $# -gt 0 ]; then
    "${pre[@]}" setsid -f systemd-run "${m[@]}" --quiet --scope --slice="$slice" --unit="$scope" "$@" < /dev/null > /dev/null 2>&1
  fi
  echo "$cg/$slice"; }
settle() { # CGROUP N: wait until N processes, all of them sleep, are in the cgroup (the double fork is done)
  local p
  for _ in $(seq 1 120); do p=$(cg_pids "$1")
    [ "$(wc -w <<<"$p")" = "$2" ] && ! for q in $p; do [ "$(cat /proc/$q/comm 2>/dev/null)" = sleep ] || echo no; done | grep -q no && return 0
    sleep 0.5; done; return 1; }
alive_of() { local a="" p; for _ in $(seq 1 10); do a=""; for p in "$@"; do kill -0 "$p" 2>/dev/null && a+="$p "; done
  [ -z "$a" ] && break; sleep 0.5; done; echo "${a% }"; }
# orphans ACTION [FILE]: the report's orphans with that action as "path[pids]", sorted; want PATH PIDS...: the same from what was planted
orphans() { jq -r --arg a "$1" '[.orphans[]? | select(.action == $a) | "\(.path)[\(.pids | sort | map(tostring) | join(","))]"] | sort | join(" ")' "${2:-/tmp/body}"; }
want() { local out=() path pids; while [ $# -gt 0 ]; do path=$1 pids=$2; shift 2; out+=("$path[${pids// /,}]"); done
  printf '%s\n' "${out[@]}" | jq -R . | jq -rs 'sort | join(" ")'; }
units_left() { # [root|user [PATTERN]]: every unit matching (default 'boxlite-*'), loaded in any state, as name(active/sub)
  local c=(systemctl); [ "${1:-root}" = user ] && c=(asuser systemctl --user)
  "${c[@]}" list-units --all --plain --no-legend "${2:-boxlite-*}" | awk '{print $1"("$3"/"$4")"}' | tr '\n' ' ' | sed 's/ $//'; }

echo "== systemd $(systemctl --version | head -1 | cut -d' ' -f2), kernel $(uname -r), PID 1 $(cat /proc/1/comm)"

# ---- rootless user: delegate only memory and pids, so cpu shows the strict 422 -----------------
grep -h '^Delegate=' /lib/systemd/system/user@.service | sed 's/^/default user@.service: /'
useradd -m -u $UID_ $U
mkdir -p /etc/systemd/system/user@$UID_.service.d
printf '[Service]\nDelegate=\nDelegate=memory pids\n' > /etc/systemd/system/user@$UID_.service.d/delegate.conf
systemctl daemon-reload; loginctl enable-linger $U
for _ in $(seq 1 120); do [ -S $RT/bus ] && break; sleep 0.5; done

# The CDS archive is mmapped; over 9p that crawls, so serve the same path from the guest's tmpfs.
CDSDIR=$(dirname "$BOXD_JAR")
if [[ "$JAVA_OPTS" == *SharedArchiveFile* ]]; then
  mkdir -p /var/lib/boxd-cds && cp -a "$CDSDIR/." /var/lib/boxd-cds/ && mount --bind /var/lib/boxd-cds "$CDSDIR"
fi

# ---- orphans of an earlier boxd, for the startup reconcile to reap (default policy) ----------------
# o-reap2 has a dash (escaped in its unit names) and a setsid'd double-forked daemon; oreap3 is an
# empty slice (a box created and never run).
O1=$(plant root oreap1 sleep 100001)
O2=$(plant root o-reap2 sh -c '(setsid sleep 100003 &); exec sleep 100002')
O3=$(plant root oreap3)
OU=$(plant user ureap sleep 100011)
settle "$O1" 1 && settle "$O2" 2 && settle "$OU" 1; check "orphans planted: boxlite units with processes, boxd not running" $? \
  "$(units_left) | user: $(units_left user) | pids: oreap1 [$(cg_pids "$O1")] o-reap2 [$(cg_pids "$O2")] ureap [$(cg_pids "$OU")]"
P1=$(cg_pids "$O1"); P2=$(cg_pids "$O2"); PU=$(cg_pids "$OU")

# ---- start both boxd at once (a Spring start costs minutes of CPU under TCG) --------------------
# Periodic passes are off, so /v1/reconcile/last stays each boxd's startup report: under TCG one
# boxd can be ready long before the other is, and a first periodic pass 30 s after its start
# replaced the rootless startup report once in CI (the orphan had been reaped all the same).
RS=$OUT/reconcile-sd-startup.json RU=$OUT/reconcile-user-startup.json
start_boxd sd 18080 systemd root --boxd.reconcile.interval=0 --boxd.logs.max-size=1MB \
  --management.endpoints.web.exposure.include=health,info,prometheus; start_boxd user 18081 systemd user --boxd.reconcile.interval=0
T_SD=$(await_ready sd 18080); check "root: boxd (driver=systemd) ready" $? "${T_SD:-never} s after start, as root (TCG; both JVMs start at once)"
await_up 18080; api 18080 GET /v1/reconcile/last > /dev/null; cp /tmp/body "$RS"
T_U=$(await_ready user 18081); check "rootless: boxd ready as uid $UID_" $? "${T_U:-never} s after start"
await_up 18081; api 18081 GET /v1/reconcile/last > /dev/null; cp /tmp/body "$RU"

# ---- the startup reconcile reaped the orphan units ------------------------------------------------
cp "$RS" /tmp/body; got=$(orphans reaped); exp=$(want "$O1" "$P1" "$O2" "$P2" "$O3" "")
[ "$(body .trigger)" = startup ] && [ "$(body .orphansReaped)" = 3 ] && [ "$got" = "$exp" ]
check "root: startup reconcile reaps orphan boxlite units (GET /v1/reconcile/last)" $? \
  "trigger=$(body .trigger) orphansReaped=$(body .orphansReaped) adopted=$(body .orphansAdopted) reported=$(body .orphansReported) busy=$(body .busy) in $(body .durationMillis) ms; reaped: $got; planted: $exp"
left=$(alive_of $P1 $P2); [ -z "$left" ]
check "root: reaped orphans' processes are gone, the setsid'd daemon too" $? "planted pids $P1 $P2; alive: ${left:-none}"
left=$(units_left); cgs=$(ls -d /sys/fs/cgroup/boxlite.slice/boxlite-* 2>/dev/null | wc -l); [ -z "$left" ] && [ "$cgs" = 0 ]
check "root: no orphan unit left, failed or not (systemctl list-units --all 'boxlite-*')" $? \
  "units: ${left:-none}; $cgs box cgroups under boxlite.slice; boxlite.slice is $(systemctl is-active boxlite.slice)"
cp "$RU" /tmp/body; got=$(orphans reaped); exp=$(want "$OU" "$PU"); gone=$(alive_of $PU); left=$(units_left user)
[ "$(body .trigger)" = startup ] && [ "$(body .orphansReaped)" = 1 ] && [ "$got" = "$exp" ] && [ -z "$gone" ] && [ -z "$left" ]
check "rootless: startup reconcile reaps an orphan unit of the user manager" $? \
  "trigger=$(body .trigger) orphansReaped=$(body .orphansReaped); reaped: $got; planted: $exp; alive: ${gone:-none}; units: ${left:-none}"

# ================================ as root, system manager ========================================
P=18080
api $P GET /v1/host >/dev/null
[ "$(body .driver)" = systemd ]; check "root: /v1/host names the systemd driver" $? "driver=$(body .driver); $(body .driverReason)"

L='{"memoryMaxBytes":67108864,"memoryHighBytes":50331648,"pidsMax":64,"cpuMax":{"quotaMicros":20000,"periodMicros":100000},"cpuWeight":200}'
r=$(api $P POST /v1/boxes "{\"id\":\"r1\",\"limits\":$L}")
E=$(jq -c '.enforced' /tmp/body)
[ "${r%% *}" = 201 ] && [ "$(jq -r '[.memoryMaxBytes,.memoryHighBytes,.pidsMax,.cpuMax.quotaMicros,.cpuMax.periodMicros,.cpuWeight]|join(",")' <<<"$E")" = "67108864,50331648,64,20000,100000,200" ]
check "root: create r1 reads its limits back as enforced" $? "HTTP ${r%% *} in ${r##* } s; enforced=$E; cgroupPath=$(body .cgroupPath)"
UNIT='boxlite-r1.slice'; CG=/sys/fs/cgroup/boxlite.slice/$UNIT
props() { echo "MemoryMax=$(show -p MemoryMax "$@") MemoryHigh=$(show -p MemoryHigh "$@") TasksMax=$(show -p TasksMax "$@") CPUQuotaPerSecUSec=$(show -p CPUQuotaPerSecUSec "$@") CPUWeight=$(show -p CPUWeight "$@")"; }
files() { echo "memory.max=$(cgf $1/memory.max) memory.high=$(cgf $1/memory.high) pids.max=$(cgf $1/pids.max) cpu.max=$(cgf $1/cpu.max) cpu.weight=$(cgf $1/cpu.weight)"; }
WANT_P="MemoryMax=67108864 MemoryHigh=50331648 TasksMax=64 CPUQuotaPerSecUSec=200ms CPUWeight=200"
WANT_F="memory.max=67108864 memory.high=50331648 pids.max=64 cpu.max=20000 100000 cpu.weight=200"
got=$(props "$UNIT"); [ "$got" = "$WANT_P" ]; check "root: limits are properties of unit $UNIT" $? "systemctl show: $got"
M_SD=$(mark_of "$CG"); [[ "$M_SD" =~ ^[0-9a-f-]{36}$ ]]
check "root: the box's cgroup carries its database's id (xattr user.boxd.owner)" $? "$CG: ${M_SD:-no mark}"
got=$(files "$CG"); [ "$got" = "$WANT_F" ]; check "root: limits are in cgroupfs" $? "$CG: $got"
systemctl daemon-reload
got="$(props "$UNIT") | $(files "$CG")"; [ "$got" = "$WANT_P | $WANT_F" ]; check "root: limits survive systemctl daemon-reload" $? "$got"
r=$(api $P PATCH /v1/boxes/r1 '{"limits":{"memoryMaxBytes":100663296}}')
systemctl daemon-reload
got="MemoryMax=$(show -p MemoryMax "$UNIT") memory.max=$(cgf $CG/memory.max) enforced=$(api $P GET /v1/boxes/r1 >/dev/null; body .enforced.memoryMaxBytes)"
[ "${r%% *}" = 200 ] && [ "$got" = "MemoryMax=100663296 memory.max=100663296 enforced=100663296" ]
check "root: PATCH sets the property at runtime and it survives daemon-reload" $? "HTTP ${r%% *}; after reload: $got"
systemctl set-property --runtime "$UNIT" MemoryMax=83886080
seen=1; for _ in $(seq 1 25); do api $P GET /v1/boxes/r1 >/dev/null; [ "$(body .enforced.memoryMaxBytes)" = 83886080 ] && { seen=0; break; }; sleep 0.2; done
lim=$(body .limits.memoryMaxBytes); api $P GET /v1/boxes/r1/events >/dev/null
ev=$(jq -c '[.[] | select(.type == "enforced-changed") | .detail]' /tmp/body)
[ $seen = 0 ] && [ "$lim" = 100663296 ] && [ "$(jq length <<<"$ev")" = 1 ]
check "root: systemctl set-property MemoryMax shows in enforced within 5 s, limits keep the request, one enforced-changed event" $? \
  "memory.max=$(cgf $CG/memory.max); enforced.memoryMaxBytes seen=$([ $seen = 0 ] && echo yes || echo no); limits.memoryMaxBytes=$lim; events: $ev"

r=$(api $P POST /v1/boxes/r1/processes '{"argv":["sleep","1000"]}'); S1=$(body .pid)
where=$(in_cg "$S1"); [ "${r%% *}" = 201 ] && [[ "$where" == /boxlite.slice/$UNIT/boxlite-r1-p$S1.scope ]]
check "root: spawn lands in a scope inside the box before exec" $? "pid $S1 in $where ($(tr '\0' ' ' < /proc/$S1/cmdline))"
# Its own session: boxd's terminal (and a ^C meant for boxd) must not reach a box (TIOCSTI).
sess=$(ps -o sid=,pgid=,tty= -p "$S1" | xargs)
[ "$sess" = "$S1 $S1 ?" ]; check "root: a box process leads its own session, without boxd's terminal" $? "sid pgid tty of $S1: $sess; boxd's: $(ps -o sid=,pgid= -p "$PID_sd" | xargs)"
# The wrapper and setpriv run as root before the drop: the request's environment must reach only
# the target. LD_DEBUG makes the loader name every program that starts with it.
r=$(api $P POST /v1/boxes/r1/processes '{"argv":["/usr/bin/env"],"env":{"LD_DEBUG":"files","A":"b c"},"cwd":"/"}'); T=$(body .pid)
for _ in $(seq 50); do kill -0 "$T" 2>/dev/null || break; sleep 0.1; done
LOG=/var/lib/boxd-lab/sd/logs/r1.log; nall=$(grep -c 'needed by' "$LOG"); ntarget=$(grep -c 'needed by /usr/bin/env' "$LOG")
[ "${r%% *}" = 201 ] && [ "$nall" -gt 0 ] && [ "$nall" = "$ntarget" ] && grep -qx 'A=b c' "$LOG" && ! grep -q '^OLDPWD=' "$LOG"
check "root: the request's environment reaches only the target, never the wrapper that runs as root" $? \
  "HTTP ${r%% *}; loader lines $nall, of them for /usr/bin/env $ntarget; A=b c $(grep -cx 'A=b c' "$LOG")x"
# A process given no cwd starts in /, and the data dir (H2 file, logs) is closed to the box's user.
r=$(api $P POST /v1/boxes/r1/processes '{"argv":["/bin/sh","-c","echo cwd=$(pwd); head -c 4 /var/lib/boxd-lab/sd/boxd.mv.db || echo db-denied"]}'); T=$(body .pid)
for _ in $(seq 50); do kill -0 "$T" 2>/dev/null || break; sleep 0.1; done
modes="data $(stat -c %A /var/lib/boxd-lab/sd) logs $(stat -c %A /var/lib/boxd-lab/sd/logs) log $(stat -c %A "$LOG")"
[ "${r%% *}" = 201 ] && grep -qx 'cwd=/' "$LOG" && grep -qx 'db-denied' "$LOG" && ! grep -q '^H:2' "$LOG" \
  && [ "$modes" = "data drwxr-x--- logs drwxr-x--- log -rw-r-----" ]
check "root: a process given no cwd starts in /, and cannot read the data dir" $? \
  "HTTP ${r%% *}; $(grep -m1 '^cwd=' "$LOG"); $(grep -c db-denied "$LOG")x db-denied; $modes"
sleep 1000 & A1=$!
r=$(api $P POST /v1/boxes/r1/processes/adopt "{\"pid\":$A1}"); where=$(in_cg $A1)
[ "${r%% *}" = 200 ] && [[ "$where" == /boxlite.slice/$UNIT/* ]]; check "root: adopt moves a pid into the box through a scope" $? "HTTP ${r%% *}; pid $A1 in $where"
r=$(api $P POST /v1/boxes/r1/processes/adopt "{\"pid\":$A1}"); again=$(in_cg $A1)
api $P GET /v1/boxes/r1/events >/dev/null; adopted=$(jq '[.[] | select(.type == "process-adopted")] | length' /tmp/body)
[ "${r%% *}" = 200 ] && [ "$again" = "$where" ] && [ "$adopted" = 1 ]
check "root: a second adopt of that pid leaves it in its scope and records nothing more" $? "HTTP ${r%% *}; pid $A1 in $again; $adopted process-adopted event(s)"
init_before=$(in_cg 1); r=$(api $P POST /v1/boxes/r1/processes/adopt '{"pid":1}'); init_after=$(in_cg 1)
[ "${r%% *}" = 422 ] && [ "$(body .type)" = urn:boxd:problem:process-not-adoptable ] && [ "$init_after" = "$init_before" ]
check "root: adopt of pid 1 (systemd) is refused with 422 before any scope is made" $? "HTTP ${r%% *} $(body .type); pid 1 in $init_before, then $init_after"

api $P POST /v1/boxes '{"id":"r2","limits":{"memoryMaxBytes":67108864}}' >/dev/null
api $P POST /v1/boxes/r2/processes '{"argv":["sleep","1000"]}' >/dev/null; S2=$(body .pid)
api $P POST /v1/boxes '{"id":"hog","limits":{"memoryMaxBytes":33554432,"memorySwapMaxBytes":0}}' >/dev/null
api $P POST /v1/boxes/hog/processes '{"argv":["tail","/dev/zero"]}' >/dev/null; H=$(body .pid)
k=$(wait_oom $P hog); hb=$(api $P GET /v1/host | cut -d' ' -f1)
[ "$k" -ge 1 ] && [ "$hb" = 200 ] && kill -0 "$S1" && kill -0 "$S2" && ! kill -0 "$H" 2>/dev/null
check "root: a memory hog is OOM-killed while boxd and the other boxes live" $? "hog oomKill=$k, hog pid $H gone; boxd /v1/host $hb; r1 pid $S1 and r2 pid $S2 alive"
api $P GET /v1/boxes/hog/events >/dev/null; ev=$(jq '[.[] | select(.type == "oom-kill")] | length' /tmp/body)
r=$(api $P GET /actuator/prometheus); m=$(sed -n 's/^boxd_box_events_total{type="oom-kill"} //p' /tmp/body)
[ "${r%% *}" = 200 ] && [ "$ev" -ge 1 ] && [ "${m%.*}" = "$ev" ]
check "root: /actuator/prometheus counts the OOM kill events the history holds" $? "HTTP ${r%% *}; boxd_box_events_total{type=\"oom-kill\"} ${m:-absent}; oom-kill events in hog's history: $ev"

r=$(api $P POST /v1/boxes/r2/stop '{"graceSeconds":5}'); api $P GET /v1/boxes/r2/events >/dev/null
d=$(jq -r '[.[] | select(.type == "stopped")][0].detail' /tmp/body)
[ "${r%% *}" = 200 ] && ! kill -0 "$S2" 2>/dev/null && [[ "$d" == "SIGTERM to 1 process; the box was empty after "* ]]
check "root: stop ends a box whose process honours SIGTERM, and its history says no kill was needed" $? "HTTP ${r%% *}; pid $S2; stopped: $d"

r=$(api $P POST /v1/boxes/r1/kill); api $P GET /v1/boxes/r1/processes >/dev/null; n=$(jq length /tmp/body)
wait "$A1" 2>/dev/null   # the adopted sleep is this shell's child: reap it, or kill -0 sees a zombie
[ "${r%% *}" = 200 ] && [ "$n" = 0 ] && ! kill -0 "$S1" 2>/dev/null && ! kill -0 "$A1" 2>/dev/null
check "root: kill reaps the whole box" $? "HTTP ${r%% *}; $n processes left"
# perl's main thread ends by the raw exit syscall (pthread_exit's) while a thread sleeps on:
# cgroup.kill alone passes over such a process (seen on the build host's kernel, cgroupfs driver).
# The exit syscall's number is the architecture's (as in the test kit's Kernel.mainThreadExits).
case $(uname -m) in x86_64) NR_EXIT=60 ;; aarch64|riscv64) NR_EXIT=93 ;; *) NR_EXIT=unknown ;; esac
api $P POST /v1/boxes '{"id":"lt"}' >/dev/null
r=$(api $P POST /v1/boxes/lt/processes '{"argv":["perl","-Mthreads","-e","threads->create(sub { sleep 300 }); select(undef, undef, undef, 0.2); syscall('"$NR_EXIT"', 0)"]}')
L=$(body .pid); st=""; for _ in $(seq 50); do st=$(awk '/^State:/ {print $2}' /proc/$L/status 2>/dev/null); [ "$st" = Z ] && break; sleep 0.1; done
k=$(api $P POST /v1/boxes/lt/kill); for _ in $(seq 50); do [ -e /proc/$L ] || break; sleep 0.1; done
[ "${r%% *}" = 201 ] && [ "$st" = Z ] && [ "${k%% *}" = 200 ] && [ ! -e /proc/$L ]
check "root: kill reaps a box process whose main thread has exited while its other thread runs" $? \
  "exit syscall $NR_EXIT on $(uname -m); spawn HTTP ${r%% *}, pid $L main thread state $st; kill HTTP ${k%% *} in ${k##* } s; /proc/$L $([ -e /proc/$L ] && echo still there || echo gone)"
# A move is not held to pids.max (cgroup-v2.rst), and systemd moves each process into its scope:
# boxd checks the slice after the move, and a spawn over the box's limit is refused before it runs.
api $P POST /v1/boxes '{"id":"pm","limits":{"pidsMax":2}}' >/dev/null
c1=$(api $P POST /v1/boxes/pm/processes '{"argv":["sleep","600"]}'); c2=$(api $P POST /v1/boxes/pm/processes '{"argv":["sleep","600"]}')
c3=$(api $P POST /v1/boxes/pm/processes '{"argv":["sleep","600"]}'); t3=$(body .type); d3=$(body .detail)
PMC=$(api $P GET /v1/boxes/pm >/dev/null; body .cgroupPath); pc=$(cat "$PMC/pids.current" 2>/dev/null)
[ "${c1%% *} ${c2%% *} ${c3%% *}" = "201 201 409" ] && [ "$t3" = urn:boxd:problem:pids-limit-reached ] && [ "$pc" = 2 ]
check "root: a spawn over the box's pids.max is refused (409) and the box keeps 2 tasks" $? \
  "HTTP ${c1%% *} ${c2%% *} ${c3%% *}; $t3: $d3; pids.current=$pc of $(cat "$PMC/pids.max" 2>/dev/null)"
# A box printing as fast as it can, its output appended by systemd's scope like any other: the log
# keeps its first boxd.logs.max-size (1MB for this instance) and boxd's note, and grows no further.
api $P POST /v1/boxes '{"id":"chatty"}' >/dev/null; r=$(api $P POST /v1/boxes/chatty/processes '{"argv":["yes","line"]}')
CL=/var/lib/boxd-lab/sd/logs/chatty.log; NOTE='[boxd: this log reached boxd.logs.max-size (1048576 bytes); later output is dropped]'
capped=0; for _ in $(seq 100); do api $P GET /v1/boxes/chatty/events >/dev/null
  capped=$(jq '[.[] | select(.type == "log-capped")] | length' /tmp/body); [ "$capped" -ge 1 ] && break; sleep 0.1; done
big=0; for _ in $(seq 40); do s=$(stat -c %s "$CL"); [ "$s" -gt "$big" ] && big=$s; sleep 0.05; done
k=$(api $P POST /v1/boxes/chatty/kill); want=$((1048576 + ${#NOTE} + 2))
for _ in $(seq 50); do [ "$(stat -c %s "$CL")" = "$want" ] && break; sleep 0.1; done
api $P GET /v1/boxes/chatty/events >/dev/null; capped=$(jq '[.[] | select(.type == "log-capped")] | length' /tmp/body)
[ "${r%% *}" = 201 ] && [ "${k%% *}" = 200 ] && [ "$capped" = 1 ] && [ "$(stat -c %s "$CL")" = "$want" ] \
  && [ "$(head -c 1048575 "$CL" | sort -u)" = line ] && [ "$(tail -c +1048577 "$CL")" = "
$NOTE" ]
check "root: a box printing in a loop keeps its log to the cap and a note, with one log-capped event" $? \
  "spawn HTTP ${r%% *}, kill HTTP ${k%% *}; $capped log-capped events; largest size seen while it wrote $big; after the kill $(stat -c %s "$CL") (want $want)"
codes=""; for b in r1 r2 hog chatty lt pm; do codes+="$(api $P DELETE "/v1/boxes/$b?force=true" | cut -d' ' -f1) "; done
sleep 0.5; left=$(systemctl list-units --all --plain --no-legend 'boxlite*' | wc -l)
[ "$codes" = "204 204 204 204 204 204 " ] && [ "$left" = 0 ]; check "root: deletes leave no unit (systemctl list-units --all 'boxlite*')" $? "DELETE → $codes; $left units left; $(ls /sys/fs/cgroup | grep -c boxlite.slice) boxlite.slice cgroups"
# The base slice went with the last box: this box's parent directory is a new one.
api $P POST /v1/boxes '{"id":"gone1"}' >/dev/null; api $P POST /v1/boxes/gone1/processes '{"argv":["sleep","1000"]}' >/dev/null; G1=$(body .pid)
systemctl stop boxlite-gone1.slice; st=none
for _ in $(seq 50); do api $P GET /v1/boxes/gone1 >/dev/null; st=$(body .state); [ "$st" = LOST ] && break; sleep 0.1; done
api $P GET /v1/boxes/gone1/events >/dev/null; lost=$(jq '[.[] | select(.type == "lost")] | length' /tmp/body); ev=$(jq -r '[.[].type] | join(" ")' /tmp/body)
# The DELETE of a LOST box touches nothing in the kernel or systemd: the cgroup that has its name
# may be another boxd database's box by now. So the empty base slice stays until boxd's next remove.
r=$(api $P DELETE /v1/boxes/gone1); left=$(systemctl list-units --all --plain --no-legend 'boxlite-gone1*' | wc -l)
[ "$st" = LOST ] && [ "$lost" = 1 ] && ! kill -0 "$G1" 2>/dev/null && [ "${r%% *}" = 204 ] && [ "$left" = 0 ]
check "root: a box slice stopped outside boxd (systemctl stop) is LOST within 5 s, seen by GETs alone" $? \
  "state $st; history: $ev; pid $G1 $(kill -0 "$G1" 2>/dev/null && echo alive || echo gone); DELETE ${r%% *}; units: $(systemctl list-units --all --plain --no-legend 'boxlite*' | awk '{print $1, $3}' | xargs)"

# ---- create time: systemd vs cgroupfs in this VM ------------------------------------------------
# Through REST with the systemd driver; then both drivers side by side in one small JVM
# (lab/systemd/CreateTimer.java), instead of a third Spring start.
N=25; CL='{"memoryMaxBytes":67108864,"pidsMax":64}'
measure() { local port=$1 tag=$2; : > /tmp/t-$tag   # ids are never reused: a deleted box keeps its record
  for i in $(seq 1 $N); do r=$(api $port POST /v1/boxes "{\"id\":\"$tag-$i\",\"limits\":$CL}"); [ "${r%% *}" = 201 ] && echo "${r##* }" >> /tmp/t-$tag; done
  for i in $(seq 1 $N); do api $port DELETE "/v1/boxes/$tag-$i?force=true" >/dev/null; done; }
measure 18080 warm; measure 18080 sd
SD50=$(p50 < /tmp/t-sd)
[ "$(wc -l < /tmp/t-sd)" = $N ]; check "perf: box create through REST with the systemd driver" $? "p50 ${SD50} ms over $N creates (64 MiB, 64 pids; TCG VM, 2 vCPU)"
kill "$PID_sd" 2>/dev/null
if [ "${BENCH_CP:-}" = javac-failed ]; then
  check "perf: create through the systemd driver vs the cgroupfs driver, same JVM" 1 "lab/systemd/CreateTimer.java did not compile against the jar (see cds.log)"
elif [ "${BENCH_CP:-no-extract}" = no-extract ]; then
  check "perf: create through the systemd driver vs the cgroupfs driver, same JVM" 1 "the jar was not extracted on the host (see cds.log)"
else
  java -XX:TieredStopAtLevel=1 -cp "$BENCH_CP" io.boxd.systemd.CreateTimer $N > "$OUT/create-timer.log" 2>&1; line=$(tail -1 "$OUT/create-timer.log")
  [[ "$line" == driver-level* ]]; check "perf: create through the systemd driver vs the cgroupfs driver, same JVM" $? "$line"
fi

# ================================ rootless, user manager ==========================================
P=18081; UU=systemctl; uctl() { asuser systemctl --user "$@"; }
api $P GET /v1/host >/dev/null
[ "$(body .driver)" = systemd ] && [[ "$(body .driverReason)" == *"user manager"* ]]
check "rootless: /v1/host names the systemd driver and the user manager" $? "$(body .driverReason); controllers: $(body '.availableControllers|join(" ")')"
echo "user@$UID_.service cgroup.controllers: $(cat $UCG/cgroup.controllers)"
r=$(api $P POST /v1/boxes '{"id":"u1","limits":{"memoryMaxBytes":67108864,"pidsMax":32}}'); E=$(jq -c .enforced /tmp/body)
[ "${r%% *}" = 201 ] && [ "$(jq -r '[.memoryMaxBytes,.pidsMax]|join(",")' <<<"$E")" = "67108864,32" ]
check "rootless: create u1 with memory and pids limits" $? "HTTP ${r%% *} in ${r##* } s; enforced=$E; cgroupPath=$(body .cgroupPath)"
CGU=$UCG/boxlite.slice/boxlite-u1.slice
got="MemoryMax=$(uctl --value show -p MemoryMax boxlite-u1.slice) TasksMax=$(uctl --value show -p TasksMax boxlite-u1.slice) | memory.max=$(cgf $CGU/memory.max) pids.max=$(cgf $CGU/pids.max) | owner=$(stat -c %U $CGU)"
WANT="MemoryMax=67108864 TasksMax=32 | memory.max=67108864 pids.max=32 | owner=$U"
[ "$got" = "$WANT" ]; check "rootless: limits are unit properties and in cgroupfs" $? "$got"
M_U=$(mark_of "$CGU"); [[ "$M_U" =~ ^[0-9a-f-]{36}$ ]] && [ "$M_U" != "$M_SD" ]
check "rootless: the box's cgroup carries its own database's id, set as uid $UID_" $? "$CGU: ${M_U:-no mark} (root instance's: $M_SD)"
uctl daemon-reload
got2="MemoryMax=$(uctl --value show -p MemoryMax boxlite-u1.slice) TasksMax=$(uctl --value show -p TasksMax boxlite-u1.slice) | memory.max=$(cgf $CGU/memory.max) pids.max=$(cgf $CGU/pids.max) | owner=$(stat -c %U $CGU)"
[ "$got2" = "$WANT" ]; check "rootless: limits survive systemctl --user daemon-reload" $? "$got2"
r=$(api $P POST /v1/boxes/u1/processes '{"argv":["sleep","1000"]}'); U1=$(body .pid); where=$(in_cg "$U1")
[ "${r%% *}" = 201 ] && [[ "$where" == /user.slice/user-$UID_.slice/user@$UID_.service/boxlite.slice/boxlite-u1.slice/* ]]
check "rootless: spawn lands in the box under user@$UID_.service" $? "HTTP ${r%% *}; pid $U1 in $where; $(body .message // empty)"
api $P POST /v1/boxes/u1/processes '{"argv":["sh","-c","i=0; while [ $i -lt 60 ]; do sleep 100 & i=$((i+1)); done; wait"]}' >/dev/null
sleep 3; api $P GET /v1/boxes/u1/stats >/dev/null; pm=$(body '.pids.events.max // 0'); pc=$(body '.pids.current // 0')
# before Linux 6.2 a refused fork is counted in the forking task's own cgroup (the scope), not where the limit is
ps_=$(cat $CGU/*/pids.events 2>/dev/null | awk '$1=="max"{s+=$2} END{print s+0}')
[ "$pc" -le 32 ] && [ $((pm + ps_)) -ge 1 ]; check "rootless: pids.max holds (a 60-way fork is refused)" $? "pids.current=$pc of 32; refused forks: $pm at the box, $ps_ in its scopes"
api $P POST /v1/boxes '{"id":"u2","limits":{"memoryMaxBytes":33554432,"memorySwapMaxBytes":0}}' >/dev/null
api $P POST /v1/boxes/u2/processes '{"argv":["tail","/dev/zero"]}' >/dev/null; H=$(body .pid)
k=$(wait_oom $P u2); hb=$(api $P GET /v1/host | cut -d' ' -f1)
[ "$k" -ge 1 ] && [ "$hb" = 200 ] && kill -0 "$U1" && ! kill -0 "$H" 2>/dev/null
check "rootless: a memory hog is OOM-killed while boxd and the other box live" $? "u2 oomKill=$k; boxd /v1/host $hb; u1 pid $U1 alive"
r=$(api $P POST /v1/boxes '{"id":"u3","limits":{"cpuWeight":300}}'); left=$(uctl list-units --all --plain --no-legend 'boxlite-u3*' | wc -l)
[ "${r%% *}" = 422 ] && grep -q 'Delegate=' /tmp/body && grep -q 'user@.service' /tmp/body && [ "$left" = 0 ]
check "rootless: strict 422 names the undelegated controller and the Delegate= drop-in" $? "HTTP ${r%% *}; $(jq -c '{detail, missing: (.missing // .errors // null)}' /tmp/body | cut -c1-400); units left $left"
api $P DELETE "/v1/boxes/u3?force=true" >/dev/null   # only there if the 422 check failed
codes=""; for b in u1 u2; do codes+="$(api $P DELETE "/v1/boxes/$b?force=true" | cut -d' ' -f1) "; done
sleep 0.5; left=$(uctl list-units --all --plain --no-legend 'boxlite*' | wc -l)
[ "$codes" = "204 204 " ] && [ "$left" = 0 ]; check "rootless: deletes leave no unit (systemctl --user list-units --all 'boxlite*')" $? "DELETE → $codes; $left units left"
kill "$PID_user" 2>/dev/null

# ================================ orphan policies adopt and report (root) =========================
# One more Spring start, two JVMs at once on the same system manager: "adopt" restarts on the
# first root instance's data, "report" has its own data and its own base slice (boxrep.slice):
# one boxd per tree, so a second boxd on boxlite.slice refuses to start (checked below). "oadopt"
# is planted before the start; "oreport" is planted under boxrep.slice once both are up and
# reconciled through the API of the report instance. Periodic passes are off.
stop_boxd "$PID_sd"
OA=$(plant root oadopt sleep 100021); settle "$OA" 1; PA=$(cg_pids "$OA")
# For the unrecorded start below: the database refuses an event whose detail carries the marker,
# 3 s after the insert began, so the start's processes are all running by then.
h2sql /var/lib/boxd-lab/sd "CREATE ALIAS LAB_SLEEP FOR 'java.lang.Thread.sleep(long)'; ALTER TABLE box_event ADD CONSTRAINT lab_refuse CHECK (detail NOT LIKE '%lab-refuse-record%' OR COALESCE(LAB_SLEEP(3000), 1) = 0)" > "$OUT/h2sql.log" 2>&1; H2RC=$?
DATA=sd start_boxd adopt 18082 systemd root --boxd.reconcile.orphans=adopt --boxd.reconcile.interval=0
start_boxd report 18083 systemd root --boxd.cgroup.base=boxrep --boxd.reconcile.orphans=report --boxd.reconcile.interval=0
T_A=$(await_ready adopt 18082) && await_up 18082; ra=$?; T_R=$(await_ready report 18083) && await_up 18083; rr=$?
api 18082 GET /v1/reconcile/last > /dev/null; cp /tmp/body "$OUT/reconcile-adopt-startup.json"; rep="adopted=$(body .orphansAdopted) reaped=$(body .orphansReaped) reported=$(body .orphansReported)"; ga=$(orphans adopted)
r=$(api 18082 GET /v1/boxes/oadopt); cp /tmp/body "$OUT/box-oadopt.json"
fig="$(jq -c '{state, enforcedMemoryMax: .enforced.memoryMaxBytes, unit, labels, cgroupPath}' /tmp/body 2>/dev/null)"
[ $ra = 0 ] && [ "${r%% *}" = 200 ] && [ "$(body .state)" = RUNNING ] && [ "$(body .enforced.memoryMaxBytes)" = 67108864 ] \
  && [ "$(body .unit)" = boxlite-oadopt.slice ] && [ "$ga" = "$(want "$OA" "$PA")" ] \
  && kill -0 $PA && [ "$(show -p MemoryMax boxlite-oadopt.slice)" = 67108864 ] && [[ "$(in_cg $PA)" == /boxlite.slice/boxlite-oadopt.slice/* ]]
check "root adopt: a planted orphan unit becomes a box with the unit's limit, its process alive" $? \
  "ready ${T_A:-never} s; startup $rep: $ga | GET /v1/boxes/oadopt ${r%% *} $fig | pid $PA in $(in_cg $PA); unit MemoryMax=$(show -p MemoryMax boxlite-oadopt.slice)"

# A second boxd on the tree the adopt instance holds, with a data dir of its own: it must refuse
# to start, and reap nothing (before, its startup reconcile took every box there for an orphan).
DATA=second start_boxd second 18084 systemd root --boxd.reconcile.interval=0
for _ in $(seq 1 600); do kill -0 "$PID_second" 2>/dev/null || break; sleep 0.5; done
wait "$PID_second"; sc=$?; why=$(grep -o 'the cgroup tree [^ ]* is in use by another boxd (pid [0-9]*' "$OUT/boxd-second.log" | head -1)
[ "$sc" != 0 ] && [ "$why" = "the cgroup tree /sys/fs/cgroup/boxlite.slice is in use by another boxd (pid $PID_adopt" ] \
  && kill -0 "$PA" && [ "$(api 18082 GET /v1/boxes/oadopt | cut -d' ' -f1) $(body .state)" = "200 RUNNING" ] \
  && ! grep -q 'startup reconcile' "$OUT/boxd-second.log"
check "root: a second boxd on the same tree refuses to start and reaps nothing" $? \
  "exit $sc; ${why:-no refusal in its log}; adopt pid $PID_adopt; oadopt pid $PA alive: $(kill -0 "$PA" 2>/dev/null && echo yes || echo no)"

# ---- a start whose record fails is undone whole: boxd kills that start's scope ----------------
# The start's shell leaves a setsid'd daemon and execs; its process-started event is refused (the
# CHECK planted before this instance started). The daemon and the shell must die, with the scope;
# the box's recorded process, in a scope of its own, must live.
cat > /var/lib/boxd-lab/undo.sh <<'SH'
#!/bin/sh
setsid -f /bin/sh -c 'echo daemon $$; exec sleep 100042'
echo shell $$
exec sleep 100043
SH
chmod 755 /var/lib/boxd-lab/undo.sh
api 18082 POST /v1/boxes '{"id":"undo"}' > /dev/null
r1=$(api 18082 POST /v1/boxes/undo/processes '{"argv":["sleep","100041"]}'); K=$(body .pid)
r2=$(api 18082 POST /v1/boxes/undo/processes '{"argv":["/var/lib/boxd-lab/undo.sh","lab-refuse-record"]}'); ptype=$(body .type)
ULOG=/var/lib/boxd-lab/sd/logs/undo.log
D=$(sed -n 's/^daemon //p' "$ULOG" | head -1); S=$(sed -n 's/^shell //p' "$ULOG" | head -1)
left=$(alive_of ${D:-} ${S:-}); scope=$(systemctl is-active "boxlite-undo-p${S:-0}.scope")
api 18082 GET /v1/boxes/undo/events > /dev/null; ev=$(jq -r 'map(.type) | join(" ")' /tmp/body)
api 18082 GET /v1/boxes/undo > /dev/null
[ "$H2RC" = 0 ] && [ "${r1%% *}" = 201 ] && [[ "${r2%% *}" == 5* ]] && [ -n "$D" ] && [ -n "$S" ] && [ -z "$left" ] \
  && [ "$scope" != active ] && kill -0 "$K" && [ "$(in_cg "$K")" = "/boxlite.slice/boxlite-undo.slice/boxlite-undo-p$K.scope" ] \
  && [ "$ev" = "created process-started" ] && [ "$(body .state)" = RUNNING ]
check "root: a start whose record fails is undone whole — its scope, daemon included, is killed; the box's recorded process lives" $? \
  "CHECK planted: exit $H2RC; first start ${r1%% *} pid $K; refused start ${r2%% *} $ptype, shell ${S:-none} daemon ${D:-none}, alive after: ${left:-none}; scope boxlite-undo-p${S:-0}.scope $scope; pid $K in $(in_cg "$K"); history: $ev; state $(body .state)"
r=$(api 18082 DELETE "/v1/boxes/undo?force=true"); gone=$(alive_of "$K")
[ "${r%% *}" = 204 ] && [ -z "$gone" ]; check "root: the undo box deletes cleanly" $? "DELETE → ${r%% *}; pid $K alive: ${gone:-no}"

api 18083 GET /v1/reconcile/last > /dev/null; sr="startup reported=$(body .orphansReported): $(orphans reported)"
OR=$(PFX=boxrep plant root oreport sleep 100031); settle "$OR" 1; PR=$(cg_pids "$OR")
# A box of another boxd database (another data dir) under the same base: foreign, not an orphan.
OF=$(PFX=boxrep plant root oforeign sleep 100032); settle "$OF" 1; PF=$(cg_pids "$OF"); mark_as "$OF" lab-other-database
r=$(api 18083 POST /v1/reconcile); cp /tmp/body "$OUT/reconcile-report-api.json"
gr=$(orphans reported); rep="reaped=$(body .orphansReaped) adopted=$(body .orphansAdopted) reported=$(body .orphansReported)"
acted=$(jq '.orphansReaped + .orphansAdopted' /tmp/body); mine=$(want "$OR" "$PR")
b1=$(api 18083 GET /v1/boxes/oreport | cut -d' ' -f1); b2=$(api 18082 GET /v1/boxes/oreport | cut -d' ' -f1)
st="$(systemctl is-active boxrep-oreport.slice boxrep-oreport-p1.scope | tr '\n' ' ')MemoryMax=$(show -p MemoryMax boxrep-oreport.slice)"
[ $rr = 0 ] && [ "${r%% *}" = 200 ] && [[ " $gr " == *" $mine "* ]] && [ "$acted" = 0 ] \
  && kill -0 $PR && [ "$st" = "active active MemoryMax=67108864" ] && [[ "$(in_cg $PR)" == /boxrep.slice/boxrep-oreport.slice/boxrep-oreport-p1.scope ]] \
  && [ "$b1 $b2" = "404 404" ]
check "root report: the orphan unit is listed (POST /v1/reconcile) and left untouched" $? \
  "ready ${T_R:-never} s; $sr | POST /v1/reconcile ${r%% *} $rep: $gr | units: $st; pid $PR in $(in_cg $PR); GET /v1/boxes/oreport → $b1 (report), $b2 (adopt)"
cp "$OUT/reconcile-report-api.json" /tmp/body; gf=$(orphans foreign)
[ "$gf" = "$(want "$OF" "$PF")" ] && [ "$(body .orphansForeign)" = 1 ] && [ "$(jq -r '.orphans[] | select(.action == "foreign") | .owner' /tmp/body)" = lab-other-database ] \
  && ! [[ " $gr " == *"oforeign"* ]] && kill -0 $PF
check "root report: a unit marked by another boxd database is listed as foreign, apart from the orphans" $? \
  "orphansForeign=$(body .orphansForeign): $gf; owner $(jq -r '[.orphans[] | select(.action == "foreign") | .owner] | join(",")' /tmp/body); pid $PF alive: $(kill -0 "$PF" 2>/dev/null && echo yes || echo no)"
systemctl stop boxrep-oreport.slice boxrep-oforeign.slice
systemctl reset-failed boxrep-oreport.slice boxrep-oreport-p1.scope boxrep-oforeign.slice boxrep-oforeign-p1.scope 2>/dev/null

r=$(api 18082 DELETE "/v1/boxes/oadopt?force=true"); gone=$(alive_of $PA)
for _ in $(seq 1 10); do left=$(units_left root 'boxlite*'); [ -z "$left" ] && break; sleep 0.5; done
api 18082 GET /v1/boxes/oadopt > /dev/null
[ "${r%% *}" = 204 ] && [ -z "$gone" ] && [ -z "$left" ] && [ "$(body .state)" = REMOVED ]
check "root adopt: DELETE ?force=true of the adopted box leaves no unit (systemctl list-units --all 'boxlite*')" $? \
  "DELETE → ${r%% *}; state $(body .state); pid $PA alive: ${gone:-no}; units: ${left:-none}"
stop_boxd "$PID_adopt"; stop_boxd "$PID_report"
journalctl -b --no-pager -o short-monotonic > "$OUT/journal.log" 2>&1
grep -q "^FAIL" "$RES" && exit 1; exit 0
