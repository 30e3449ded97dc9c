# Shared pieces of the interop tests: a private Open vSwitch (userspace datapath) and
# hosts in network namespaces joined to it by veth pairs. Source it; it installs an EXIT
# trap that removes everything it made. Only loopback and the namespaces it creates
# carry traffic.

set -euo pipefail

INTEROP_DIR=$(mktemp -d /tmp/ofp-interop.XXXXXX)
OVS_D="$INTEROP_DIR/ovs"
HOSTS=()
BACKGROUND_PIDS=()
PASSED=0
FAILED=0

export OVS_RUNDIR="$OVS_D/run" OVS_LOGDIR="$OVS_D/log" OVS_DBDIR="$OVS_D/db" OVS_SYSCONFDIR="$OVS_D/etc"
VSCTL=(ovs-vsctl --db="unix:$OVS_D/run/db.sock" --timeout=20)
OFCTL=(ovs-ofctl -O OpenFlow10)

log() { printf '[interop] %s\n' "$*"; }

pass() { PASSED=$((PASSED + 1)); log "PASS: $*"; }
fail() { FAILED=$((FAILED + 1)); log "FAIL: $*"; }

# check DESCRIPTION COMMAND...: records a pass if the command succeeds.
# free_port PREFERRED...: the first TCP port of the list nothing listens on (a shared
# dev machine may hold the usual ones).
free_port() {
    local candidate
    for candidate in "$@"; do
        if ! ss -Hltn "sport = :$candidate" | grep -q .; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

# show_logs_if_failed LINES FILE...: after a failed check, the last LINES lines of
# each file, so a CI log says why without the files.
show_logs_if_failed() {
    local lines=$1 file
    shift
    [ "$FAILED" -gt 0 ] || return 0
    for file in "$@"; do
        [ -f "$file" ] || continue
        log "$(basename "$file") (last $lines lines):"
        tail -n "$lines" "$file" | sed 's/^/    /'
    done
}

check() {
    local what=$1
    shift
    if "$@"; then pass "$what"; else fail "$what"; fi
}

cleanup() {
    set +e
    for pid in "${BACKGROUND_PIDS[@]}"; do kill "$pid" 2>/dev/null; done
    for pid in "${BACKGROUND_PIDS[@]}"; do wait "$pid" 2>/dev/null; done
    # Bridges first, and --cleanup: the userspace datapath's taps (br0, ovs-netdev) live
    # in the root namespace and would outlive a plain exit.
    if [ -S "$OVS_D/run/vswitchd.ctl" ]; then
        for bridge in $(timeout 5 "${VSCTL[@]}" list-br 2>/dev/null); do timeout 5 "${VSCTL[@]}" --if-exists del-br "$bridge" >/dev/null 2>&1; done
        ovs-appctl -t "$OVS_D/run/vswitchd.ctl" exit --cleanup >/dev/null 2>&1
    fi
    [ -S "$OVS_D/run/ovsdb.ctl" ] && ovs-appctl -t "$OVS_D/run/ovsdb.ctl" exit >/dev/null 2>&1
    for host in "${HOSTS[@]}"; do ip netns del "$host" 2>/dev/null; done
    rm -rf "$INTEROP_DIR"
}
trap cleanup EXIT

# start_ovs [NETNS]: ovsdb-server and ovs-vswitchd with all state under $OVS_D;
# ovs-vswitchd inside network namespace NETNS when one is given (its ports live there).
start_ovs() {
    local in_netns=()
    [ $# -gt 0 ] && in_netns=(ip netns exec "$1")
    mkdir -p "$OVS_D"/{run,log,db,etc}
    ovsdb-tool create "$OVS_D/db/conf.db" /usr/share/openvswitch/vswitch.ovsschema
    ovsdb-server "$OVS_D/db/conf.db" --remote="punix:$OVS_D/run/db.sock" \
        --remote=db:Open_vSwitch,Open_vSwitch,manager_options --unixctl="$OVS_D/run/ovsdb.ctl" \
        --pidfile="$OVS_D/run/ovsdb.pid" --detach --log-file="$OVS_D/log/ovsdb.log"
    "${VSCTL[@]}" --no-wait init
    "${in_netns[@]}" ovs-vswitchd "unix:$OVS_D/run/db.sock" --unixctl="$OVS_D/run/vswitchd.ctl" \
        --pidfile="$OVS_D/run/vswitchd.pid" --detach --log-file="$OVS_D/log/vswitchd.log" 2>/dev/null
}

# add_bridge NAME FAIL_MODE: an OpenFlow 1.0 bridge on the userspace datapath.
add_bridge() {
    "${VSCTL[@]}" add-br "$1" -- set bridge "$1" datapath_type=netdev protocols=OpenFlow10 \
        other-config:datapath-id=0000000000000001 -- set-fail-mode "$1" "$2"
}

# make_host N HOST PORT [NET]: namespace HOST with 10.0.NET.N/24 and MAC
# 00:00:00:00:NET:N (NET 0 unless given) on HOST-eth0, whose veth peer PORT stays in the
# root namespace. IPv6 is off on both, so no ND noise reaches the switch or the
# controller.
make_host() {
    local n=$1 host=$2 port=$3 net=${4:-0} mac
    printf -v mac "00:00:00:00:%02x:%02x" "$net" "$n"
    # A veth of ours from a run just before may still be on its way out.
    ip link del "$port" 2>/dev/null || true
    ip netns add "$host"
    HOSTS+=("$host")
    ip link add "$host-eth0" address "$mac" type veth peer name "$port"
    ip link set "$host-eth0" netns "$host"
    ip netns exec "$host" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
    sysctl -qw "net.ipv6.conf.$port.disable_ipv6=1"
    ip netns exec "$host" ip addr add "10.0.$net.$n/24" dev "$host-eth0"
    ip netns exec "$host" ip link set "$host-eth0" up
    ip netns exec "$host" ip link set lo up
    ip link set "$port" up
}

# add_host N BRIDGE: host hN joined to BRIDGE as OpenFlow port N through s1-ethN.
add_host() {
    make_host "$1" "h$1" "s1-eth$1"
    "${VSCTL[@]}" add-port "$2" "s1-eth$1" -- set interface "s1-eth$1" ofport_request="$1"
}

# ping_ok FROM TO: one host pings another (a few tries, short timeouts).
ping_ok() {
    ip netns exec "h$1" ping -q -c 2 -i 0.2 -W 1 "10.0.0.$2" >/dev/null 2>&1 ||
        ip netns exec "h$1" ping -q -c 3 -i 0.3 -W 2 "10.0.0.$2" >/dev/null 2>&1
}

ping_fails() { ! ip netns exec "h$1" ping -q -c 2 -i 0.2 -W 1 "10.0.0.$2" >/dev/null 2>&1; }

# wait_for SECONDS COMMAND...: polls until the command succeeds.
wait_for() {
    local deadline=$((SECONDS + $1))
    shift
    until "$@"; do
        [ "$SECONDS" -ge "$deadline" ] && return 1
        sleep 0.2
    done
}

bridge_connected() { "${VSCTL[@]}" --columns=is_connected find controller | grep -q true; }

dump_flows() { "${OFCTL[@]}" -F openflow10 dump-flows "unix:$OVS_D/run/$1.mgmt"; }

# Prints the totals and fails the script if anything failed.
finish() {
    printf '%d passed, %d failed\n' "$PASSED" "$FAILED"
    [ "$FAILED" -eq 0 ]
}
