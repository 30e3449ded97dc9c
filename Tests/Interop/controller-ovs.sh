#!/usr/bin/env bash
# Open vSwitch (userspace datapath, OpenFlow 1.0, fail-mode secure) with three hosts in
# network namespaces, controlled by ofcontroller:
#   - learning: every pair pings, and the flows show in dump-flows;
#   - a tshark capture of that session agrees with our own decode (ofdump);
#   - hub: pings work and no flow is installed;
#   - firewall (denying h1<->h3) in front of learning: that pair fails, the others pass;
#   - restart: kill ofcontroller, start it again, OVS reconnects and traffic resumes.
#
# Usage: Tests/Interop/controller-ovs.sh [BIN_DIR]
#   BIN_DIR holds ofcontroller and ofdump (default: `swift build --show-bin-path`).
# Needs root, openvswitch-switch, iproute2, iputils-ping, tshark and python3.
# Prints "N passed, N failed"; exits non-zero if anything failed.

HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=ovs-lib.sh
source "$HERE/ovs-lib.sh"

BIN_DIR=${1:-$(cd "$HERE/../.." && swift build --show-bin-path)}
OFCONTROLLER="$BIN_DIR/ofcontroller"
OFDUMP="$BIN_DIR/ofdump"
for tool in "$OFCONTROLLER" "$OFDUMP"; do
    [ -x "$tool" ] || { log "missing $tool: build it first (swift build)"; exit 2; }
done
for tool in ovs-vswitchd ovsdb-server ip ping tshark python3; do
    command -v "$tool" >/dev/null || { log "missing $tool (scripts/install-deps.sh installs it)"; exit 2; }
done

# The OpenFlow port: 6653 unless something else listens there (a shared dev machine).
PORT=${OFC_PORT:-$(free_port 6653 16653 26653 36653)} || { log "no free port for the controller"; exit 2; }
MGMT="unix:$OVS_D/run/br0.mgmt"
OFCTL+=(--no-names) # port numbers, not names, in dump-flows
CONTROLLER_LOG="$INTEROP_DIR/ofcontroller.log"
OFC_PID=

RUN=0
RUN_LOG=

# start_controller ARGS...: ofcontroller on 127.0.0.1:$PORT, logging to its own file;
# waits until it listens.
start_controller() {
    RUN=$((RUN + 1))
    RUN_LOG="$INTEROP_DIR/ofcontroller-$RUN.log"
    echo "=== run $RUN: ofcontroller $*" >>"$CONTROLLER_LOG"
    "$OFCONTROLLER" --listen "127.0.0.1:$PORT" --status-interval 1 --log-level debug "$@" >"$RUN_LOG" 2>&1 &
    OFC_PID=$!
    BACKGROUND_PIDS+=("$OFC_PID")
    wait_for 10 listening
}

listening() { ss -Hltn "sport = :$PORT" | grep -q .; }

# The bridge is connected once OVS holds a TCP connection to the controller and the
# controller has finished the handshake with datapath 1. (OVS's is_connected column
# in its database is refreshed only every few seconds, so it can still say true just
# after the controller went away.)
switch_up() {
    ss -Htn state established "( dport = :$PORT )" | grep -q . &&
        grep -q "datapath 0000000000000001 up" "$RUN_LOG"
}
# OVS has closed its side of every connection to the controller's port.
switch_gone() { ! ss -Htn "( dport = :$PORT )" | grep -qv TIME-WAIT; }

# stop_controller: SIGTERM, and checks the clean exit (status 0) it promises.
stop_controller() {
    kill -TERM "$OFC_PID"
    local status=0
    wait "$OFC_PID" || status=$?
    check "ofcontroller exits 0 on SIGTERM (got $status)" [ "$status" -eq 0 ]
    OFC_PID=
    cat "$RUN_LOG" >>"$CONTROLLER_LOG"
}


