#!/usr/bin/env bash
# ofswitch driven by ovs-ofctl (OpenFlow 1.0 over its passive listener, no controller),
# three hosts in network namespaces on veth pairs (ports 1..3). Each command is checked
# against traffic between the hosts or the state the switch reports:
#   - show (datapath id, n_buffers, each port's number, name and MAC), dump-desc;
#   - an empty table: misses take NORMAL, so every pair pings; dump-tables (lookups grow,
#     matches do not) and dump-ports (rx/tx packets grow) follow the traffic;
#   - a VLAN 10 frame from h1 reaches h2 tagged: the tag the kernel hands the packet
#     socket beside the frame is put back (ports read through PACKET_MMAP rings);
#   - add-flow of a drop rule: h1 -> h3 fails, h1 -> h2 works, the flow counts packets;
#   - --metrics: Prometheus /metrics agrees with dump-tables and dump-ports;
#   - mod-flows to NORMAL: h1 -> h3 works again and the counters were kept;
#   - del-flows --strict (wrong priority: kept; right one: gone), del-flows MATCH
#     (only the flows it covers), del-flows (empty table);
#   - explicit output flows 1 <-> 2: h1 <-> h2 through them (and only them);
#   - mod-port down / up (show reports PORT_DOWN, traffic stops and resumes) and
#     no-flood / flood (a FLOOD action skips the port);
#   - packet-out of a UDP frame to port 2: tshark in h2 sees exactly that frame;
#   - dump-flows without -F: the Nicira request gets an OFPT_ERROR (BAD_SUBTYPE: the
#     switch speaks Nicira roles, not flow formats) and the switch goes on;
#   - queues (--queue): queue-get-config, an ENQUEUE flow that carries h1 -> h2 and
#     shows in queue-stats, ENQUEUE to a queue the port lacks refused (BAD_QUEUE);
#   - link down / up on a port's interface: show reports LINK_DOWN, then clears it;
#   - a restart with --flows FILE and --port-io mmsg (recvmmsg/sendmmsg instead of the
#     rings): the flows are there at start and drop h1 -> h3, h1 -> h2 pings;
#     --port-io with an unknown value is refused (exit 64);
#     --write-flow-mods writes them as FLOW_MODs that ovs-ofctl ofp-parse reads back; a
#     file with a bad line is refused (exit 64, the line named);
#   - SIGTERM: exit 0.
#
# Usage: Tests/Interop/switch-ofctl.sh [BIN_DIR]
#   BIN_DIR holds ofswitch (default: `swift build --show-bin-path`).
# Environment: LAB=x prefixes the namespaces and interfaces (side-by-side runs).
# Needs root, openvswitch-common (ovs-ofctl), iproute2, iputils-ping, ethtool, ss,
# tshark and python3. Prints "N passed, N failed"; exits non-zero if anything failed.

HERE=$(cd "$(dirname "$0")" && pwd)
BIN_DIR=${1:-$(cd "$HERE/../.." && swift build --show-bin-path)}
# shellcheck source=switch-lib.sh
source "$HERE/switch-lib.sh"

[ -x "$OFSWITCH" ] || { log "missing $OFSWITCH: build it first (swift build --product ofswitch)"; exit 2; }
for tool in ovs-ofctl ip ping ss ethtool tshark python3 curl; do
    command -v "$tool" >/dev/null || { log "missing $tool (scripts/install-deps.sh installs it)"; exit 2; }
done
[ "$(id -u)" -eq 0 ] || { log "needs root (network namespaces)"; exit 2; }

PORT=$(free_port 16634 16635 26634) || { log "no free port for the listener"; exit 2; }
SW="tcp:127.0.0.1:$PORT"

# ofctl ARGS...: ovs-ofctl (OpenFlow 1.0, port numbers in flows) with a time limit.
ofctl() { timeout 20 "${OFCTL[@]}" --no-names "$@"; }
flows() { ofctl -F openflow10 dump-flows "$SW"; }
flow_count() {
    local out
    out=$(flows) || { echo "no reply"; return 0; }
    grep -c 'cookie=' <<<"$out" || true
}

# n_packets PATTERN: n_packets of the one flow whose dump-flows line matches PATTERN.
n_packets() {
    local lines
    lines=$(flows | grep -E -- "$1") || return 1
    [ "$(wc -l <<<"$lines")" -eq 1 ] || return 1
    grep -o 'n_packets=[0-9]*' <<<"$lines" | cut -d= -f2
}

