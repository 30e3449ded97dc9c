#!/usr/bin/env bash
# Four Open vSwitch bridges (userspace datapath, OpenFlow 1.0, fail-mode secure,
# datapath ids 1-4) cabled in a ring by veth pairs, one host in a network namespace on
# each, all controlled by one ofcontroller:
#   (a) --app learning: one ARP broadcast circles the ring for ever (a broadcast
#       storm); shown by the packets the ring cables carry in a few seconds, and that
#       controller is stopped at once;
#   (b) --app topology: LLDP finds the eight links, all 12 ordered pairs ping, and the
#       same ARP broadcast crosses the ring a handful of times only;
#   (c) one ring cable cut (both veth ends down): every pair pings again once the
#       controller has recomputed, and the time that took is printed.
#
# Usage: Tests/Interop/controller-topology.sh [BIN_DIR]
#   BIN_DIR holds ofcontroller (default: `swift build --show-bin-path`).
# Needs root, openvswitch-switch, iproute2 and iputils-ping.
# Names are this test's own (namespaces topo-h1..4, interfaces topo-s1-eth1...,
# 10.0.9.0/24), so it can run beside the other interop tests.
# Prints "N passed, N failed"; exits non-zero if anything failed.

HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=ovs-lib.sh
source "$HERE/ovs-lib.sh"

BIN_DIR=${1:-$(cd "$HERE/../.." && swift build --show-bin-path)}
OFCONTROLLER="$BIN_DIR/ofcontroller"
[ -x "$OFCONTROLLER" ] || { log "missing $OFCONTROLLER: build it first (swift build)"; exit 2; }
for tool in ovs-vswitchd ovsdb-server ip ping; do
    command -v "$tool" >/dev/null || { log "missing $tool (scripts/install-deps.sh installs it)"; exit 2; }
done

# Ports of our own, so controller-ovs.sh running at the same time picks another.
PORT=${OFC_PORT:-$(free_port 6693 16693 26693 36693)} || { log "no free port for the controller"; exit 2; }

SWITCHES=(1 2 3 4)
# Ring cable N runs from topo-sN-eth2 to topo-sM-eth3, M the next switch.
RING_PORTS=()
for n in "${SWITCHES[@]}"; do RING_PORTS+=("topo-s$n-eth2" "topo-s$n-eth3"); done
CONTROLLER_LOG="$INTEROP_DIR/ofcontroller.log"
OFC_PID=
RUN_LOG=
RUN=0

# ovs-lib's cleanup removes the bridges, OVS and the namespaces (with the host veths);
# the ring's veths live in the root namespace and go here.
topology_cleanup() {
    set +e
    [ -n "$OFC_PID" ] && kill -KILL "$OFC_PID" 2>/dev/null
    cleanup
    for n in "${SWITCHES[@]}"; do ip link del "topo-s$n-eth2" 2>/dev/null; done
}
trap topology_cleanup EXIT

# A veth end in the root namespace that the kernel itself keeps quiet on (no IPv6
# router solicitations or MLD reports wandering into the bridges).
quiet_up() {
    sysctl -qw "net.ipv6.conf.$1.disable_ipv6=1"
    ip link set "$1" up
}

# add_topo_host N: namespace topo-hN with 10.0.9.N/24 and MAC 00:00:00:00:09:0N,
# joined to bridge topo-sN as port 1 through topo-sN-eth1.
add_topo_host() {
    local n=$1 host=topo-h$1
    ip link del "topo-s$n-eth1" 2>/dev/null || true
    ip netns add "$host"
    HOSTS+=("$host")
    ip link add "$host-eth0" address "00:00:00:00:09:0$n" type veth peer name "topo-s$n-eth1"
    ip link set "$host-eth0" netns "$host"
    ip netns exec "$host" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
    ip netns exec "$host" ip addr add "10.0.9.$n/24" dev "$host-eth0"
    ip netns exec "$host" ip link set "$host-eth0" up
    ip netns exec "$host" ip link set lo up
    quiet_up "topo-s$n-eth1"
    "${VSCTL[@]}" add-port "topo-s$n" "topo-s$n-eth1" -- set interface "topo-s$n-eth1" ofport_request=1
}

