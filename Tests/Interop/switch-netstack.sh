#!/usr/bin/env bash
# ofswitch with its controller channel on our own TCP/IP stack (ofswitch --net): three
# hosts on veth pairs as ports 1-3, the controller reached through a tap device.
#   a. ofcontroller on kernel TCP at the tap's Linux side: every pair pings, exact
#      flows installed; the controller restarts and ofswitch reconnects over NetStack;
#   b. both on our stack: ofcontroller --net on a second tap, the two taps joined by
#      a Linux bridge: every pair pings;
#   c. the same over TLS (ofcontroller --net on pssl:, ofswitch --net to ssl:, ovs-pki
#      certificates): every pair pings;
#   d. SIGTERM: both exit 0.
#
# Usage: Tests/Interop/switch-netstack.sh BIN_DIR
# Prints "N passed, N failed"; exits non-zero if anything failed.
BIN_DIR=$1
# shellcheck source=switch-lib.sh
source "$(dirname "$0")/switch-lib.sh"
# shellcheck source=tls-lib.sh
source "$(dirname "$0")/tls-lib.sh"
SWTAP=ofstap0 CTLTAP=ofctap1 BRIDGE=ofsbr0
CTL_LOG="$INTEROP_DIR/ofcontroller.log"
CTL_PID=

remove_links() { ip link del "$SWTAP" 2>/dev/null; ip link del "$CTLTAP" 2>/dev/null; ip link del "$BRIDGE" 2>/dev/null; }
remove_links || true
trap 'remove_links; cleanup' EXIT
for tap in "$SWTAP" "$CTLTAP"; do
    ip tuntap add dev "$tap" mode tap
    sysctl -qw "net.ipv6.conf.$tap.disable_ipv6=1"
done
ip addr add 10.95.0.1/24 dev "$SWTAP"
ip link set "$SWTAP" up

for n in 1 2 3; do add_switch_host "$n"; done

start_controller() {
    "$BIN_DIR/ofcontroller" "$@" --status-interval 1 --log-level debug >>"$CTL_LOG" 2>&1 &
    CTL_PID=$!
    BACKGROUND_PIDS+=("$CTL_PID")
}
stop_controller() {
    kill -TERM "$CTL_PID" 2>/dev/null
    local status=0
    wait "$CTL_PID" || status=$?
    CTL_PID=
    return "$status"
}
ups() { grep -c "datapath 0000000000000001 up" "$CTL_LOG" 2>/dev/null || true; }
all_pairs() {
    for pair in "1 2" "1 3" "2 3" "3 1"; do
        # shellcheck disable=SC2086
        check "$1: ping h${pair% *} -> h${pair#* }" ping_ok $pair
    done
}
has_flow() { ovs-ofctl -O OpenFlow10 -F openflow10 dump-flows tcp:127.0.0.1:16634 2>/dev/null | grep -qE "$1"; }

# --- a. controller on kernel TCP, switch on NetStack --------------------------------
start_controller --listen 10.95.0.1:6653
wait_for 10 bash -c 'ss -Hltn "sport = :6653" | grep -q .'
start_ofswitch --net "tap:$SWTAP" --ip 10.95.0.2/24 --controller tcp:10.95.0.1:6653 --listen ptcp:16634
check "a: ofswitch connects over NetStack (datapath 1 up)" wait_for 30 bash -c '[ "$(grep -c "datapath 0000000000000001 up" "$1" 2>/dev/null)" -ge 1 ]' _ "$CTL_LOG"
all_pairs a
check "a: exact flow h1 -> h2 out of port 2" has_flow 'dl_src=00:00:00:00:00:01,dl_dst=00:00:00:00:00:02.*actions=output:2'
check "a: ofswitch logs its controller channel on NetStack" grep -q "controller channel on our own TCP/IP stack on tap:$SWTAP" "$OFSWITCH_LOG"
status=0
stop_controller || status=$?
check "a: ofcontroller exits 0 on SIGTERM (got $status)" [ "$status" -eq 0 ]
before=$(ups)
start_controller --listen 10.95.0.1:6653
check "a: ofswitch reconnects over NetStack after a controller restart" \
    wait_for 30 bash -c '[ "$(grep -c "datapath 0000000000000001 up" "$1")" -gt "$2" ]' _ "$CTL_LOG" "$before"
check "a: h1 -> h2 after the reconnect" ping_ok 1 2
stop_controller || true
status=0
stop_ofswitch || status=$?
check "a: ofswitch --net exits 0 on SIGTERM (got $status)" [ "$status" -eq 0 ]

# --- b. both on NetStack, through a Linux bridge ------------------------------------
ip addr flush dev "$SWTAP"
ip link add "$BRIDGE" type bridge
sysctl -qw "net.ipv6.conf.$BRIDGE.disable_ipv6=1"
for tap in "$SWTAP" "$CTLTAP"; do ip link set "$tap" master "$BRIDGE" && ip link set "$tap" up; done
ip link set "$BRIDGE" up
before=$(ups)
start_controller --net "tap:$CTLTAP" --ip 10.95.0.3/24 --listen 6653
start_ofswitch --net "tap:$SWTAP" --ip 10.95.0.2/24 --controller tcp:10.95.0.3:6653 --listen ptcp:16634
check "b: ofswitch --net connects to ofcontroller --net (datapath 1 up)" \
    wait_for 30 bash -c '[ "$(grep -c "datapath 0000000000000001 up" "$1")" -gt "$2" ]' _ "$CTL_LOG" "$before"
all_pairs b
status=0
stop_controller || status=$?
check "b: ofcontroller --net exits 0 on SIGTERM (got $status)" [ "$status" -eq 0 ]
stop_ofswitch || true

# --- c. TLS over NetStack on both sides -------------------------------------------------
check "c: ovs-pki makes the certificates" make_pki
before=$(ups)
# shellcheck disable=SC2046
start_controller --net "tap:$CTLTAP" --ip 10.95.0.3/24 --listen pssl:6653 $(controller_tls_flags)
# shellcheck disable=SC2046
start_ofswitch --net "tap:$SWTAP" --ip 10.95.0.2/24 --controller ssl:10.95.0.3:6653 --listen ptcp:16634 $(switch_tls_flags)
check "c: ofswitch --net connects over TLS to ofcontroller --net (datapath 1 up)" \
    wait_for 30 bash -c '[ "$(grep -c "datapath 0000000000000001 up" "$1")" -gt "$2" ]' _ "$CTL_LOG" "$before"
check "c: the controller listens on pssl: over NetStack" grep -q "listening on pssl:6653 (TLS) of our own TCP/IP stack" "$CTL_LOG"
all_pairs c
status=0
stop_controller || status=$?
check "c: ofcontroller --net on pssl: exits 0 on SIGTERM (got $status)" [ "$status" -eq 0 ]
finish_switch
