#!/usr/bin/env bash
# ofcontroller's REST interface (--rest) against Open vSwitch (userspace datapath,
# OpenFlow 1.0, fail-mode secure) with three hosts in network namespaces. The chain is
# the stats monitor alone, so nothing forwards but the flows written over REST:
#   - GET /stats/switches lists datapath 1; desc, port (all, and one), portdesc, table,
#     aggregateflow answer in Ryu's ofctl_rest shapes (key sets); portdesc/modify sets
#     and clears a port's NO_FLOOD;
#   - POST /stats/flowentry/add installs flows that show in dump-flows and carry
#     h1 <-> h2 traffic; /stats/flow returns them in Ryu's shape (GET, and POST with a
#     match filter); modify, delete_strict and DELETE clear change and remove them;
#   - a bad body gets 400 naming the field, an unknown datapath 404;
#   - /metrics parses as Prometheus text with the datapath gauge at 1;
#   - with --app topology, /v1.0/topology/{switches,links,hosts} in Ryu's shapes (404
#     without it);
#   - Ryu 4.34's own ofctl_rest on the same bridge (a second controller) answers every
#     stats path with the same keys, types and stable values as ours, and the same
#     statuses to bad requests (compare-rest.py). Ryu comes from ryu-venv.sh (RYU_VENV,
#     default /opt/ryu-venv, made on first use); without a Python 3.9 that part is
#     skipped, and said so.
#
# Usage: Tests/Interop/controller-rest.sh [BIN_DIR]
#   BIN_DIR holds ofcontroller (default: `swift build --show-bin-path`).
# Needs root, openvswitch-switch, iproute2, iputils-ping, curl and python3.
# Names are this test's own (namespaces rest-h1..3, interfaces rest-s1-eth1..3, bridge
# rest-br0, 10.0.8.0/24), so it can run beside the other interop tests.
# Prints "N passed, N failed"; exits non-zero if anything failed.

HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=ovs-lib.sh
source "$HERE/ovs-lib.sh"

BIN_DIR=${1:-$(cd "$HERE/../.." && swift build --show-bin-path)}
OFCONTROLLER="$BIN_DIR/ofcontroller"
[ -x "$OFCONTROLLER" ] || { log "missing $OFCONTROLLER: build it first (swift build)"; exit 2; }
for tool in ovs-vswitchd ovsdb-server ip ping curl python3; do
    command -v "$tool" >/dev/null || { log "missing $tool (scripts/install-deps.sh installs it)"; exit 2; }
done

PORT=$(free_port 6683 16683 26683 36683) || { log "no free port for the controller"; exit 2; }
REST_PORT=$(free_port 8089 18089 28089 38089) || { log "no free port for the REST server"; exit 2; }
REST="http://127.0.0.1:$REST_PORT"
BRIDGE=rest-br0
MGMT="unix:$OVS_D/run/$BRIDGE.mgmt"
OFCTL+=(--no-names)
CONTROLLER_LOG="$INTEROP_DIR/ofcontroller.log"

# add_rest_host N: namespace rest-hN with 10.0.8.N/24 and MAC 00:00:00:00:08:0N, joined
# to the bridge as port N through rest-s1-ethN.
add_rest_host() {
    make_host "$1" "rest-h$1" "rest-s1-eth$1" 8
    "${VSCTL[@]}" add-port "$BRIDGE" "rest-s1-eth$1" -- set interface "rest-s1-eth$1" ofport_request="$1"
}

rest_ping_ok() {
    ip netns exec "rest-h$1" ping -q -c 2 -i 0.2 -W 1 "10.0.8.$2" >/dev/null 2>&1 ||
        ip netns exec "rest-h$1" ping -q -c 3 -i 0.3 -W 2 "10.0.8.$2" >/dev/null 2>&1
}
rest_ping_fails() { ! ip netns exec "rest-h$1" ping -q -c 2 -i 0.2 -W 1 "10.0.8.$2" >/dev/null 2>&1; }

flow_lines() { "${OFCTL[@]}" -F openflow10 dump-flows "$MGMT" | grep -E 'actions=' || true; }
has_flow() { flow_lines | grep -qE "$1"; }
no_flow() { ! has_flow "$1"; }