# cable N: topo-sN port 2 to the next switch's port 3.
cable() {
    local n=$1 next=$(($1 % ${#SWITCHES[@]} + 1))
    ip link del "topo-s$n-eth2" 2>/dev/null || true
    ip link add "topo-s$n-eth2" type veth peer name "topo-s$next-eth3"
    quiet_up "topo-s$n-eth2"
    quiet_up "topo-s$next-eth3"
    "${VSCTL[@]}" add-port "topo-s$n" "topo-s$n-eth2" -- set interface "topo-s$n-eth2" ofport_request=2
    "${VSCTL[@]}" add-port "topo-s$next" "topo-s$next-eth3" -- set interface "topo-s$next-eth3" ofport_request=3
}

# start_controller ARGS...: ofcontroller on 127.0.0.1:$PORT; waits until all four
# switches finished their handshakes, then flushes OVS's datapath flow caches (see
# controller-ovs.sh: they may hold "drop" entries from while no controller was there).
start_controller() {
    RUN=$((RUN + 1))
    RUN_LOG="$INTEROP_DIR/ofcontroller-$RUN.log"
    "$OFCONTROLLER" --listen "127.0.0.1:$PORT" --status-interval 1 "$@" >"$RUN_LOG" 2>&1 &
    OFC_PID=$!
    check "ofcontroller $*: all four switches connect" wait_for 30 all_switches_up
    ovs-appctl -t "$OVS_D/run/vswitchd.ctl" revalidator/purge >/dev/null
}

all_switches_up() { [ "$(grep -c "datapath 000000000000000[1-4] up" "$RUN_LOG")" -ge 4 ]; }

# stop_controller: SIGTERM, then SIGKILL if a storm keeps it from exiting in 5 s.
stop_controller() {
    kill -TERM "$OFC_PID" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$OFC_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$OFC_PID" 2>/dev/null || true
    wait "$OFC_PID" 2>/dev/null || true
    OFC_PID=
    { echo "=== run $RUN"; cat "$RUN_LOG"; } >>"$CONTROLLER_LOG"
}

clear_all_flows() {
    for n in "${SWITCHES[@]}"; do "${OFCTL[@]}" del-flows "unix:$OVS_D/run/topo-s$n.mgmt"; done
}

# Packets sent so far out of the ring's veth ends, all eight together.
ring_packets() {
    local total=0 port
    for port in "${RING_PORTS[@]}"; do total=$((total + $(cat "/sys/class/net/$port/statistics/tx_packets"))); done
    echo "$total"
}

# One ARP broadcast into the ring (h1 looks for 10.0.9.99, which nobody has; the
# kernel asks three times, a second apart), and the packets the ring cables carried
# in the 3 s that follow.
broadcast_ring_packets() {
    local before
    before=$(ring_packets)
    ip netns exec topo-h1 ping -q -c 1 -W 3 10.0.9.99 >/dev/null 2>&1 || true
    echo $(($(ring_packets) - before))
}

# topo_ping FROM TO: one ping, a second's wait.
topo_ping() { ip netns exec "topo-h$1" ping -q -c 1 -W 1 "10.0.9.$2" >/dev/null 2>&1; }
# Two tries, as ping_ok does.
topo_ping_ok() {
    topo_ping "$1" "$2" || ip netns exec "topo-h$1" ping -q -c 3 -i 0.3 -W 2 "10.0.9.$2" >/dev/null 2>&1
}

PAIRS=()
for a in "${SWITCHES[@]}"; do for b in "${SWITCHES[@]}"; do [ "$a" != "$b" ] && PAIRS+=("$a $b"); done; done

# Every ordered pair answers one ping within 250 ms (no retries): the recomputation
# loop's test, which stops at the first pair that fails and starts again.
all_pairs_ping_once() {
    local pair
    for pair in "${PAIRS[@]}"; do
        ip netns exec "topo-h${pair% *}" ping -q -c 1 -W 0.25 "10.0.9.${pair#* }" >/dev/null 2>&1 || return 1
    done
}

check_all_pairs() {
    local pair
    for pair in "${PAIRS[@]}"; do
        # shellcheck disable=SC2086
        check "$1: ping h${pair% *} -> h${pair#* }" topo_ping_ok $pair
    done
}

# OVS has closed its side of every connection to the controller's port.
switches_gone() { ! ss -Htn "( dport = :$PORT )" | grep -qv TIME-WAIT; }

has_topology_flows() { dump_flows topo-s1 | grep -q 'cookie=0x544f504f'; }

links_logged() { grep -q "topology: $1 links between 4 switches" "$RUN_LOG"; }

log "OVS in $OVS_D, controller port $PORT, binaries in $BIN_DIR"
start_ovs
for n in "${SWITCHES[@]}"; do
    "${VSCTL[@]}" add-br "topo-s$n" -- set bridge "topo-s$n" datapath_type=netdev protocols=OpenFlow10 \
        "other-config:datapath-id=000000000000000$n" -- set-fail-mode "topo-s$n" secure
    # The LOCAL port's tap stays down: it is no host and no cable.
    add_topo_host "$n"
done
for n in "${SWITCHES[@]}"; do cable "$n"; done
for n in "${SWITCHES[@]}"; do
    "${VSCTL[@]}" set-controller "topo-s$n" "tcp:127.0.0.1:$PORT" -- set controller "topo-s$n" max_backoff=1000
done

# --- (a) the learning switch on a ring: a broadcast storm ----------------------------
start_controller --app learning
storm=$(broadcast_ring_packets)
stop_controller
log "learning: one ARP broadcast -> $storm packets on the ring cables in 3 s"
check "learning: the ring storms (more than 2000 packets on the cables in 3 s, got $storm)" [ "$storm" -gt 2000 ]
check "learning: OVS sees the controller gone" wait_for 30 switches_gone
clear_all_flows
sleep 1 # let what is left of the storm drain: no controller, no flows, fail-mode secure

# --- (b) the topology app: every pair, and no storm -----------------------------------
start_controller --app topology --log-level debug
check "topology: LLDP finds the eight links of the ring" wait_for 10 links_logged 8
sleep 1.5 # edge ports are flooded once a probe period has passed with no probe back
check_all_pairs topology
quiet=$(broadcast_ring_packets)
log "topology: one ARP broadcast -> $quiet packets on the ring cables in 3 s (LLDP included)"
check "topology: no storm (fewer than 200 packets on the cables in 3 s, got $quiet)" [ "$quiet" -lt 200 ]
check "topology: flows carry the app's cookie" has_topology_flows

# --- (c) cut the s1-s2 cable: recomputation --------------------------------------------
start_ns=$(date +%s%N)
ip link set topo-s1-eth2 down
ip link set topo-s2-eth3 down
recovered=
deadline=$((SECONDS + 30))
while [ "$SECONDS" -lt "$deadline" ]; do
    if all_pairs_ping_once; then recovered=$(date +%s%N); break; fi
done
if [ -n "$recovered" ]; then
    took_ms=$(((recovered - start_ns) / 1000000))
    log "cut: all 12 pairs ping again $took_ms ms after the cable was cut"
    check "cut: every pair reachable again within 30 s ($took_ms ms)" true
else
    check "cut: every pair reachable again within 30 s" false
fi
check "cut: the controller dropped the cut cable's two links" wait_for 10 links_logged 6
check_all_pairs "after the cut"
stop_controller

show_logs_if_failed 40 "$CONTROLLER_LOG"
if [ -n "${OFC_ARTIFACTS:-}" ]; then
    mkdir -p "$OFC_ARTIFACTS"
    cp "$CONTROLLER_LOG" "$OVS_D/log/"*.log "$OFC_ARTIFACTS/" 2>/dev/null || true
    log "artifacts in $OFC_ARTIFACTS"
fi
finish
