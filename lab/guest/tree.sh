#!/bin/bash
# tree.sh PIDFILE: a three-level tree plus a double-forked setsid daemon (kernel-lab scenario 5).
#   L1 (this bash) -> L2 (bash) -> L3 (sleep)
#   L1 -> subshell -> setsid -f -> DAEMON (bash, own session, re-parented) -> L3D (sleep)
out=$1
echo "L1 $$" >> "$out"
bash -c 'echo "L2 $$" >> "$1"; sleep 600 & echo "L3 $!" >> "$1"; wait' l2 "$out" &
( setsid -f bash -c 'echo "DAEMON $$" >> "$1"; sleep 600 & echo "L3D $!" >> "$1"; wait' daemon "$out" & )
wait