flow_listed() { n_packets "$1" >/dev/null; }

# table_stat active|lookup|matched: the first table's counter, from dump-tables.
table_stat() { ofctl dump-tables "$SW" | grep -o -m1 "$1=[0-9]*" | cut -d= -f2 || true; }

# port_stat PORT rx|tx: the packet counter of one port, from dump-ports.
port_stat() { ofctl dump-ports "$SW" "$1" | grep -o "$2 pkts=[0-9]*" | cut -d= -f2 || true; }

# port_line PORT FIELD: one field's line (config, state, ...) of one port in `show`.
port_line() {
    ofctl show "$SW" | awk -v n="$1" -v field="$2:" '
        $0 ~ "^ " n "\\(" { inside = 1; next }
        /^ [0-9A-Z]/ || /^[^ ]/ { inside = 0 }
        inside && $1 == field { sub(/^ *[a-z_]+: */, ""); print }' || true
}
port_config() { port_line "$1" config; }
port_state_is() { [ "$(port_line "$1" state)" = "$2" ]; }

# capture_in_h2 NAME FILTER: tshark in h2 takes the first frame matching FILTER into
# $INTEROP_DIR/NAME.pcap, in the background (pid in CAPTURE_PID); returns once it listens.
capture_in_h2() {
    in_host 2 tshark -q -i "${LAB}h2-eth0" -c 1 -a duration:20 -f "$2" -w "$INTEROP_DIR/$1.pcap" \
        >"$INTEROP_DIR/tshark-$1.out" 2>&1 &
    CAPTURE_PID=$!
    BACKGROUND_PIDS+=("$CAPTURE_PID")
    wait_for 15 grep -q 'Capturing on' "$INTEROP_DIR/tshark-$1.out"
}

# queue_packets PORT QUEUE: the packet counter of one queue, from queue-stats.
queue_packets() { ofctl queue-stats "$SW" "$1" "$2" | grep -o "queue $2: .*pkts=[0-9]*" | grep -o "pkts=[0-9]*" | cut -d= -f2 || true; }

# grows BEFORE AFTER [MIN]: AFTER is a number at least MIN (default 1) above BEFORE.
grows() { [[ "$1" =~ ^[0-9]+$ && "$2" =~ ^[0-9]+$ ]] && [ "$2" -ge $(($1 + ${3:-1})) ]; }
equals() { [ -n "$1" ] && [ "$1" = "$2" ]; }
# has TEXT PATTERN: TEXT has a line matching the extended regular expression PATTERN.
has() { grep -qE -- "$2" <<<"$1"; }
add_flow() { ofctl -F openflow10 add-flow "$SW" "$1"; }
del_flows() { ofctl -F openflow10 "$@"; }
no_arp() { in_host "$1" ip neigh flush all >/dev/null 2>&1 || true; }

add_switch_host 1
add_switch_host 2
add_switch_host 3

METRICS_PORT=$(free_port 19634 29634 39634) || { log "no free port for the metrics"; exit 2; }
check "ofswitch starts with only --listen ptcp:$PORT (and two queues on port 2, --metrics)" \
    start_ofswitch --listen "ptcp:$PORT" --queue 2:1:500 --queue 2:7 --metrics "$METRICS_PORT"

# --- show, dump-desc -------------------------------------------------------------------
show=$(ofctl show "$SW" 2>&1 || true)
sed 's/^/    /' <<<"$show"
check "show: datapath id 0000000000000001 (the default)" grep -q 'dpid:0000000000000001' <<<"$show"
check "show: n_buffers:256 (the default)" grep -q 'n_buffers:256' <<<"$show"
for n in 1 2 3; do
    mac=$(cat "/sys/class/net/${LAB}s1-eth$n/address")
    check "show: port $n is ${LAB}s1-eth$n with its MAC $mac" grep -qF " $n(${LAB}s1-eth$n): addr:$mac" <<<"$show"
    check "show: port $n config is 0" equals "$(port_config $n)" 0
done
desc=$(ofctl dump-desc "$SW" 2>&1 || true)
sed 's/^/    /' <<<"$desc"
for field in "OFPST_DESC reply" "Manufacturer: ." "Hardware: ." "Software: ." "Serial Num: ." "DP Description: ."; do
    check "dump-desc: '${field% .}' present" has "$desc" "^$field"
