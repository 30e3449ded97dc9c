#!/usr/bin/env bash
# iperf3 between our TCP/IP stack (ofnet) and Linux's, through a tap device in a
# network namespace this script creates: Linux's iperf3 client against ofnet --iperf3
# (we receive, then -R: we send), then ofnet's own iperf3 client against Linux's
# iperf3 -s (we send, then we receive). Each run must exit 0 and report more than
# MIN_MBPS (10) Mbit/s; the figures are printed. Also: a UDP test and -P 2 are refused
# with an error (not a hang), and a second client during a test is told the server is
# busy. Traffic stays inside the namespace.
#
#   netstack-iperf3.sh BIN_DIR        (IPERF3_TIME=5 seconds per run, MIN_MBPS=10)
source "$(dirname "$0")/netstack-lib.sh"
BIN=$1
NS=ofn-ip1
TAP=oftap1
LINUX_IP=10.99.0.1
OUR_IP=10.99.0.2
TIME=${IPERF3_TIME:-5}
MIN_MBPS=${MIN_MBPS:-10}

make_tap_namespace

log "ofnet --iperf3 on tap:$TAP as $OUR_IP/24"
start_ofnet "$INTEROP_DIR/ofnet.log" --iperf3

# above_min MBPS: true when the figure is a number above MIN_MBPS.
above_min() { awk -v v="$1" -v min="$MIN_MBPS" 'BEGIN { exit !(v + 0 > min + 0) }'; }

# Linux's client against our server; prints iperf3's summary lines, checks the exit code
# and the receiver's figure (what actually arrived), from the JSON report.
linux_client() {
    local what=$1
    shift
    local out="$INTEROP_DIR/iperf3-$what.json" status=0
    in_ns timeout $((TIME + 30)) iperf3 -c "$OUR_IP" -t "$TIME" -J "$@" >"$out" 2>&1 || status=$?
    local sent received
    sent=$(python3 -c 'import json,sys; e=json.load(open(sys.argv[1]))["end"]; print("%.2f" % (e["sum_sent"]["bits_per_second"] / 1e6))' "$out" 2>/dev/null || echo 0)
    received=$(python3 -c 'import json,sys; e=json.load(open(sys.argv[1]))["end"]; print("%.2f" % (e["sum_received"]["bits_per_second"] / 1e6))' "$out" 2>/dev/null || echo 0)
    log "iperf3 -c $OUR_IP -t $TIME $* (exit $status): sender $sent Mbit/s, receiver $received Mbit/s"
    [ "$status" = 0 ] || { log "iperf3 output:"; head -c 2000 "$out" | sed 's/^/    /'; }
    check "iperf3 -c ($what) against ofnet exits 0" [ "$status" = 0 ]
    check "iperf3 -c ($what) against ofnet: receiver $received Mbit/s > $MIN_MBPS" above_min "$received"
}

linux_client normal
linux_client reverse -R

# Unsupported tests are refused with an error, not a hang.
refused() {
    local out status=0
    out=$(in_ns timeout 15 iperf3 -c "$OUR_IP" -t 2 "$@" 2>&1) || status=$?
    log "iperf3 -c $* (exit $status): $(grep -m1 'error' <<<"$out")"
    [ "$status" != 0 ] && [ "$status" != 124 ] && grep -q "error" <<<"$out"
}
check "iperf3 -u against ofnet: refused with an error" refused -u
check "iperf3 -P 2 against ofnet: refused with an error" refused -P 2

# Bad parameters (malformed JSON, a wrong type, an absurd length, not an object) get
# SERVER_ERROR (-2) and an iperf3 error number, then the server takes the next test.
bad_parameters() {
    in_ns python3 - "$OUR_IP" <<'PY'
import socket, struct, sys
def attempt(body, length=None):
    s = socket.create_connection((sys.argv[1], 5201), timeout=5)
    s.sendall(b"b" * 36 + b"\0")
    if s.recv(1) != b"\x09":
        return "no PARAM_EXCHANGE"
    s.sendall(struct.pack(">I", len(body) if length is None else length) + body)
    reply = b""
    while len(reply) < 9:
        chunk = s.recv(9 - len(reply))
        if not chunk:
            break
        reply += chunk
    s.close()
    if len(reply) != 9 or reply[0] != 0xFE:
        return "reply %r" % reply
    return struct.unpack(">ii", reply[1:])
cases = [b"{bad}", b'{"time":"5"}', b"[1,2]", b'{"time":5,"time":6}', b'{"tcp":true,"time":5,}', b"\xff\xfe", b"", b'{"len":0}']
failed = 0
for body in cases + [(b"{}", 0x7FFFFFFF)]:
    body, length = body if isinstance(body, tuple) else (body, None)
    result = attempt(body, length)
    ok = isinstance(result, tuple) and result[0] == 114
    failed += not ok
    print("    %-26r -> %s" % (body[:26], ("SERVER_ERROR i_errno %d errno %d" % result) if isinstance(result, tuple) else result))
sys.exit(1 if failed else 0)
PY
}
check "bad parameters are answered with SERVER_ERROR" bad_parameters
status=0
in_ns timeout 20 iperf3 -c "$OUR_IP" -t 1 >/dev/null 2>&1 || status=$?
check "a test after the bad parameters completes (exit $status)" [ "$status" = 0 ]