# The flow entries (not the reply header) that dump-flows prints.
flow_lines() { dump_flows br0 | grep -E 'actions=' || true; }
flow_count() { flow_lines | wc -l; }
clear_flows() { "${OFCTL[@]}" del-flows "$MGMT"; }

# An Open vSwitch quirk, not the controller's: datapath flows that the revalidator
# recomputes while no controller is connected (after a del-flows, say) become "drop"
# (a table miss cannot reach a controller), and they stay so after a controller
# connects, until a flow-table change forces revalidation or they idle out (10 s
# without traffic). So each scenario starts by flushing the datapath flow cache once its
# controller is up; its own flows and packet_ins then decide what happens.
purge_datapath_flows() { ovs-appctl -t "$OVS_D/run/vswitchd.ctl" revalidator/purge >/dev/null; }

# controller_up WHAT: waits for OVS to be connected to the new controller, then
# flushes the datapath cache (see above).
controller_up() {
    check "$1: OVS connects to ofcontroller" wait_for 20 switch_up
    purge_datapath_flows
}
# has_flow REGEX / no_flow REGEX: whether some flow entry matches.
has_flow() { flow_lines | grep -qE "$1"; }
no_flow() { ! has_flow "$1"; }

pings_all_pairs() {
    for pair in "1 2" "1 3" "2 3" "3 1"; do
        # shellcheck disable=SC2086
        check "ping h${pair% *} -> h${pair#* }" ping_ok $pair
    done
}

log "OVS in $OVS_D, controller port $PORT, binaries in $BIN_DIR"
start_ovs
add_bridge br0 secure
for n in 1 2 3; do add_host "$n" br0; done
"${VSCTL[@]}" set-controller br0 "tcp:127.0.0.1:$PORT"
# Reconnect quickly after the restart test kills the controller.
"${VSCTL[@]}" set controller br0 max_backoff=1000

# --- learning, under a tshark capture --------------------------------------------
CAPTURE="$INTEROP_DIR/learning.pcap"
tshark -i lo -f "tcp port $PORT" -F pcap -w "$CAPTURE" >"$INTEROP_DIR/tshark.log" 2>&1 &
TSHARK_PID=$!
BACKGROUND_PIDS+=("$TSHARK_PID")
wait_for 15 grep -q "Capturing on" "$INTEROP_DIR/tshark.log" || log "tshark did not say it is capturing"

start_controller --app learning
controller_up learning
pings_all_pairs
flows=$(flow_count)
check "learning: flows installed ($flows)" [ "$flows" -gt 0 ]
check "learning: a flow from h1 to h2 out of port 2" has_flow 'dl_src=00:00:00:00:00:01,dl_dst=00:00:00:00:00:02.*actions=output:2'
check "learning: a flow from h3 to h1 out of port 1" has_flow 'dl_src=00:00:00:00:00:03,dl_dst=00:00:00:00:00:01.*actions=output:1'
check "learning: flows carry the 60 s idle timeout" has_flow 'idle_timeout=60'
sleep 1 # let the last messages reach the capture
kill -INT "$TSHARK_PID"
wait "$TSHARK_PID" 2>/dev/null || true
check "tshark capture agrees with ofdump" \
    python3 "$HERE/compare-capture.py" --pcap "$CAPTURE" --port "$PORT" --ofdump "$OFDUMP"
stop_controller
check "learning: OVS sees the controller gone" wait_for 30 switch_gone

# --- hub ---------------------------------------------------------------------------
clear_flows
start_controller --app hub
controller_up hub
pings_all_pairs
check "hub: no flows installed ($(flow_count))" [ "$(flow_count)" -eq 0 ]
stop_controller

