#!/usr/bin/env bash
# ofswitch under three OpenFlow 1.0 controllers, with three hosts in network namespaces
# on veth pairs (ofswitch ports 1..3):
#   a. ovs-testcontroller (the C reference learning switch): nothing passes before it
#      connects (fail secure), then every ordered pair pings, its flows show in
#      dump-flows, and 8 MiB of TCP from h1 to h2 arrive intact (sha256 of what was
#      sent and what was received);
#   b. os-ken with our OF1.0 learning app (cbench-configs/peers): every pair pings and
#      its flows show;
#   c. ofcontroller (learning): every pair pings, its flows show, the 8 MiB transfer;
#   d. fail modes, each on a fresh ofswitch under ofcontroller, which is then killed:
#      secure: the flows installed for h1<->h2 stay and still forward, h1 -> h3 (no
#      flows) fails; standalone: every pair pings as a learning switch. In both, the
#      controller restarts on the same port, ofswitch reconnects, and new traffic is
#      handled by the controller again (its flows appear). ofswitch's status line must
#      show the mode it is in (failSecure, failStandalone, controller).
# Every section ends with ofswitch exiting 0 on SIGTERM and its totals line counting no
# OFPT_ERROR either way. Flows are read with ovs-ofctl through ofswitch's passive
# listener (--listen).
#
# Usage: Tests/Interop/switch-controllers.sh [BIN_DIR]
#   BIN_DIR holds ofswitch and ofcontroller (default: `swift build --show-bin-path`).
# Environment: LAB=x prefixes namespaces and interfaces (side-by-side runs);
#   OSKEN_PYTHON, a python with os_ken (default: /opt/osken-venv, made by
#   Tests/Interop/osken-venv.sh if missing).
# Needs root, iproute2, iputils-ping, ethtool, openvswitch-switch (ovs-ofctl),
# openvswitch-testcontroller and python3. Prints "N passed, N failed"; exits non-zero
# if anything failed.

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
BIN_DIR=${1:-$(cd "$REPO" && swift build --show-bin-path)}
# shellcheck source=switch-lib.sh
source "$HERE/switch-lib.sh"

OFCONTROLLER="$BIN_DIR/ofcontroller"
for tool in "$OFSWITCH" "$OFCONTROLLER"; do
    [ -x "$tool" ] || { log "missing $tool: build it first (swift build)"; exit 2; }
done
for tool in ip ping ss ethtool ovs-ofctl ovs-testcontroller python3 sha256sum; do
    command -v "$tool" >/dev/null || { log "missing $tool (scripts/install-deps.sh installs it)"; exit 2; }
done

CTL_PORT=$(free_port 26653 26654 36653) || { log "no free port for the controller"; exit 2; }
LISTEN_PORT=$(free_port 26634 26644 36634) || { log "no free port for ofswitch's listener"; exit 2; }
XFER_PORT=5001 # inside h2's namespace, so nothing else can hold it
MGMT="tcp:127.0.0.1:$LISTEN_PORT"
OFCTL+=(--no-names)
START=$SECONDS


# --- helpers ------------------------------------------------------------------------

# ofswitch holds an established connection to the controller's port.
switch_connected() { ss -Htn state established "( dport = :$CTL_PORT )" | grep -q .; }
# ofswitch has closed its side of every connection to the controller's port.
switch_gone() { ! ss -Htn "( dport = :$CTL_PORT )" | grep -qv TIME-WAIT; }

start_ofcontroller() {
    start_peer ofcontroller "$OFCONTROLLER" --listen "127.0.0.1:$CTL_PORT" --status-interval 1 --log-level debug
}


# Flow entries as ovs-ofctl prints them, read through ofswitch's passive listener.
flow_lines() { "${OFCTL[@]}" -F openflow10 dump-flows "$MGMT" 2>/dev/null | grep -E 'actions=' || true; }
has_flow() { flow_lines | grep -qE "$1"; }
no_flow() { ! has_flow "$1"; }
both_flows() { has_flow "$(exact_flow "$1" "$2")" && has_flow "$(exact_flow "$2" "$1")"; }
mac() { echo "00:00:00:00:00:0$1"; }
# An exact-match flow (ovs-testcontroller, ofcontroller) from hA to hB out of port B.
exact_flow() { echo "dl_src=$(mac "$1"),dl_dst=$(mac "$2").*actions=output:$2"; }