# get PATH / post PATH BODY / delete PATH: the body in $BODY_FILE, the status echoed.
BODY_FILE="$INTEROP_DIR/body.json"
get() { curl -s -o "$BODY_FILE" -w '%{http_code}' "$REST$1"; }
post() { curl -s -o "$BODY_FILE" -w '%{http_code}' -X POST -H 'Content-Type: application/json' -d "$2" "$REST$1"; }
delete() { curl -s -o "$BODY_FILE" -w '%{http_code}' -X DELETE "$REST$1"; }

# status_is CODE COMMAND...: the request answers CODE.
status_is() {
    local want=$1 got
    shift
    got=$("$@")
    [ "$got" = "$want" ] || { log "    $* answered $got, wanted $want: $(head -c 300 "$BODY_FILE")"; return 1; }
}

# body_ok PYTHON: the last answer, parsed as JSON into `j`, makes the expression true.
body_ok() {
    python3 - "$BODY_FILE" "$1" <<'PY' || { log "    body: $(head -c 400 "$BODY_FILE")"; return 1; }
import json, sys
j = json.load(open(sys.argv[1]))
sys.exit(0 if eval(sys.argv[2]) else 1)
PY
}

# Ryu's ofctl_v1_0 key sets.
FLOW_KEYS="{'priority','cookie','idle_timeout','hard_timeout','actions','match','byte_count','duration_sec','duration_nsec','packet_count','table_id'}"
PORT_KEYS="{'port_no','rx_packets','tx_packets','rx_bytes','tx_bytes','rx_dropped','tx_dropped','rx_errors','tx_errors','rx_frame_err','rx_over_err','rx_crc_err','collisions'}"
PORTDESC_KEYS="{'port_no','hw_addr','name','config','state','curr','advertised','supported','peer'}"
TABLE_KEYS="{'table_id','name','wildcards','max_entries','active_count','lookup_count','matched_count'}"
DESC_KEYS="{'mfr_desc','hw_desc','sw_desc','serial_num','dp_desc'}"

log "OVS in $OVS_D, controller port $PORT, REST on $REST_PORT, binaries in $BIN_DIR"
start_ovs
add_bridge "$BRIDGE" secure
for n in 1 2 3; do add_rest_host "$n"; done
"${VSCTL[@]}" set-controller "$BRIDGE" "tcp:127.0.0.1:$PORT"

rest_listening() { ss -Hltn "sport = :$REST_PORT" | grep -q .; }
switch_up() { grep -q "datapath 0000000000000001 up" "$RUN_LOG"; }
switch_gone() { ! ss -Htn "( dport = :$PORT )" | grep -qv TIME-WAIT; }
RUN=0
# start_controller ARGS...: ofcontroller with --rest, until OVS is connected to it.
start_controller() {
    RUN=$((RUN + 1))
    RUN_LOG="$INTEROP_DIR/ofcontroller-$RUN.log"
    "$OFCONTROLLER" --listen "127.0.0.1:$PORT" --rest "127.0.0.1:$REST_PORT" --status-interval 1 --log-level debug \
        "$@" >"$RUN_LOG" 2>&1 &
    OFC_PID=$!
    BACKGROUND_PIDS+=("$OFC_PID")
    check "run $RUN ($*): the REST server listens" wait_for 15 rest_listening
    check "run $RUN: OVS connects to ofcontroller" wait_for 20 switch_up
}
# stop_controller: SIGTERM, and the clean exit (status 0) it promises.
stop_controller() {
    kill -TERM "$OFC_PID"
    local status=0
    wait "$OFC_PID" || status=$?
    check "run $RUN: ofcontroller exits 0 on SIGTERM (got $status)" [ "$status" -eq 0 ]
    cat "$RUN_LOG" >>"$CONTROLLER_LOG"
}

start_controller --app monitor --monitor-interval 1

# --- reading ------------------------------------------------------------------------
check "GET /stats/switches: 200" status_is 200 get /stats/switches
check "switches lists datapath 1" body_ok "j == [1]"
check "GET /stats/desc/1: 200" status_is 200 get /stats/desc/1
check "desc: Ryu's keys" body_ok "set(j['1']) == $DESC_KEYS and j['1']['hw_desc'] == 'Open vSwitch'"
check "GET /stats/port/1: 200" status_is 200 get /stats/port/1
check "port: 4 ports (3 and LOCAL) with Ryu's keys" body_ok "len(j['1']) == 4 and all(set(p) == $PORT_KEYS for p in j['1'])"
check "GET /stats/port/1/2: 200" status_is 200 get /stats/port/1/2
check "port 2 alone, Ryu's keys" body_ok "len(j['1']) == 1 and j['1'][0]['port_no'] == 2 and set(j['1'][0]) == $PORT_KEYS"
check "POST /stats/portdesc/modify (port 3 no_flood): 200" status_is 200 post /stats/portdesc/modify \
    '{"dpid": 1, "port_no": 3, "config": 16, "mask": 16}'