done

# --- empty table: NORMAL ---------------------------------------------------------------
check "dump-flows -F openflow10: no flows at start" equals "$(flow_count)" 0
check "dump-tables: active=0 at start" equals "$(table_stat active)" 0
lookup0=$(table_stat lookup)
matched0=$(table_stat matched)
rx1=$(port_stat 1 rx)
tx2=$(port_stat 2 tx)
check "no flows: misses take NORMAL, h1 -> h2 ping" ping_ok 1 2
check "no flows: h2 -> h3 ping" ping_ok 2 3
check "no flows: h1 -> h3 ping" ping_ok 1 3
lookup1=$(table_stat lookup)
# A VLAN-tagged frame from h1: the kernel hands it to the switch's socket with the tag
# beside the frame, and NORMAL must flood it to h2 tagged as it came.
check "tshark captures VLAN 10 in h2" capture_in_h2 vlan "vlan 10 and udp dst port 9998"
send_tagged() {
    in_host 1 python3 - "${LAB}h1-eth0" <<'PY'
import socket, struct, sys
ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + 8 + 4, 0, 0, 64, 17, 0, bytes([10, 0, 0, 1]), bytes([10, 0, 0, 255]))
checksum = sum(struct.unpack("!10H", ip))
checksum = (checksum & 0xffff) + (checksum >> 16)
ip = ip[:10] + struct.pack("!H", ~checksum & 0xffff) + ip[12:]
frame = b"\xff" * 6 + bytes([0, 0, 0, 0, 0, 1]) + struct.pack("!HHH", 0x8100, 10, 0x0800) + ip \
    + struct.pack("!HHHH", 9998, 9998, 12, 0) + b"vlan"
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((sys.argv[1], 0))
s.send(frame)
PY
}
check "h1 sends a UDP broadcast tagged VLAN 10" send_tagged
wait "$CAPTURE_PID" || true
seen=$(tshark -r "$INTEROP_DIR/vlan.pcap" -T fields -e vlan.id -e ip.src -e udp.dstport 2>/dev/null || true)
log "h2 captured: ${seen:-nothing}"
check "no flows: h2 receives it flooded with its VLAN 10 tag (put back through the rings)" \
    has "$seen" "^10.10\.0\.0\.1.9998$"
check "dump-tables: lookup count grew with the traffic ($lookup0 -> $lookup1)" grows "$lookup0" "$lookup1" 4
check "dump-tables: matched count unchanged while the table is empty ($matched0)" \
    equals "$(table_stat matched)" "$matched0"
check "dump-ports: port 1 rx packets grew ($rx1 -> $(port_stat 1 rx))" grows "$rx1" "$(port_stat 1 rx)" 2
check "dump-ports: port 2 tx packets grew ($tx2 -> $(port_stat 2 tx))" grows "$tx2" "$(port_stat 2 tx)" 2

# --- add-flow: drop h1 -> h3 -----------------------------------------------------------
DROP='priority=100,ip,nw_src=10.0.0.1,nw_dst=10.0.0.3'
check "add-flow $DROP,actions=drop" add_flow "$DROP,actions=drop"
check "dump-flows shows the drop flow" flow_listed "$DROP actions=drop"
check "dump-tables: active=1" equals "$(table_stat active)" 1
matched1=$(table_stat matched)
check "drop flow: h1 -> h3 fails" ping_fails 1 3
check "drop flow: h1 -> h2 still works" ping_ok 1 2
dropped=$(n_packets "$DROP actions=drop" || true)
check "drop flow counts the dropped pings (n_packets=$dropped >= 2)" grows 0 "$dropped" 2
check "dump-tables: matched count grew ($matched1 -> $(table_stat matched))" grows "$matched1" "$(table_stat matched)" 2

