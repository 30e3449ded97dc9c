#!/usr/bin/env bash
# Bad input to ofswitch from a scripted fake controller (fake-controller.py), over real
# TCP on loopback, while two hosts in network namespaces (h1, h2 on veth pairs, ports 1
# and 2) depend on the switch forwarding:
#   - ofswitch connects (--controller, fail-secure, its own datapath id) and does the
#     handshake; with no flows h1's ARP request comes in a buffered PACKET_IN, a
#     PACKET_OUT of that buffer reaches h2 (whose reply misses in turn), and the same
#     buffer again is BUFFER_EMPTY; then the fake controller installs port 1 <-> port 2
#     flows, h1 pings h2 through them and their packet counters move;
#   - malformed and refused requests (wrong version, unknown and switch-to-controller
#     types, truncated FLOW_MOD, bad action type/length/port/vendor/argument, bad flow
#     command, emergency flow with a timeout, unknown buffer, overrunning PACKET_OUT,
#     unknown stats type, VENDOR, PORT_MOD of a missing port or with a wrong address)
#     each get the OFPT_ERROR type and code of the OpenFlow 1.0 spec, with the xid and
#     the offending message's first bytes, and install nothing;
#   - an OFPT_ERROR is not answered; an ECHO_REQUEST sent byte by byte is;
#   - a header length below 8 closes the connection and ofswitch reconnects by itself,
#     its flows intact;
#   - after all that h1 <-> h2 still ping, ofswitch is still running, and it exits 0
#     on SIGTERM.
# The exact (type, code) of every error is printed as an INFO line.
#
# Usage: Tests/Interop/switch-bad-input.sh [BIN_DIR]
#   BIN_DIR holds ofswitch (default: `swift build --show-bin-path`).
# Environment: LAB=x prefixes the namespaces and interfaces (side-by-side runs).
# Needs root, iproute2, iputils-ping, ethtool, ss and python3.
# Prints "N passed, N failed"; exits non-zero if anything failed.

HERE=$(cd "$(dirname "$0")" && pwd)
BIN_DIR=${1:-$(cd "$HERE/../.." && swift build --show-bin-path)}
# shellcheck source=switch-lib.sh
source "$HERE/switch-lib.sh"

[ -x "$OFSWITCH" ] || { log "missing $OFSWITCH: build it first (swift build --product ofswitch)"; exit 2; }
for tool in ip ping ss ethtool python3; do
    command -v "$tool" >/dev/null || { log "missing $tool (scripts/install-deps.sh installs it)"; exit 2; }
done
[ "$(id -u)" -eq 0 ] || { log "needs root (network namespaces)"; exit 2; }

DPID=00000000cafe0042
PORT_FILE="$INTEROP_DIR/fake-controller.port"
FAKE_OUT="$INTEROP_DIR/fake-controller.out"

add_switch_host 1
add_switch_host 2

# The fake controller first: it picks a free loopback port and writes it to PORT_FILE.
# Its ping checks run h1 -> h2 (and so h2 -> h1 for the replies).
timeout 300 python3 "$HERE/fake-controller.py" --port-file "$PORT_FILE" --dpid "0x$DPID" --ports 2 \
    --ping "ip netns exec ${LAB}h1 ping -q -c 2 -i 0.2 -W 1 10.0.0.2" >"$FAKE_OUT" 2>&1 &
FAKE_PID=$!
BACKGROUND_PIDS+=("$FAKE_PID")
check "the fake controller listens" wait_for 10 test -s "$PORT_FILE"
CONTROLLER_PORT=$(cat "$PORT_FILE" 2>/dev/null || echo 0)

check "ofswitch starts (--controller tcp:127.0.0.1:$CONTROLLER_PORT)" \
    start_ofswitch --controller "tcp:127.0.0.1:$CONTROLLER_PORT" --datapath-id "$DPID" --log-level debug

fake_status=0
wait "$FAKE_PID" || fake_status=$?
grep -q '^fake-controller: ' "$FAKE_OUT" || fail "fake-controller.py ran to its end (status $fake_status)"
while IFS= read -r line; do
    case "$line" in
        PASS:*) pass "${line#PASS: }" ;;
        FAIL:*) fail "${line#FAIL: }" ;;
        INFO:*) log "${line}" ;;
        fake-controller:*) ;;
        *) log "fake-controller: $line" ;;
    esac
done <"$FAKE_OUT"

# The fake controller is gone: fail-secure keeps the flows, so forwarding goes on.
check "h1 -> h2 still ping after the fake controller left" ping_ok 1 2
check "h2 -> h1 still ping after the fake controller left" ping_ok 2 1
check "ofswitch still running after the bad input" kill -0 "$OFSWITCH_PID"
rejected=$(grep -c 'rejected' "$OFSWITCH_LOG" || true)
log "ofswitch logged $rejected rejected messages"
finish_switch