port_no_flood() { "${OFCTL[@]}" show "$MGMT" | grep -A2 "^ 3(" | grep -q "NO_FLOOD"; }
port_floods() { ! port_no_flood; }
check "portdesc/modify: ovs-ofctl show has NO_FLOOD on port 3" wait_for 5 port_no_flood
check "POST /stats/portdesc/modify (port 3 back): 200" status_is 200 post /stats/portdesc/modify \
    '{"dpid": 1, "port_no": 3, "config": 0, "mask": 16}'
check "portdesc/modify: NO_FLOOD gone again" wait_for 5 port_floods
check "portdesc/modify of a port the switch lacks: 404" status_is 404 post /stats/portdesc/modify '{"dpid": 1, "port_no": 42}'
check "portdesc/modify without port_no: 400" status_is 400 post /stats/portdesc/modify '{"dpid": 1}'
check "GET /stats/portdesc/1: 200" status_is 200 get /stats/portdesc/1
check "portdesc: rest-s1-eth1 is port 1, Ryu's keys" \
    body_ok "{p['name']: p['port_no'] for p in j['1']}.get('rest-s1-eth1') == 1 and all(set(p) == $PORTDESC_KEYS for p in j['1'])"
check "GET /stats/table/1: 200" status_is 200 get /stats/table/1
check "table: Ryu's keys" body_ok "len(j['1']) >= 1 and all(set(t) == $TABLE_KEYS for t in j['1'])"

# --- writing ------------------------------------------------------------------------
check "no flows before" no_flow .
check "h1 -> h2 fails without flows" rest_ping_fails 1 2
check "POST /stats/flowentry/add in_port=1: 200" status_is 200 post /stats/flowentry/add \
    '{"dpid": 1, "priority": 100, "cookie": 7, "match": {"in_port": 1}, "actions": [{"type": "OUTPUT", "port": 2}]}'
check "POST /stats/flowentry/add in_port=2: 200" status_is 200 post /stats/flowentry/add \
    '{"dpid": 1, "priority": 100, "idle_timeout": 300, "match": {"in_port": 2}, "actions": [{"type": "OUTPUT", "port": 1}]}'
check "dump-flows shows in_port=1 -> 2" wait_for 5 has_flow 'cookie=0x7,.*priority=100,in_port=1 actions=output:2'
check "dump-flows shows in_port=2 -> 1 with its idle timeout" has_flow 'idle_timeout=300,.*priority=100,in_port=2 actions=output:1'
check "h1 -> h2 over the REST flows" rest_ping_ok 1 2
check "h1 -> h3 has no flow" rest_ping_fails 1 3
check "GET /stats/flow/1: 200" status_is 200 get /stats/flow/1
check "flow: both entries in Ryu's shape" body_ok "len(j['1']) == 2 and all(set(f) == $FLOW_KEYS for f in j['1']) \
and sorted([(f['match'], f['actions'], f['priority']) for f in j['1']], key=str) == sorted([({'in_port': 1}, ['OUTPUT:2'], 100), ({'in_port': 2}, ['OUTPUT:1'], 100)], key=str) \
and any(f['cookie'] == 7 and f['packet_count'] > 0 for f in j['1'])"
check "POST /stats/flow/1 with a match: 200" status_is 200 post /stats/flow/1 '{"match": {"in_port": 2}}'
check "flow filter: only the in_port=2 entry" body_ok "len(j['1']) == 1 and j['1'][0]['match'] == {'in_port': 2}"
check "GET /stats/aggregateflow/1: 200" status_is 200 get /stats/aggregateflow/1
check "aggregateflow: 2 flows" body_ok "j['1'][0]['flow_count'] == 2 and set(j['1'][0]) == {'packet_count','byte_count','flow_count'}"
check "POST /stats/flowentry/modify: 200" status_is 200 post /stats/flowentry/modify \
    '{"dpid": 1, "match": {"in_port": 1}, "actions": [{"type": "OUTPUT", "port": 3}]}'
check "modify: in_port=1 now goes to 3" wait_for 5 has_flow 'priority=100,in_port=1 actions=output:3'
check "POST /stats/flowentry/delete_strict: 200" status_is 200 post /stats/flowentry/delete_strict \
    '{"dpid": 1, "priority": 100, "match": {"in_port": 1}}'