# --- --metrics: Prometheus text agrees with what ovs-ofctl reports ----------------------
# metric NAME [LABELS]: a sample's value from /metrics (after the loop's next publish).
metric() {
    curl -s "http://127.0.0.1:$METRICS_PORT/metrics" | python3 -c '
import sys
name, labels = sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else ""
for line in sys.stdin:
    if line.startswith("#"): continue
    key, _, value = line.rpartition(" ")
    if key.split("{")[0] == name and all(l in key for l in labels.split(",") if l):
        print(int(float(value))); break
' "$@"
}
sleep 0.5
check "metrics: ofswitch_flows is 1, as dump-tables says" equals "$(metric ofswitch_flows)" "$(table_stat active)"
check "metrics: port 1 received what dump-ports says, or more" grows "$rx1" "$(metric ofswitch_port_receive_packets_total "port=\"1\",name=\"${LAB}s1-eth1\"")" 2
check "metrics: lookups and misses counted" grows 4 "$(metric ofswitch_flow_lookups_total)" 0
check "metrics: no controller configured" equals "$(metric ofswitch_controllers_configured)" 0
check "metrics: 256 buffers" equals "$(metric ofswitch_buffer_capacity)" 256

# --- mod-flows: to NORMAL, counters kept ----------------------------------------------
check "mod-flows ip,nw_src=10.0.0.1,nw_dst=10.0.0.3,actions=NORMAL" \
    ofctl -F openflow10 mod-flows "$SW" "ip,nw_src=10.0.0.1,nw_dst=10.0.0.3,actions=NORMAL"
kept=$(n_packets "$DROP actions=NORMAL" || true)
check "mod-flows: the flow keeps its priority and n_packets ($dropped -> $kept)" equals "$kept" "$dropped"
check "mod-flows: h1 -> h3 works again" ping_ok 1 3
check "mod-flows: the flow counts on from there" grows "$dropped" "$(n_packets "$DROP actions=NORMAL" || true)" 2

# --- del-flows -------------------------------------------------------------------------
check "del-flows --strict priority=99,... (the wrong priority)" \
    del_flows --strict del-flows "$SW" "priority=99,ip,nw_src=10.0.0.1,nw_dst=10.0.0.3"
check "  leaves the flow" equals "$(flow_count)" 1
check "del-flows --strict $DROP" del_flows --strict del-flows "$SW" "$DROP"
check "  removes it" equals "$(flow_count)" 0
check "add-flow priority=50,ip,nw_dst=10.0.0.2" add_flow "priority=50,ip,nw_dst=10.0.0.2,actions=NORMAL"
check "add-flow priority=60,ip,nw_src=10.0.0.2,nw_dst=10.0.0.3" \
    add_flow "priority=60,ip,nw_src=10.0.0.2,nw_dst=10.0.0.3,actions=NORMAL"
check "add-flow priority=70,arp" add_flow "priority=70,arp,actions=NORMAL"
check "  three flows in the table" equals "$(flow_count)" 3
check "del-flows ip" del_flows del-flows "$SW" "ip"
remaining=$(flows || true)
check "  removes the two ip flows" equals "$(grep -c cookie= <<<"$remaining" || true)" 1
check "  and leaves the arp one" has "$remaining" "priority=70,arp actions=NORMAL"
check "del-flows (no match)" del_flows del-flows "$SW"
check "  empties the table" equals "$(flow_count)" 0
check "dump-tables: active=0 again" equals "$(table_stat active)" 0

# --- explicit output ports -------------------------------------------------------------
check "add-flow priority=10,in_port=1,actions=output:2" add_flow "priority=10,in_port=1,actions=output:2"
check "add-flow priority=10,in_port=2,actions=output:1" add_flow "priority=10,in_port=2,actions=output:1"
check "output flows: h1 -> h2 ping (ARP and ICMP through in_port flows)" ping_ok 1 2
check "output flows: h1 -> h3 fails (everything from port 1 goes to port 2 only)" ping_fails 1 3
check "output flow in_port=1 counts packets" grows 0 "$(n_packets 'in_port=1 actions=output:2' || true)" 2
check "output flow in_port=2 counts packets" grows 0 "$(n_packets 'in_port=2 actions=output:1' || true)" 2

# --- mod-port down/up, no-flood/flood -------------------------------------------------
check "mod-port 2 down" ofctl mod-port "$SW" 2 down
check "show: port 2 config PORT_DOWN" has "$(port_config 2)" PORT_DOWN
tx2=$(port_stat 2 tx)
check "port 2 down: h1 -> h2 fails" ping_fails 1 2
check "port 2 down: nothing sent on port 2 (tx stays $tx2)" equals "$(port_stat 2 tx)" "$tx2"
check "mod-port 2 up" ofctl mod-port "$SW" 2 up
check "show: port 2 config back to 0" equals "$(port_config 2)" 0
check "port 2 up: h1 -> h2 works again" ping_ok 1 2