# A second client while a test runs is told the server is busy.
ip netns exec "$NS" iperf3 -c "$OUR_IP" -t 3 >/dev/null 2>&1 &
FIRST=$!
sleep 1
busy=$(in_ns timeout 15 iperf3 -c "$OUR_IP" -t 1 2>&1 || true)
log "second client during a test: $(grep -m1 'error' <<<"$busy")"
check "a second client during a test is told the server is busy" grep -q "busy" <<<"$busy"
first_status=0
wait "$FIRST" || first_status=$?
check "the first client's test still completes (exit $first_status)" [ "$first_status" = 0 ]

stop_ofnet
log "ofnet log tail:"
tail -6 "$INTEROP_DIR/ofnet.log" | sed 's/^/    /'

# Now ofnet is the client, on the same tap and address, against Linux's iperf3 -s.
# ofnet_client NAME [FLAGS]: prints ofnet's summary line, checks the exit code and both
# figures (sender: what was written, receiver: what arrived).
ofnet_client() {
    local what=$1
    shift
    local out="$INTEROP_DIR/ofnet-client-$what.out" status=0
    in_ns ip neigh flush dev "$TAP"
    ip netns exec "$NS" timeout $((TIME + 60)) "$BIN/ofnet" --net "tap:$TAP" --ip "$OUR_IP/24" --status-interval 0 \
        --iperf3-client "$LINUX_IP" --iperf3-time "$TIME" "$@" >"$out" 2>"$out.err" || status=$?
    local line sender receiver
    line=$(grep -m1 '^iperf3-client:' "$out" || true)
    sender=$(sed -n 's/.* sender_mbps=\([0-9.]*\).*/\1/p' <<<"$line")
    receiver=$(sed -n 's/.* receiver_mbps=\([0-9.]*\).*/\1/p' <<<"$line")
    log "ofnet --iperf3-client $LINUX_IP --iperf3-time $TIME $* (exit $status): ${line:-no summary}"
    [ "$status" = 0 ] || { log "ofnet stderr:"; tail -5 "$out.err" | sed 's/^/    /'; }
    check "ofnet --iperf3-client ($what) exits 0" [ "$status" = 0 ]
    check "ofnet --iperf3-client ($what): sender ${sender:-?} Mbit/s > $MIN_MBPS" above_min "${sender:-0}"
    check "ofnet --iperf3-client ($what): receiver ${receiver:-?} Mbit/s > $MIN_MBPS" above_min "${receiver:-0}"
}

# No server yet: a refused connection is a one-line error and exit 1.
status=0
in_ns ip neigh flush dev "$TAP"
ip netns exec "$NS" timeout 30 "$BIN/ofnet" --net "tap:$TAP" --ip "$OUR_IP/24" --status-interval 0 \
    --iperf3-client "$LINUX_IP" --iperf3-time 1 >"$INTEROP_DIR/refused.out" 2>"$INTEROP_DIR/refused.err" || status=$?
log "ofnet --iperf3-client with no server (exit $status): $(grep -m1 'error' "$INTEROP_DIR/refused.err")"
check "ofnet --iperf3-client with no server exits 1 with an error" [ "$status" = 1 ]

ip netns exec "$NS" iperf3 -s -B "$LINUX_IP" >"$INTEROP_DIR/iperf3-server.log" 2>&1 &
SERVER=$!
BACKGROUND_PIDS+=("$SERVER")
for _ in $(seq 1 50); do
    in_ns ss -ltn | grep -q ":5201 " && break
    sleep 0.1
done

ofnet_client normal
ofnet_client reverse --iperf3-reverse

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]
