# shellcheck shell=bash
# Shared pieces of the veth benchmarks (scripts/veth-compare.sh, scripts/nodrop-compare.sh):
# hosts in network namespaces joined by veth pairs to one switch namespace, and ofswitch
# and Open vSwitch's userspace datapath in that namespace with the same two flows.
# Source it after Tests/Interop/ovs-lib.sh (log, wait_for, the private OVS paths and
# the EXIT trap, which stops what is started here and deletes the namespaces), with P
# (the prefix of namespaces and interfaces) and SW (the switch namespace) set.

# The flows both switches forward with.
FLOWS=("priority=100,in_port=1,actions=output:2" "priority=100,in_port=2,actions=output:1")

in_ns() {
    local ns=$1
    shift
    ip netns exec "$ns" "$@"
}

# resolve_ofswitch [BIN_DIR]: OFSWITCH, the ofswitch in BIN_DIR; with no BIN_DIR, builds
# `swift build -c release --product ofswitch` in $REPO and takes it from there.
resolve_ofswitch() {
    local bin_dir=${1:-}
    if [ -z "$bin_dir" ]; then
        log "building ofswitch (release) in $REPO"
        (cd "$REPO" && swift build -c release --product ofswitch) >&2
        bin_dir=$(cd "$REPO" && swift build -c release --show-bin-path)
    fi
    OFSWITCH="$bin_dir/ofswitch"
    [ -x "$OFSWITCH" ] || { log "missing $OFSWITCH"; exit 2; }
}

# make_switch_ns: the switch namespace $SW (loopback up, no IPv6).
make_switch_ns() {
    ip netns add "$SW"
    HOSTS+=("$SW")
    in_ns "$SW" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    in_ns "$SW" ip link set lo up
}

# add_bench_host SIDE N: namespace ${P}SIDEN holding eth0 (10.0.0.N/24), whose peer
# ${P}SIDEN sits in the switch namespace. Offloads off on both ends, no IPv6.
add_bench_host() {
    local host="${P}$1$2" n=$2
    ip netns add "$host"
    HOSTS+=("$host")
    ip -n "$SW" link add "$host" type veth peer name eth0 netns "$host"
    in_ns "$host" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
    in_ns "$host" ip link set lo up
    in_ns "$host" ip addr add "10.0.0.$n/24" dev eth0
    in_ns "$host" ip link set eth0 up
    in_ns "$SW" ip link set "$host" up
    in_ns "$host" ethtool -K eth0 tx off tso off gso off gro off >/dev/null 2>&1 || true
    in_ns "$SW" ethtool -K "$host" tx off tso off gso off gro off >/dev/null 2>&1 || true
}

# start_ofswitch LOG LISTEN_PORT PORT1 PORT2 [EXTRA_ARG...]: ofswitch in the switch
# namespace with PORT1 and PORT2 as OpenFlow ports 1 and 2 and its passive listener on
# LISTEN_PORT (the namespace's loopback), EXTRA_ARGs appended to its command line; the
# FLOWS installed through the listener. Sets OFSWITCH_PID.
start_ofswitch() {
    local log_file=$1 listen_port=$2 port1=$3 port2=$4 flow
    shift 4
    # (ip netns exec, not the in_ns function: a function in the background would be a
    # subshell, and $! its pid instead of ofswitch's.)
    ip netns exec "$SW" "$OFSWITCH" --port "$port1" --port "$port2" --listen "ptcp:$listen_port" \
        --status-interval 0 --log-level info "$@" >"$log_file" 2>&1 &
    OFSWITCH_PID=$!
    BACKGROUND_PIDS+=("$OFSWITCH_PID")
    wait_for 15 grep -q "ofswitch: running" "$log_file" || { log "ofswitch did not start:"; cat "$log_file"; exit 1; }
    for flow in "${FLOWS[@]}"; do in_ns "$SW" "${OFCTL[@]}" add-flow "tcp:127.0.0.1:$listen_port" "$flow"; done
}

# start_ovs_bridge BRIDGE PORT1 PORT2: Open vSwitch (ovs-vswitchd in the switch namespace)
# with bridge BRIDGE on the userspace datapath, fail-secure, PORT1 and PORT2 as OpenFlow
# ports 1 and 2, and only the FLOWS. Sets OVS_MGMT (the bridge's mgmt socket) and OVS_PID.
start_ovs_bridge() {
    local bridge=$1 port1=$2 port2=$3 flow
    start_ovs "$SW"
    add_bridge "$bridge" secure
    "${VSCTL[@]}" add-port "$bridge" "$port1" -- set interface "$port1" ofport_request=1
    "${VSCTL[@]}" add-port "$bridge" "$port2" -- set interface "$port2" ofport_request=2
    OVS_MGMT="unix:$OVS_D/run/$bridge.mgmt"
    "${OFCTL[@]}" del-flows "$OVS_MGMT"
    for flow in "${FLOWS[@]}"; do "${OFCTL[@]}" add-flow "$OVS_MGMT" "$flow"; done
    # shellcheck disable=SC2034 # for the caller
    OVS_PID=$(cat "$OVS_D/run/vswitchd.pid")
}

# dump_ofswitch_flows LISTEN_PORT / dump_ovs_flows: the flow table with its counters.
dump_ofswitch_flows() { in_ns "$SW" "${OFCTL[@]}" -F openflow10 --no-names dump-flows "tcp:127.0.0.1:$1"; }
dump_ovs_flows() { "${OFCTL[@]}" -F openflow10 --no-names dump-flows "$OVS_MGMT"; }

# CPU time (user + system, clock ticks) of a process and all its threads.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# print_flow_counters TARGET...: each target's flows with their counters, from
# $RAW/TARGET-flows.txt (dump-flows output), as a fenced block for the results file.
print_flow_counters() {
    echo "Flow counters after the run:"
    echo
    echo '```'
    for target in "$@"; do
        echo "$target:"
        grep -E 'actions=' "$RAW/$target-flows.txt" | sed -E 's/^ *cookie=[^,]*, duration=[^,]*, table=0, //' || true
    done
    echo '```'
}