check "del-flows" del_flows del-flows "$SW"
check "add-flow priority=10,in_port=1,actions=FLOOD" add_flow "priority=10,in_port=1,actions=FLOOD"
no_arp 1
check "FLOOD from port 1: h1 -> h3 ping (replies take NORMAL)" ping_ok 1 3
check "mod-port 3 no-flood" ofctl mod-port "$SW" 3 no-flood
check "show: port 3 config NO_FLOOD" has "$(port_config 3)" NO_FLOOD
no_arp 1
check "port 3 no-flood: h1 -> h3 fails" ping_fails 1 3
check "port 3 no-flood: h1 -> h2 still works" ping_ok 1 2
check "mod-port 3 flood" ofctl mod-port "$SW" 3 flood
no_arp 1
check "port 3 flood again: h1 -> h3 works" ping_ok 1 3
check "del-flows" del_flows del-flows "$SW"

# --- packet-out ------------------------------------------------------------------------
# A UDP frame from h1's MAC and address to h2 (port 9999), with a payload to recognise.
FRAME=$(python3 - <<'EOF'
import struct
payload = b"ofswitch packet-out test"
udp = struct.pack("!HHHH", 40000, 9999, 8 + len(payload), 0) + payload
ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0, bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
s = sum(struct.unpack("!10H", ip))
s = (s & 0xFFFF) + (s >> 16)
s = (s & 0xFFFF) + (s >> 16)
ip = ip[:10] + struct.pack("!H", ~s & 0xFFFF) + ip[12:]
print((bytes.fromhex("000000000002000000000001") + b"\x08\x00" + ip + udp).hex())
EOF
)
check "tshark captures in h2" capture_in_h2 packet-out "udp dst port 9999"
tx2=$(port_stat 2 tx)
check "packet-out in_port=none actions=output:2 <UDP frame>" ofctl packet-out "$SW" none output:2 "$FRAME"
wait "$CAPTURE_PID" || true
seen=$(tshark -r "$INTEROP_DIR/packet-out.pcap" -T fields -e eth.src -e eth.dst -e ip.src -e ip.dst -e udp.dstport -e data.data 2>/dev/null || true)
log "h2 captured: ${seen:-nothing}"
payload_hex=$(printf 'ofswitch packet-out test' | od -An -tx1 | tr -d ' \n')
check "packet-out: h2 receives the frame (addresses, port and payload)" \
    has "$seen" "^00:00:00:00:00:01.00:00:00:00:00:02.10\.0\.0\.1.10\.0\.0\.2.9999.$payload_hex\$"
check "packet-out: port 2 tx packets grew by one ($tx2 -> $(port_stat 2 tx))" grows "$tx2" "$(port_stat 2 tx)" 1

# --- dump-flows without -F: the Nicira flow-format request is refused -----------------
nx_status=0
nx=$(timeout 20 ovs-ofctl -O OpenFlow10 -v dump-flows "$SW" 2>&1) || nx_status=$?
grep -E 'OFPT_ERROR|OFPBRC|failed|reply' <<<"$nx" | sed 's/^/    /'
check "dump-flows without -F: the switch answers the Nicira request with OFPT_ERROR BAD_REQUEST/BAD_SUBTYPE" \
    has "$nx" 'OFPT_ERROR.*OFPBRC_BAD_SUBTYPE' 
check "dump-flows without -F: ovs-ofctl falls back to OpenFlow 1.0 on the same connection and lists (exit $nx_status)" \
    has "$nx" '^OFPST_FLOW reply' 
check "ofswitch still running after it" kill -0 "$OFSWITCH_PID"
check "and still answers (show)" has "$(ofctl show "$SW" || true)" 'dpid:0000000000000001' 
check "and still forwards (h1 -> h2)" ping_ok 1 2

# --- queues: queue-get-config, ENQUEUE, queue-stats ----------------------------------------
qconf=$(ofctl queue-get-config "$SW" 2 2>&1 || true)
sed 's/^/    /' <<<"$qconf"
check "queue-get-config 2: queue 1 with min_rate 50.0%" has "$qconf" '^queue 1: min_rate:50\.0%'
check "queue-get-config 2: queue 7, no properties" has "$qconf" '^queue 7:$'
check "del-flows" del_flows del-flows "$SW"
check "add-flow in_port=1,actions=enqueue:2:1" add_flow "priority=200,in_port=1,actions=enqueue:2:1"
check "add-flow in_port=2,actions=output:1" add_flow "priority=200,in_port=2,actions=output:1"
queued0=$(queue_packets 2 1)
check "h1 -> h2 through ENQUEUE 2:1" ping_ok 1 2
check "queue-stats: port 2 queue 1 counted the packets ($queued0 -> $(queue_packets 2 1))" \
    grows "$queued0" "$(queue_packets 2 1)" 2