flush_arp() {
    for n in 1 2 3; do in_host "$n" ip neigh flush dev "${LAB}h$n-eth0" nud all 2>/dev/null || true; done
}

all_pairs() {
    local what=$1
    for pair in "1 2" "1 3" "2 1" "2 3" "3 1" "3 2"; do
        # shellcheck disable=SC2086
        check "$what: ping h${pair% *} -> h${pair#* }" ping_ok $pair
    done
}

# Lines of ofswitch's log so far, and whether a line after such a mark matches.
log_mark() { wc -l <"$OFSWITCH_LOG"; }
switch_logged_since() { tail -n "+$(($1 + 1))" "$OFSWITCH_LOG" | grep -qE "$2"; }

# end_switch: SIGTERM; ofswitch must exit 0, and its totals line must count no
# OFPT_ERROR either way with this section's controller.
SECTION=
SECTION_MARK=0
end_switch() {
    local status=0
    stop_ofswitch || status=$?
    check "$SECTION: ofswitch exits 0 on SIGTERM (got $status)" [ "$status" -eq 0 ]
    local totals
    totals=$(tail -n "+$((SECTION_MARK + 1))" "$OFSWITCH_LOG" | grep "totals:" | tail -n 1)
    check "$SECTION: no OpenFlow errors either way (${totals#*totals: })" grep -q "errors in 0 out 0" <<<"$totals"
}

# fresh_switch WHAT ARGS...: a new ofswitch (after end_switch on the previous one)
# with the controller and the passive listener, from cold ARP caches.
fresh_switch() {
    local what=$1
    shift
    [ -z "$OFSWITCH_PID" ] || end_switch
    SECTION=$what
    flush_arp
    echo "=== $what: ofswitch --controller tcp:127.0.0.1:$CTL_PORT --listen ptcp:$LISTEN_PORT $*" >>"$OFSWITCH_LOG"
    SECTION_MARK=$(log_mark)
    check "$what: ofswitch starts" start_ofswitch --controller "tcp:127.0.0.1:$CTL_PORT" \
        --listen "ptcp:$LISTEN_PORT" --status-interval 1 "$@"
}

# The payload for the TCP transfers: 8 MiB of random bytes.
PAYLOAD="$INTEROP_DIR/payload.bin"
head -c 8388608 /dev/urandom >"$PAYLOAD"
EXPECTED="$(stat -c %s "$PAYLOAD") $(sha256sum "$PAYLOAD" | cut -d' ' -f1)"

SERVER='
import hashlib, socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen(1)
s.settimeout(60)
c, _ = s.accept()
c.settimeout(60)
h, n = hashlib.sha256(), 0
while True:
    b = c.recv(1 << 16)
    if not b:
        break
    h.update(b)
    n += len(b)
print(n, h.hexdigest())
'
CLIENT='
import hashlib, socket, sys
data = open(sys.argv[3], "rb").read()
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=60)
s.sendall(data)
s.shutdown(socket.SHUT_WR)
s.recv(1)  # the server closes once it has read everything
print(len(data), hashlib.sha256(data).hexdigest())
'
xfer_listening() { in_host 2 ss -Hltn "sport = :$XFER_PORT" | grep -q .; }

# tcp_transfer WHAT: 8 MiB from h1 to h2 over TCP; checks that what h1 sent and what h2
# received are the payload (length and sha256).
tcp_transfer() {
    local what=$1 out="$INTEROP_DIR/received-$PEER_RUN.txt" started=$SECONDS
    ip netns exec "${LAB}h2" python3 -c "$SERVER" 10.0.0.2 "$XFER_PORT" >"$out" 2>&1 &
    local server=$!
    BACKGROUND_PIDS+=("$server")
    if ! wait_for 10 xfer_listening; then
        fail "$what: TCP server in h2 did not start"
        return
    fi
    local sent
    sent=$(timeout 90 ip netns exec "${LAB}h1" python3 -c "$CLIENT" 10.0.0.2 "$XFER_PORT" "$PAYLOAD" 2>&1) || true
    wait "$server" 2>/dev/null || true
    local received
    received=$(cat "$out")
    check "$what: h1 sent the 8 MiB payload over TCP ($sent)" [ "$sent" = "$EXPECTED" ]
    check "$what: h2 received it intact, same sha256 ($received, $((SECONDS - started)) s)" [ "$received" = "$EXPECTED" ]
}

for n in 1 2 3; do add_switch_host "$n"; done
log "controller port $CTL_PORT, ofswitch listener $LISTEN_PORT, binaries in $BIN_DIR, logs in $INTEROP_DIR"

