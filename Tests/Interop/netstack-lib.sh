# Shared pieces of the NetStack interop tests, on top of ovs-lib.sh (check, wait_for,
# the EXIT trap that kills background processes and deletes the namespaces): a network
# namespace $NS holding a tap device $TAP whose kernel side is Linux's end of the wire
# ($LINUX_IP/24), and ofnet, our stack, on the other side ($OUR_IP). Set NS, TAP,
# LINUX_IP (and OUR_IP for start_ofnet) before calling. Traffic stays in the namespace.

# shellcheck source=ovs-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/ovs-lib.sh"

in_ns() { ip netns exec "$NS" "$@"; }

# make_tap_namespace: $NS with IPv6 off and lo up, and tap $TAP at $LINUX_IP/24, up.
make_tap_namespace() {
    ip netns del "$NS" 2>/dev/null || true
    ip netns add "$NS"
    HOSTS+=("$NS")
    in_ns sysctl -qw net.ipv6.conf.all.disable_ipv6=1
    in_ns sysctl -qw net.ipv6.conf.default.disable_ipv6=1
    in_ns ip link set lo up
    in_ns ip tuntap add dev "$TAP" mode tap
    in_ns ip addr add "$LINUX_IP/24" dev "$TAP"
    in_ns ip link set "$TAP" up
}

# start_ofnet LOG ARGS...: ofnet on tap:$TAP as $OUR_IP/24 in $NS with ARGS, logging to
# LOG; run straight under `ip netns exec` (not through a function) so that SIGTERM to
# $OFNET reaches it. Checks that it answers ping within 5 s.
start_ofnet() {
    local log_file=$1
    shift
    ip netns exec "$NS" "$BIN/ofnet" --net "tap:$TAP" --ip "$OUR_IP/24" --status-interval 0 "$@" >"$log_file" 2>&1 &
    OFNET=$!
    BACKGROUND_PIDS+=("$OFNET")
    local ready=0
    for _ in $(seq 1 50); do
        if in_ns ping -c 1 -W 1 "$OUR_IP" >/dev/null 2>&1; then ready=1; break; fi
        sleep 0.1
    done
    check "ofnet answers ping" [ "$ready" = 1 ]
}

# stop_ofnet: SIGTERM, and checks the clean exit (status 0) ofnet promises.
stop_ofnet() {
    kill -TERM "$OFNET"
    local status=0
    wait "$OFNET" || status=$?
    BACKGROUND_PIDS=()
    check "ofnet exits 0 on SIGTERM (got $status)" [ "$status" = 0 ]
}