check "delete_strict: in_port=1 gone" wait_for 5 no_flow 'in_port=1 '
check "delete_strict: in_port=2 stays" has_flow 'in_port=2 actions=output:1'
check "DELETE /stats/flowentry/clear/1: 200" status_is 200 delete /stats/flowentry/clear/1
check "clear: no flows left" wait_for 5 no_flow .

# --- errors -------------------------------------------------------------------------
check "no dpid: 400" status_is 400 post /stats/flowentry/add '{"match": {"in_port": 1}}'
check "no dpid: the message names dpid" body_ok "j['error'].startswith('dpid')"
check "bad MAC: 400" status_is 400 post /stats/flowentry/add '{"dpid": 1, "match": {"dl_dst": "nope"}}'
check "bad MAC: the message names match.dl_dst" body_ok "j['error'].startswith('match.dl_dst')"
check "unknown action: 400" status_is 400 post /stats/flowentry/add '{"dpid": 1, "actions": [{"type": "FLY"}]}'
check "not JSON: 400" status_is 400 post /stats/flowentry/add '{"dpid": 1,'
check "non-decimal dpid in the path: 400" status_is 400 get /stats/desc/0x1
check "unknown datapath in the path: 404" status_is 404 get /stats/flow/99
check "unknown datapath in the body: 404" status_is 404 post /stats/flowentry/add '{"dpid": 99}'
check "topology without --app topology: 404" status_is 404 get /v1.0/topology/switches
check "still no flows after the refused requests" no_flow .

# --- metrics ------------------------------------------------------------------------
metrics_ok() {
    curl -s "$REST/metrics" >"$INTEROP_DIR/metrics.txt" || return 1
    python3 - "$INTEROP_DIR/metrics.txt" <<'PY' || { log "    metrics: $(head -c 600 "$INTEROP_DIR/metrics.txt")"; return 1; }
import re, sys
samples, types = {}, {}
for line in open(sys.argv[1]):
    line = line.rstrip("\n")
    if not line:
        continue
    if line.startswith("# TYPE "):
        _, _, name, kind = line.split(" ")
        types[name] = kind
        continue
    if line.startswith("#"):
        continue
    m = re.fullmatch(r"([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)", line)
    assert m, "unparsable line: " + line
    samples[m.group(1) + (m.group(2) or "")] = float(m.group(3))
    samples.setdefault(m.group(1), 0.0)
assert samples["ofcontroller_datapaths_connected"] == 1, samples
assert types["ofcontroller_datapaths_connected"] == "gauge"
assert samples["ofcontroller_flow_mods_total"] >= 5, samples
# By type: the FLOW_MODs sent, the FEATURES_REPLY and ECHO or STATS_REPLY received.
assert samples['ofcontroller_messages_sent_total{type="OFPT_FLOW_MOD"}'] >= 5, samples
assert samples['ofcontroller_messages_received_total{type="OFPT_FEATURES_REPLY"}'] >= 1, samples
assert samples['ofcontroller_messages_received_total{type="OFPT_STATS_REPLY"}'] >= 1, samples
assert 'ofcontroller_errors_sent_total{type="OFPET_BAD_REQUEST"}' in samples, samples
assert "ofcontroller_output_backlog_bytes" in samples and types["ofcontroller_output_backlog_bytes"] == "gauge", samples
assert types["ofcontroller_loop_turn_seconds"] == "histogram", types
assert samples["ofcontroller_loop_turn_seconds_count"] > 0, samples
assert "ofcontroller_packet_ins_dropped_total" in samples and "ofcontroller_packet_ins_total" in samples, samples
assert all(types[name] == "counter" for name in types if name.endswith("_total")), types
PY
}
check "/metrics parses, datapaths_connected 1, flow_mods_total >= 5 (add, add, modify, delete_strict, clear)" metrics_ok

stop_controller
check "OVS sees the first controller gone" wait_for 30 switch_gone