# --- a. ovs-testcontroller ------------------------------------------------------------
SECTION_START=$SECONDS
fresh_switch testcontroller
check "testcontroller: nothing passes before a controller connects (fail secure)" ping_fails 1 2
check "testcontroller: ovs-testcontroller listens" start_peer testcontroller \
    ovs-testcontroller -vconsole:warn --unixctl="$INTEROP_DIR/tc.ctl" "ptcp:$CTL_PORT:127.0.0.1"
check "testcontroller: ofswitch connects" wait_for 30 switch_connected
all_pairs testcontroller
check "testcontroller: exact flow h1 -> h2 out of port 2" has_flow "$(exact_flow 1 2)"
check "testcontroller: exact flow h3 -> h1 out of port 1" has_flow "$(exact_flow 3 1)"
tcp_transfer testcontroller
stop_peer || true
log "section a took $((SECONDS - SECTION_START)) s"

# --- b. os-ken with our OF1.0 learning app --------------------------------------------
SECTION_START=$SECONDS
OSKEN_PYTHON=${OSKEN_PYTHON:-/opt/osken-venv/bin/python}
if ! { [ -x "$OSKEN_PYTHON" ] && "$OSKEN_PYTHON" -c 'import os_ken' 2>/dev/null; }; then
    OSKEN_PYTHON=$("$HERE/osken-venv.sh") || OSKEN_PYTHON=
fi
if check "os-ken: importable (${OSKEN_PYTHON:-no python with os_ken})" [ -n "$OSKEN_PYTHON" ]; then
    fresh_switch os-ken
    check "os-ken: nothing passes before a controller connects (fail secure)" ping_fails 1 2
    check "os-ken: run_osken.py listens" start_peer os-ken \
        "$OSKEN_PYTHON" "$REPO/cbench-configs/peers/run_osken.py" "$CTL_PORT"
    check "os-ken: ofswitch connects" wait_for 30 switch_connected
    all_pairs os-ken
    # Our os-ken app matches on in_port and dl_dst only.
    check "os-ken: flow in_port=1,dl_dst=h2 out of port 2" has_flow "in_port=1,dl_dst=$(mac 2) actions=output:2"
    check "os-ken: flow in_port=3,dl_dst=h1 out of port 1" has_flow "in_port=3,dl_dst=$(mac 1) actions=output:1"
    stop_peer || true
fi
log "section b took $((SECONDS - SECTION_START)) s"

# --- c. ofcontroller ------------------------------------------------------------------
SECTION_START=$SECONDS
fresh_switch ofcontroller
check "ofcontroller: nothing passes before a controller connects (fail secure)" ping_fails 1 2
check "ofcontroller: listens" start_ofcontroller
check "ofcontroller: ofswitch connects (datapath 1 up)" wait_for 30 grep -q "datapath 0000000000000001 up" "$PEER_LOG"
all_pairs ofcontroller
check "ofcontroller: exact flow h1 -> h2 out of port 2" has_flow "$(exact_flow 1 2)"
check "ofcontroller: exact flow h3 -> h1 out of port 1" has_flow "$(exact_flow 3 1)"
check "ofcontroller: flows carry the learning app's 60 s idle timeout" has_flow "idle_timeout=60"
tcp_transfer ofcontroller
status=0
stop_peer || status=$?
check "ofcontroller exits 0 on SIGTERM (got $status)" [ "$status" -eq 0 ]
log "section c took $((SECONDS - SECTION_START)) s"

# restart_under_controller MODE: ofcontroller again on the same port; ofswitch must
# reconnect, and a pair nobody has used since (ARP flushed) gets the controller's flows.
restart_under_controller() {
    local mode=$1 mark
    mark=$(log_mark)
    check "$mode: ofcontroller restarts on port $CTL_PORT" start_ofcontroller
    check "$mode: ofswitch reconnects (datapath 1 up)" wait_for 30 grep -q "datapath 0000000000000001 up" "$PEER_LOG"
    check "$mode: ofswitch holds the connection" wait_for 10 switch_connected
    check "$mode: ofswitch's status line says mode controller" wait_for 10 switch_logged_since "$mark" "status: controllers 1/1 up.*mode controller"
    flush_arp
    check "$mode: h2 -> h3 under the restarted controller" ping_ok 2 3
    check "$mode: h1 -> h3 under the restarted controller" ping_ok 1 3
    check "$mode: the controller's exact flow h2 -> h3 appears" has_flow "$(exact_flow 2 3)"
    check "$mode: the controller's exact flow h3 -> h1 appears" has_flow "$(exact_flow 3 1)"
    local status=0
    stop_peer || status=$?
    check "$mode: ofcontroller exits 0 on SIGTERM (got $status)" [ "$status" -eq 0 ]
}