# --- firewall in front of learning ------------------------------------------------
clear_flows
RULES="$INTEROP_DIR/firewall.rules"
cat >"$RULES" <<'EOF'
# h1 and h3 may not talk IP; everything else is allowed.
default allow
deny ip,nw_src=10.0.0.1,nw_dst=10.0.0.3
deny ip,nw_src=10.0.0.3,nw_dst=10.0.0.1
EOF
start_controller --app firewall --firewall-rules "$RULES" --app learning
controller_up firewall
check "firewall: h1 -> h2 passes" ping_ok 1 2
check "firewall: h2 -> h3 passes" ping_ok 2 3
check "firewall: h1 -> h3 is denied" ping_fails 1 3
check "firewall: h3 -> h1 is denied" ping_fails 3 1
check "firewall: drop flow for h1 -> h3 at priority 60000" has_flow 'priority=60000,ip,nw_src=10.0.0.1,nw_dst=10.0.0.3 actions=drop'
check "firewall: drop flow for h3 -> h1 at priority 59999" has_flow 'priority=59999,ip,nw_src=10.0.0.3,nw_dst=10.0.0.1 actions=drop'
# ARP is not IP, so the firewall lets it through and learning may install ARP flows
# between h1 and h3; no IP flow may forward between them.
check "firewall: no IP flow forwards h1 -> h3" no_flow '(ip|icmp|tcp|udp),.*dl_src=00:00:00:00:00:01,dl_dst=00:00:00:00:00:03.*actions=output'
check "firewall: no IP flow forwards h3 -> h1" no_flow '(ip|icmp|tcp|udp),.*dl_src=00:00:00:00:00:03,dl_dst=00:00:00:00:00:01.*actions=output'
stop_controller

# --- static flows and the stats monitor ----------------------------------------------
clear_flows
FLOWS="$INTEROP_DIR/static.flows"
cat >"$FLOWS" <<'EOF'
# h1 and h2 wired together; nothing else.
priority=100,in_port=1,actions=output:2
priority=100,in_port=2,actions=output:1
EOF
start_controller --app static --static-flows "$FLOWS" --app monitor --monitor-interval 1
controller_up static
check "static: flow in_port=1 -> 2 installed" has_flow 'priority=100,in_port=1 actions=output:2'
check "static: flow in_port=2 -> 1 installed" has_flow 'priority=100,in_port=2 actions=output:1'
check "static: h1 -> h2 over the static flows" ping_ok 1 2
check "static: h1 -> h3 has no path" ping_fails 1 3
check "monitor: a stats line for datapath 1" wait_for 10 grep -q "stats 0000000000000001: [1-9][0-9]* flows" "$RUN_LOG"
stop_controller

# --- restart: kill, OVS loses it, start again, OVS reconnects, traffic resumes -----
clear_flows
start_controller --app learning
controller_up restart
check "restart: h1 -> h2 before the kill" ping_ok 1 2
{ kill -KILL "$OFC_PID" && wait "$OFC_PID"; } 2>/dev/null || true
cat "$RUN_LOG" >>"$CONTROLLER_LOG"
check "restart: OVS sees the killed controller gone" wait_for 15 switch_gone
clear_flows
check "restart: no traffic while the controller is down (fail-mode secure)" ping_fails 1 2
start_controller --app learning
controller_up "restart, second start"
check "restart: h1 -> h2 resumes" ping_ok 1 2
check "restart: h2 -> h3 resumes" ping_ok 2 3
check "restart: flows installed again ($(flow_count))" [ "$(flow_count)" -gt 0 ]
stop_controller

show_logs_if_failed 40 "$CONTROLLER_LOG"
# OFC_ARTIFACTS=DIR keeps the capture and the logs for a closer look.
if [ -n "${OFC_ARTIFACTS:-}" ]; then
    mkdir -p "$OFC_ARTIFACTS"
    cp "$CAPTURE" "$CONTROLLER_LOG" "$INTEROP_DIR/tshark.log" "$OVS_D/log/"*.log "$OFC_ARTIFACTS/" 2>/dev/null || true
    log "artifacts in $OFC_ARTIFACTS"
fi
finish