# --- topology -----------------------------------------------------------------------
TOPO_PORT_KEYS="{'dpid','port_no','hw_addr','name'}"
start_controller --app topology
check "topology: h1 -> h2 forwarded" rest_ping_ok 1 2
check "topology: h3 -> h1 forwarded" rest_ping_ok 3 1
check "GET /v1.0/topology/switches: 200" status_is 200 get /v1.0/topology/switches
check "switches: datapath 0000000000000001 with its 3 ports in Ryu's shape" \
    body_ok "[s['dpid'] for s in j] == ['0000000000000001'] and set(j[0]) == {'dpid','ports'} \
and sorted(p['port_no'] for p in j[0]['ports']) == ['00000001','00000002','00000003'] and all(set(p) == $TOPO_PORT_KEYS for p in j[0]['ports'])"
check "GET /v1.0/topology/links: 200" status_is 200 get /v1.0/topology/links
check "links: none on one switch" body_ok "j == []"
check "GET /v1.0/topology/hosts: 200" status_is 200 get /v1.0/topology/hosts
check "hosts: h1, h2 and h3 at their ports in Ryu's shape" \
    body_ok "sorted((h['mac'], h['port']['port_no']) for h in j) == [('00:00:00:00:08:0%d' % n, '0000000%d' % n) for n in (1, 2, 3)] \
and all(set(h) == {'mac','ipv4','ipv6','port'} and set(h['port']) == $TOPO_PORT_KEYS for h in j)"
check "GET /v1.0/topology/hosts/0000000000000001: h1..h3" status_is 200 get /v1.0/topology/hosts/0000000000000001
check "hosts of datapath 1: three" body_ok "len(j) == 3"
check "hosts of datapath 2: none" status_is 200 get /v1.0/topology/hosts/0000000000000002
check "hosts of datapath 2: an empty list" body_ok "j == []"
check "a dpid that is not hex: 400" status_is 400 get /v1.0/topology/switches/xyz
stop_controller

# --- Ryu's ofctl_rest on the same bridge ---------------------------------------------
if RYU_MANAGER=$(bash "$HERE/ryu-venv.sh" 2>"$INTEROP_DIR/ryu-venv.log"); then
    RYU_PORT=$(free_port 6684 16684 26684 36684) || { log "no free port for Ryu"; exit 2; }
    RYU_WS=$(free_port 8090 18090 28090 38090) || { log "no free port for Ryu's REST"; exit 2; }
    "$RYU_MANAGER" --ofp-tcp-listen-port "$RYU_PORT" --ofp-listen-host 127.0.0.1 --wsapi-host 127.0.0.1 \
        --wsapi-port "$RYU_WS" ryu.app.ofctl_rest >"$INTEROP_DIR/ryu.log" 2>&1 &
    RYU_PID=$!
    BACKGROUND_PIDS+=("$RYU_PID")
    "${VSCTL[@]}" set-controller "$BRIDGE" "tcp:127.0.0.1:$PORT" "tcp:127.0.0.1:$RYU_PORT"
    start_controller --app monitor --monitor-interval 1
    ryu_sees_switch() { [ "$(curl -s "http://127.0.0.1:$RYU_WS/stats/switches")" = "[1]" ]; }
    check "Ryu: the bridge connects to Ryu too" wait_for 20 ryu_sees_switch
    check "Ryu: a flow with a rich match added through ours" status_is 200 post /stats/flowentry/add \
        '{"dpid": 1, "priority": 200, "cookie": 9, "idle_timeout": 120, "match": {"in_port": 1, "dl_type": 2048, "nw_src": "10.0.8.0/24", "nw_dst": "10.0.8.2", "nw_proto": 6, "tp_dst": 80}, "actions": [{"type": "SET_NW_TOS", "nw_tos": 8}, {"type": "OUTPUT", "port": 2}]}'
    check "Ryu: a second flow added through ours" status_is 200 post /stats/flowentry/add \
        '{"dpid": 1, "priority": 100, "match": {"in_port": 2, "dl_src": "00:00:00:00:08:02"}, "actions": [{"type": "OUTPUT", "port": "IN_PORT"}]}'
    check "Ryu: both flows installed" wait_for 5 has_flow 'priority=100,in_port=2'
    check "Ryu's ofctl_rest and ours agree (compare-rest.py)" \
        python3 "$HERE/compare-rest.py" "$REST" "http://127.0.0.1:$RYU_WS" 1
    # ryu-manager stops on neither SIGINT nor SIGTERM here.
    { kill -KILL "$RYU_PID" && wait "$RYU_PID"; } 2>/dev/null || true
    stop_controller
else
    log "SKIP: the comparison with Ryu's ofctl_rest: $(tail -n 1 "$INTEROP_DIR/ryu-venv.log")"
fi

show_logs_if_failed 40 "$CONTROLLER_LOG"
finish