# --- d. fail secure -------------------------------------------------------------------
# The learning app installs exact-match flows with a 60 s idle timeout, far longer than
# this section: one per direction and ICMP type, so both h1 -> h2 and h2 -> h1 ping
# while the controller is there. h1 and h2 get static ARP entries, so the only frames between them are
# the ICMP echoes the installed flows match (no ARP refresh that would need the
# controller once it is gone).
SECTION_START=$SECONDS
fresh_switch secure --fail secure
in_host 1 ip neigh replace 10.0.0.2 lladdr "$(mac 2)" dev "${LAB}h1-eth0" nud permanent
in_host 2 ip neigh replace 10.0.0.1 lladdr "$(mac 1)" dev "${LAB}h2-eth0" nud permanent
check "secure: ofcontroller listens" start_ofcontroller
check "secure: ofswitch connects (datapath 1 up)" wait_for 30 grep -q "datapath 0000000000000001 up" "$PEER_LOG"
check "secure: h1 -> h2 under the controller" ping_ok 1 2
check "secure: h2 -> h1 under the controller" ping_ok 2 1
check "secure: flow h1 -> h2 installed" has_flow "$(exact_flow 1 2)"
check "secure: flow h2 -> h1 installed" has_flow "$(exact_flow 2 1)"
mark=$(log_mark)
kill_peer
check "secure: ofswitch sees the killed controller gone" wait_for 15 switch_gone
check "secure: ofswitch's status line says mode failSecure" wait_for 10 switch_logged_since "$mark" "status: .*mode failSecure"
check "secure: h1 -> h2 still forwards over the installed flows" ping_ok 1 2
check "secure: h2 -> h1 still forwards over the installed flows" ping_ok 2 1
check "secure: flows h1 <-> h2 kept" both_flows 1 2
check "secure: h1 -> h3 (no flows) fails" ping_fails 1 3
check "secure: h3 -> h2 (no flows) fails" ping_fails 3 2
check "secure: no flow was made for h1 -> h3" no_flow "$(exact_flow 1 3)"
restart_under_controller secure
in_host 1 ip neigh del 10.0.0.2 dev "${LAB}h1-eth0" 2>/dev/null || true
in_host 2 ip neigh del 10.0.0.1 dev "${LAB}h2-eth0" 2>/dev/null || true
log "section d (secure) took $((SECONDS - SECTION_START)) s"

# --- d. fail standalone ---------------------------------------------------------------
SECTION_START=$SECONDS
fresh_switch standalone --fail standalone
check "standalone: ofcontroller listens" start_ofcontroller
check "standalone: ofswitch connects (datapath 1 up)" wait_for 30 grep -q "datapath 0000000000000001 up" "$PEER_LOG"
check "standalone: h1 -> h2 under the controller" ping_ok 1 2
check "standalone: flow h1 -> h2 installed by the controller" has_flow "$(exact_flow 1 2)"
mark=$(log_mark)
kill_peer
check "standalone: ofswitch sees the killed controller gone" wait_for 15 switch_gone
check "standalone: ofswitch's status line says mode failStandalone" wait_for 10 switch_logged_since "$mark" "status: .*mode failStandalone"
flush_arp
all_pairs standalone
check "standalone: no controller flow for h2 -> h3 while it is down" no_flow "$(exact_flow 2 3)"
restart_under_controller standalone
log "section d (standalone) took $((SECONDS - SECTION_START)) s"

end_switch

show_logs_if_failed 40 "$OFSWITCH_LOG"
show_logs_if_failed 15 "$INTEROP_DIR"/peer-*.log
# SWITCH_ARTIFACTS=DIR keeps the logs for a closer look.
if [ -n "${SWITCH_ARTIFACTS:-}" ]; then
    mkdir -p "$SWITCH_ARTIFACTS"
    cp "$OFSWITCH_LOG" "$INTEROP_DIR"/peer-*.log "$SWITCH_ARTIFACTS/" 2>/dev/null || true
    log "artifacts in $SWITCH_ARTIFACTS"
fi
log "took $((SECONDS - START)) s"
finish
