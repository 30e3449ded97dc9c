# Shared pieces of the ofswitch interop tests, on top of ovs-lib.sh (pass/fail/check,
# wait_for, ping_ok, finish, the EXIT trap): hosts in network namespaces joined to
# ofswitch by veth pairs, and ofswitch itself in the background. Source it after
# setting BIN_DIR (the folder holding ofswitch). Only loopback and the namespaces this
# creates carry traffic.

# shellcheck source=ovs-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/ovs-lib.sh"

# LAB prefixes every namespace and interface this makes (default none), so two test
# scripts can run side by side on a dev machine: LAB=a gives ah1 and as1-eth1.
LAB=${LAB:-}
OFSWITCH="$BIN_DIR/ofswitch"
OFSWITCH_LOG="$INTEROP_DIR/ofswitch.log"
OFSWITCH_PID=
SWITCH_PORTS=()

# Controllers the tests run against, one at a time, listening on $CTL_PORT (set it
# first): PEER_PID and PEER_LOG are the running one's; logs are numbered by run.
PEER_PID=
PEER_LOG=
PEER_RUN=0

listening() { ss -Hltn "sport = :$CTL_PORT" | grep -q .; }

# start_peer NAME COMMAND...: a controller in the background (log in its own file);
# waits until it listens on $CTL_PORT.
start_peer() {
    PEER_RUN=$((PEER_RUN + 1))
    PEER_LOG="$INTEROP_DIR/peer-$PEER_RUN-$1.log"
    shift
    "$@" >"$PEER_LOG" 2>&1 &
    PEER_PID=$!
    BACKGROUND_PIDS+=("$PEER_PID")
    wait_for 30 listening
}

# stop_peer: SIGTERM, then SIGKILL if it is still there after 5 s; returns its status.
stop_peer() {
    [ -n "$PEER_PID" ] || return 0
    kill -TERM "$PEER_PID" 2>/dev/null || true
    local waited=0
    while kill -0 "$PEER_PID" 2>/dev/null && [ "$waited" -lt 25 ]; do
        sleep 0.2
        waited=$((waited + 1))
    done
    kill -KILL "$PEER_PID" 2>/dev/null || true
    local status=0
    wait "$PEER_PID" 2>/dev/null || status=$?
    PEER_PID=
    return "$status"
}

kill_peer() {
    kill -KILL "$PEER_PID" 2>/dev/null || true
    wait "$PEER_PID" 2>/dev/null || true
    PEER_PID=
}

# add_switch_host N: namespace hN with 10.0.0.N/24 and MAC 00:00:00:00:00:0N on
# hN-eth0, whose peer s1-ethN stays in the root namespace for ofswitch (`--port
# s1-ethN`, OpenFlow port N when hosts are added in order). Offloads are off on both
# ends: a frame read from a packet socket must be a finished, MTU-sized frame (the
# same setting Open vSwitch's userspace datapath needs on veth).
add_switch_host() {
    local n=$1 host="${LAB}h$1" port="${LAB}s1-eth$1"
    make_host "$n" "$host" "$port"
    ip netns exec "$host" ethtool -K "$host-eth0" tx off tso off gso off gro off >/dev/null 2>&1 || true
    ethtool -K "$port" tx off tso off gso off gro off >/dev/null 2>&1 || true
    SWITCH_PORTS+=(--port "$port")
}

# in_host N COMMAND...: runs a command in host N's namespace.
in_host() {
    local n=$1
    shift
    ip netns exec "${LAB}h$n" "$@"
}

# ping_ok FROM TO / ping_fails FROM TO, for these hosts (a few tries, short timeouts).
ping_ok() {
    in_host "$1" ping -q -c 2 -i 0.2 -W 1 "10.0.0.$2" >/dev/null 2>&1 ||
        in_host "$1" ping -q -c 3 -i 0.3 -W 2 "10.0.0.$2" >/dev/null 2>&1
}

ping_fails() { ! in_host "$1" ping -q -c 2 -i 0.2 -W 1 "10.0.0.$2" >/dev/null 2>&1; }

# start_ofswitch ARGS...: runs ofswitch with the hosts' ports and ARGS in the
# background (log in $OFSWITCH_LOG, appended across restarts) and waits until its
# ports are open.
start_ofswitch() {
    local before
    before=$(grep -c "ofswitch: running" "$OFSWITCH_LOG" 2>/dev/null || true)
    "$OFSWITCH" "${SWITCH_PORTS[@]}" "$@" >>"$OFSWITCH_LOG" 2>&1 &
    OFSWITCH_PID=$!
    BACKGROUND_PIDS+=("$OFSWITCH_PID")
    wait_for 10 bash -c '[ "$(grep -c "ofswitch: running" "$1")" -gt "$2" ]' _ "$OFSWITCH_LOG" "${before:-0}"
}

# stop_ofswitch: SIGTERM, and checks it exits 0 in time.
stop_ofswitch() {
    [ -n "$OFSWITCH_PID" ] || return 0
    kill -TERM "$OFSWITCH_PID" 2>/dev/null || true
    local status=0
    wait "$OFSWITCH_PID" || status=$?
    OFSWITCH_PID=
    return "$status"
}

# finish_switch: stops ofswitch (it must exit 0 on SIGTERM), shows the end of its log
# if anything failed, and prints the totals (see finish).
finish_switch() {
    local status=0
    stop_ofswitch || status=$?
    check "ofswitch exits 0 on SIGTERM (got $status)" [ "$status" -eq 0 ]
    show_logs_if_failed 40 "$OFSWITCH_LOG"
    finish
}