check "queue-stats: port 2 queue 7 counted none" equals "$(queue_packets 2 7)" 0
refusal=$(ofctl -F openflow10 add-flow "$SW" "priority=200,in_port=3,actions=enqueue:2:9" 2>&1 || true)
check "add-flow enqueue:2:9 (no such queue) refused with OFPBAC_BAD_QUEUE" has "$refusal" 'OFPBAC_BAD_QUEUE'
check "del-flows" del_flows del-flows "$SW"

# --- link down / up: PORT_STATUS, seen in show ---------------------------------------------
check "port 3 state is 0 (link up)" port_state_is 3 0
ip link set "${LAB}s1-eth3" down
check "link of ${LAB}s1-eth3 down: show reports LINK_DOWN on port 3" wait_for 5 port_state_is 3 LINK_DOWN
ip link set "${LAB}s1-eth3" up
check "link up again: LINK_DOWN cleared" wait_for 5 port_state_is 3 0
check "and h1 -> h3 pings again (NORMAL)" ping_ok 1 3

# --- --flows FILE: flows installed at start (what the switch image reads from its ramdisk)
check "ofswitch stops on SIGTERM (exit 0) for a restart with --flows" stop_ofswitch
FLOWS_FILE=$(mktemp)
printf '%s\n' '# the firewall: h1 and h3 may not talk over IP' \
    'priority=1000,ip,nw_src=10.0.0.1,nw_dst=10.0.0.3,actions=drop  # one way' \
    '' 'priority=1000,ip,nw_src=10.0.0.3,nw_dst=10.0.0.1,actions=drop' > "$FLOWS_FILE"
check "ofswitch starts with --flows (2 flows, a comment and a blank line) and --port-io mmsg" \
    start_ofswitch --listen "ptcp:$PORT" --flows "$FLOWS_FILE" --port-io mmsg
check "the log names the flows file" grep -q "2 flows from $FLOWS_FILE" "$OFSWITCH_LOG"
check "dump-flows: the two flows are there at start" equals "$(flow_count)" 2
check "--flows: h1 -> h3 is dropped" ping_fails 1 3
check "--flows: h1 -> h2 takes NORMAL" ping_ok 1 2
# --write-flow-mods: the same flows as FLOW_MOD messages (the switch image's ramdisk), as
# Open vSwitch reads them back.
FLOW_MODS=$(mktemp)
check "--write-flow-mods writes the flows (exit 0)" "$OFSWITCH" --flows "$FLOWS_FILE" --write-flow-mods "$FLOW_MODS"
parsed=$(ovs-ofctl ofp-parse "$FLOW_MODS" 2>&1)
check "ovs-ofctl ofp-parse reads both FLOW_MODs back" equals "$(grep -c '^OFPT_FLOW_MOD (xid=0x[12]): ADD priority=1000,ip,nw_src=10.0.0.[13],nw_dst=10.0.0.[13] actions=drop$' <<< "$parsed")" 2
rm -f "$FLOW_MODS"
printf 'priority=10,in_port=1,actions=output:2\npriority=10,nw_dest=10.0.0.9,actions=drop\n' > "$FLOWS_FILE"
bad=$("$OFSWITCH" "${SWITCH_PORTS[@]}" --flows "$FLOWS_FILE" 2>&1; echo "exit $?")
check "a bad --flows file: exit 64" has "$bad" '^exit 64$'
check "a bad --flows file: the line and the reason are named" has "$bad" "line 2: unknown field 'nw_dest'"
bad=$("$OFSWITCH" "${SWITCH_PORTS[@]}" --port-io xdp 2>&1; echo "exit $?")
check "--port-io xdp: exit 64" has "$bad" '^exit 64$'
check "--port-io xdp: the value is named" has "$bad" "'xdp' is invalid for '--port-io"
rm -f "$FLOWS_FILE"

# --- stop ------------------------------------------------------------------------------
finish_switch
