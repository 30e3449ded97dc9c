#!/usr/bin/env bash
# ofcontroller on our own TCP/IP stack (the direct deployment) drives Open vSwitch: the
# controller owns a tap device and speaks OpenFlow over NetStack's TCP; OVS (userspace
# datapath, three hosts in namespaces) reaches it through the kernel's side of the tap.
#   - learning: every pair pings, and the flows show in dump-flows;
#   - tshark on the tap sees the session, and ofdump decodes it without an error;
#   - SIGTERM exits 0; a killed controller is reconnected to when it comes back.
#
# Usage: Tests/Interop/controller-ovs-netstack.sh BIN_DIR
# Prints "N passed, N failed"; exits non-zero if anything failed.
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=ovs-lib.sh
source "$HERE/ovs-lib.sh"
BIN_DIR=$1
TAP=ofctap0
LINUX_IP=10.98.0.1
CONTROLLER_IP=10.98.0.2
PORT=6653
OFC_PID=
RUN=0
RUN_LOG=

ip link del "$TAP" 2>/dev/null || true
ip tuntap add dev "$TAP" mode tap
sysctl -qw "net.ipv6.conf.$TAP.disable_ipv6=1"
ip addr add "$LINUX_IP/24" dev "$TAP"
ip link set "$TAP" up
trap 'ip link del "$TAP" 2>/dev/null; cleanup' EXIT

# start_controller ARGS...: ofcontroller on tap:$TAP as $CONTROLLER_IP.
start_controller() {
    RUN=$((RUN + 1))
    RUN_LOG="$INTEROP_DIR/ofcontroller-$RUN.log"
    "$BIN_DIR/ofcontroller" --net "tap:$TAP" --ip "$CONTROLLER_IP/24" --listen "$PORT" \
        --status-interval 1 --log-level debug "$@" >"$RUN_LOG" 2>&1 &
    OFC_PID=$!
    BACKGROUND_PIDS+=("$OFC_PID")
}
switch_up() { grep -qs "datapath 0000000000000001 up" "$RUN_LOG"; }
stop_controller() {
    kill -TERM "$OFC_PID"
    local status=0
    wait "$OFC_PID" || status=$?
    check "ofcontroller --net exits 0 on SIGTERM (got $status)" [ "$status" -eq 0 ]
    OFC_PID=
}
flow_lines() { dump_flows br0 | grep -E 'actions=' || true; }
has_flow() { flow_lines | grep -qE "$1"; }

log "OVS in $OVS_D; ofcontroller on tap:$TAP as $CONTROLLER_IP, OVS connects from $LINUX_IP"
start_ovs
add_bridge br0 secure
for n in 1 2 3; do add_host "$n" br0; done
"${VSCTL[@]}" set-controller br0 "tcp:$CONTROLLER_IP:$PORT"
"${VSCTL[@]}" set controller br0 max_backoff=1000

CAPTURE="$INTEROP_DIR/netstack.pcap"
tshark -i "$TAP" -f "tcp port $PORT" -F pcap -w "$CAPTURE" >"$INTEROP_DIR/tshark.log" 2>&1 &
TSHARK_PID=$!
BACKGROUND_PIDS+=("$TSHARK_PID")
wait_for 15 grep -q "Capturing on" "$INTEROP_DIR/tshark.log" || log "tshark did not say it is capturing"

"$BIN_DIR/ofdump" -i "$TAP" >"$INTEROP_DIR/ofdump-live.txt" 2>"$INTEROP_DIR/ofdump-live.err" &
LIVE_PID=$!
BACKGROUND_PIDS+=("$LIVE_PID")
sleep 1 # the capture is open before the controller's first segment
start_controller --app learning
check "learning: OVS connects to ofcontroller over NetStack" wait_for 30 switch_up
ovs-appctl -t "$OVS_D/run/vswitchd.ctl" revalidator/purge >/dev/null
for pair in "1 2" "1 3" "2 3" "3 1"; do
    # shellcheck disable=SC2086
    check "ping h${pair% *} -> h${pair#* }" ping_ok $pair
done
check "learning: a flow from h1 to h2 out of port 2" has_flow 'dl_src=00:00:00:00:00:01,dl_dst=00:00:00:00:00:02.*actions=output:2'
check "learning: a flow from h3 to h1 out of port 1" has_flow 'dl_src=00:00:00:00:00:03,dl_dst=00:00:00:00:00:01.*actions=output:1'
check "the controller logged the datapath through its own stack" grep -q "our own TCP/IP stack on tap:$TAP" "$RUN_LOG"
sleep 1
kill -INT "$LIVE_PID"
status=0
wait "$LIVE_PID" || status=$?
check "ofdump -i $TAP (live, libpcap) exits 0 on SIGINT (got $status)" [ "$status" -eq 0 ]
check "ofdump -i $TAP saw the handshake live" grep -q "OFPT_FEATURES_REPLY" "$INTEROP_DIR/ofdump-live.txt"
check "ofdump -i $TAP saw flow_mods live" grep -q "OFPT_FLOW_MOD" "$INTEROP_DIR/ofdump-live.txt"
kill -INT "$TSHARK_PID"
wait "$TSHARK_PID" 2>/dev/null || true
messages=$("$BIN_DIR/ofdump" "$CAPTURE" 2>/dev/null | wc -l) && status=0 || status=$?
check "ofdump decodes the session on the tap: $messages messages, exit $status" [ "$status" -eq 0 ] && [ "$messages" -gt 10 ]
stop_controller

start_controller --app learning
check "second run: OVS connects again" wait_for 30 switch_up
{ kill -KILL "$OFC_PID" && wait "$OFC_PID"; } 2>/dev/null || true
start_controller --app learning
check "after a kill: OVS reconnects to a new ofcontroller" wait_for 30 switch_up
ovs-appctl -t "$OVS_D/run/vswitchd.ctl" revalidator/purge >/dev/null
check "after a kill: h1 -> h2 pings" ping_ok 1 2
stop_controller
log "ofcontroller log tail:"
tail -3 "$RUN_LOG" | sed 's/^/    /'
finish
