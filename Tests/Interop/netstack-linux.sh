#!/usr/bin/env bash
# Our TCP/IP stack (ofnet) against Linux's, through a tap device in a network namespace
# this script creates: ping (flood, fragmented), TCP echo/discard/chargen with the data
# checked, 1000 concurrent connections, RST from a closed port, half-close, and a clean
# exit. Traffic stays inside the namespace.
#
#   netstack-linux.sh BIN_DIR
source "$(dirname "$0")/netstack-lib.sh"
BIN=$1
HERE=$(cd "$(dirname "$0")" && pwd)
NS=ofn-h1
TAP=oftap0
LINUX_IP=10.99.0.1
OUR_IP=10.99.0.2

make_tap_namespace

log "ofnet on tap:$TAP as $OUR_IP/24"
start_ofnet "$INTEROP_DIR/ofnet.log"

ping_loss() { { in_ns ping "$@" "$OUR_IP" 2>&1 || true; } | sed -n 's/.* \([0-9.]*\)% packet loss.*/\1/p'; }
loss=$(ping_loss -c 20 -i 0.01 -s 1472)
check "ping with 1472-byte payloads (full frames): $loss% loss" [ "$loss" = 0 ]
loss=$(ping_loss -c 20 -i 0.01 -s 8000)
check "ping with 8000-byte payloads (reassembled, fragmented back): $loss% loss" [ "$loss" = 0 ]
flood_count=${NETSTACK_FLOOD_COUNT:-100000}
flood=$({ in_ns ping -f -c "$flood_count" "$OUR_IP" 2>&1 || true; } | tail -3)
loss=$(sed -n 's/.* \([0-9.]*\)% packet loss.*/\1/p' <<<"$flood")
log "ping -f -c $flood_count: $(tr '\n' ' ' <<<"$flood")"
check "ping -f -c $flood_count: $loss% loss" [ "$loss" = 0 ]

client() { in_ns python3 "$HERE/netstack-client.py" "$@"; }
check "TCP echo: 4 MiB back intact" client echo "$OUR_IP" $((4 << 20))
check "TCP discard: 64 MiB taken" client discard "$OUR_IP" $((64 << 20))
check "TCP chargen: 16 MiB of the RFC 864 pattern" client chargen "$OUR_IP" $((16 << 20))
check "TCP half-close: echo completes after our FIN" client half-close "$OUR_IP" $((1 << 20))
check "TCP RST from a closed port" client refused "$OUR_IP" 8
check "1000 concurrent TCP connections" client concurrent "$OUR_IP" 1000
loss=$(ping_loss -c 5 -i 0.05)
check "still answering ping after all that: $loss% loss" [ "$loss" = 0 ]

stop_ofnet
log "ofnet log tail:"
tail -5 "$INTEROP_DIR/ofnet.log" | sed 's/^/    /'

# The same stack on an existing interface instead of a tap: one end of a veth pair
# whose other end is Linux's, through a packet socket and then through libpcap. The
# kernel has no address on our end, so it neither answers for us nor resets our TCP.
in_ns ip link add ofn-v0 type veth peer name ofn-v1
in_ns ip addr add 10.99.1.1/24 dev ofn-v0
for end in ofn-v0 ofn-v1; do
    in_ns ip link set "$end" up
    in_ns ethtool -K "$end" tx off rx off tso off gso off gro off >/dev/null 2>&1 || true
done
for device in af-packet pcap; do
    ip netns exec "$NS" "$BIN/ofnet" --net "$device:ofn-v1" --ip 10.99.1.2/24 --status-interval 0 \
        >"$INTEROP_DIR/ofnet-$device.log" 2>&1 &
    OFNET=$!
    BACKGROUND_PIDS+=("$OFNET")
    ready=0
    for _ in $(seq 1 50); do
        if in_ns ping -c 1 -W 1 10.99.1.2 >/dev/null 2>&1; then ready=1; break; fi
        sleep 0.1
    done
    check "--net $device:IFACE: ofnet answers ping" [ "$ready" = 1 ]
    loss=$({ in_ns ping -q -c 200 -i 0.005 10.99.1.2 2>&1 || true; } | sed -n 's/.* \([0-9.]*\)% packet loss.*/\1/p')
    check "--net $device:IFACE: 200 pings, $loss% loss" [ "$loss" = 0 ]
    check "--net $device:IFACE: TCP echo of 1 MiB intact" client echo 10.99.1.2 $((1 << 20))
    kill -TERM "$OFNET"
    status=0
    wait "$OFNET" || status=$?
    BACKGROUND_PIDS=()
    check "--net $device:IFACE: exit 0 on SIGTERM (got $status)" [ "$status" = 0 ]
done

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]
