#!/usr/bin/env bash
# Our TCP/IP stack (ofnet) under hostile and malformed traffic from the Linux side of its
# tap, in a network namespace this script creates: RFC 5961 blind RST/SYN/data defences on
# a real kernel connection (challenge ACKs captured and checked), a SYN flood from spoofed
# addresses, overlapping, tiny and stale IPv4 fragments, and frames with bad checksums or
# cut headers. Afterwards ping, a 1 MiB echo and a clean SIGTERM exit must still work.
# Frames are built and captured by netstack-hostile.py (scapy, Debian's python3-scapy).
#
# The spoofed traffic never needs the kernel's help: the segments on the kernel's own
# connections carry its real 4-tuple (the kernel knows them and sends no RST), and the
# flood's addresses are neither the kernel's nor answered by ARP, so ofnet's SYN-ACKs to
# them never reach the kernel's TCP. Traffic stays inside the namespace.
#
#   netstack-hostile.sh BIN_DIR
source "$(dirname "$0")/netstack-lib.sh"
BIN=$1
HERE=$(cd "$(dirname "$0")" && pwd)
NS=ofn-hostile
TAP=ofhost0
LINUX_IP=10.98.0.1
OUR_IP=10.98.0.2
SYN_FLOOD_COUNT=${NETSTACK_SYN_FLOOD:-5000}
FRAGMENT_WAIT=${NETSTACK_FRAGMENT_WAIT:-32}   # past ofnet's 30 s reassembly timeout

# The interpreter that has scapy (Debian's python3, not a pyenv or venv one without it).
PY=
for candidate in /usr/bin/python3 python3; do
    if "$candidate" -c 'import scapy.all' >/dev/null 2>&1; then PY=$candidate; break; fi
done
if [ -z "$PY" ]; then
    log "scapy is missing (apt-get install python3-scapy; scripts/install-deps.sh)"
    exit 1
fi

make_tap_namespace

log "ofnet on tap:$TAP as $OUR_IP/24"
start_ofnet "$INTEROP_DIR/ofnet.log"

# hostile CHECK [ARG]: one netstack-hostile.py check, its lines indented in the log.
hostile() {
    local status=0
    in_ns "$PY" "$HERE/netstack-hostile.py" "$1" "$TAP" "$LINUX_IP" "$OUR_IP" "${@:2}" >"$INTEROP_DIR/hostile.out" 2>&1 || status=$?
    sed 's/^/    /' "$INTEROP_DIR/hostile.out"
    return "$status"
}
alive() { kill -0 "$OFNET" 2>/dev/null; }

check "RST in the window, not at RCV.NXT: challenge ACK, connection kept (RFC 5961 3.2)" hostile rst-in-window
check "RST at exactly RCV.NXT resets the connection" hostile rst-exact
check "SYN on an established connection: challenge ACK, connection kept (RFC 5961 4.2)" hostile syn-established
check "data outside the window: dropped and ACKed, echo stream intact" hostile data-out-of-window
check "data with an unacceptable ACK number: dropped and ACKed (RFC 5961 5.2)" hostile bad-ack
check "IPv4 reassembly works (control for the fragment checks)" hostile frag-control
check "overlapping fragments: datagram dropped, no echo reply" hostile frag-overlap
check "tiny fragments: reassembled and answered" hostile frag-tiny
check "fragment timeout: a fragment $FRAGMENT_WAIT s old is not used" hostile frag-timeout "$FRAGMENT_WAIT"
check "ICMP echo with a bad IPv4 header checksum: dropped" hostile bad-ip-checksum
check "truncated or inconsistent TCP headers: dropped" hostile truncated-tcp
check "bad TCP checksum (SYN, and data in sequence): dropped" hostile bad-tcp-checksum
check "ofnet still running before the SYN flood" alive
check "SYN flood of $SYN_FLOOD_COUNT spoofed SYNs: a real connection still works" hostile syn-flood "$SYN_FLOOD_COUNT"
ping_loss() { in_ns ping -q "$@" "$OUR_IP" 2>&1 | sed -n 's/.* \([0-9.]*\)% packet loss.*/\1/p'; }
loss=$(ping_loss -c 5 -i 0.05 -W 1)
check "answering ping right after the SYN flood: ${loss:-?}% loss" [ "$loss" = 0 ]

# Until the stack copes with a flood, the spoofed half-open connections hold port 7's
# backlog until their SYN-ACK retries end: wait for it (bounded) so the checks below test
# what is left, and say how long it took.
recovery_limit=${NETSTACK_FLOOD_RECOVERY:-150}
flood_done=$SECONDS
port_open() { in_ns python3 -c "import socket; socket.create_connection(('$OUR_IP', 7), timeout=1).close()" 2>/dev/null; }
while ! port_open && [ $((SECONDS - flood_done)) -lt "$recovery_limit" ]; do sleep 1; done
log "port 7 accepted a new connection $((SECONDS - flood_done)) s after the flood check (limit $recovery_limit s)"

loss=$(ping_loss -c 5 -i 0.05 -W 1)
check "still answering ping after all that: ${loss:-?}% loss" [ "$loss" = 0 ]
client() { in_ns python3 "$HERE/netstack-client.py" "$@"; }
check "TCP echo of 1 MiB still intact" client echo "$OUR_IP" $((1 << 20))
check "ofnet still running" alive

stop_ofnet
log "ofnet log tail:"
tail -5 "$INTEROP_DIR/ofnet.log" | sed 's/^/    /'

finish
