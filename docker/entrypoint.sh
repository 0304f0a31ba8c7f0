#!/bin/sh
# boxd's container entrypoint. It prepares two things the JVM cannot do for itself, then execs
# java (under tini, which reaps orphaned box processes):
#
# 1. Private cgroup namespace (`docker run --cgroupns=private`): boxd sits in the root of its
#    namespace, and cgroup v2 lets no cgroup that holds processes hand controllers to its
#    children (the "no internal processes" rule; only the real root is exempt). So when that root
#    is writable, every process in it moves to the leaf $BOXD_DAEMON_CGROUP first, as
#    docker-in-docker does. Nothing happens in the host's namespace (`--cgroupns=host`), where the
#    namespace root is the real root (it has no cgroup.type file) or boxd is not at the top.
#
# 2. Capabilities: started as root with CAP_SETPCAP (a privileged container, or Kubernetes'
#    privileged pod, which is the only way to get the host cgroup namespace there), the bounding
#    set is cut down to $BOXD_KEEP_CAPS before java starts, so privileged only shapes the mounts
#    and namespaces. Without CAP_SETPCAP (docker run --cap-drop=ALL --cap-add=...) the runtime
#    already did the cut and this step is skipped. BOXD_KEEP_CAPS=all keeps everything.
set -eu

: "${BOXD_KEEP_CAPS:=setuid,setgid,kill}"
: "${BOXD_DAEMON_CGROUP:=boxd-daemon}"
cg=/sys/fs/cgroup

say() { echo "boxd-entrypoint: $*" >&2; }

if [ "$(cat /proc/self/cgroup)" = "0::/" ] && [ -f "$cg/cgroup.type" ] && [ -w "$cg/cgroup.procs" ]; then
    mkdir -p "$cg/$BOXD_DAEMON_CGROUP"
    # Move every process of the namespace root (tini, this shell) into the leaf.
    while read -r pid; do
        echo "$pid" > "$cg/$BOXD_DAEMON_CGROUP/cgroup.procs" 2>/dev/null || true
    done < "$cg/cgroup.procs"
    # Read the file: cgroupfs files report size 0, so [ -s ] is always false on them.
    if read -r left < "$cg/cgroup.procs"; then
        say "warning: processes remain in the cgroup namespace root (pid $left, maybe others); enabling controllers for boxes may fail"
    else
        say "moved to cgroup /$BOXD_DAEMON_CGROUP of this container's cgroup namespace"
    fi
fi

# shellcheck disable=SC2086 # JAVA_OPTS is a list of JVM flags, split on purpose.
set -- java ${JAVA_OPTS:-} -jar /opt/boxd/boxd.jar "$@"

if [ "$(id -u)" = 0 ] && [ "$BOXD_KEEP_CAPS" != all ]; then
    eff=$(sed -n 's/^CapEff:[[:space:]]*//p' /proc/self/status)
    if [ $(( (0x$eff >> 8) & 1 )) = 1 ]; then
        keep=$(echo "$BOXD_KEEP_CAPS" | sed 's/[^,][^,]*/+&/g')
        say "dropping the capability bounding set to: $BOXD_KEEP_CAPS"
        exec setpriv --bounding-set "-all,$keep" --inh-caps -all -- "$@"
    fi
fi
exec "$@"
