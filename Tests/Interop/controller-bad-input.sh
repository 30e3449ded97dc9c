#!/usr/bin/env bash
# Bad input, over real TCP on loopback: scripted fake switches (fake-switch.py) send
# wrong-version, truncated, oversized, unknown-type and split messages, broken streams
# and packet_in floods to a running ofcontroller (the learning switch, one loop), while
# two bystander switches must keep being served and the controller's memory must stay
# bounded; then 1000 switches connect at once. A second run uses --threads 2 (two loops
# on SO_REUSEPORT listeners) and checks that both loops serve switches, that a switch
# connecting again on the other loop replaces its old connection there (one datapath
# registry across loops), and that a switch gone silent gets ECHO_REQUESTs and is dropped after --echo-timeout. Each run
# must end cleanly on SIGTERM.
#
# Usage: Tests/Interop/controller-bad-input.sh [BIN_DIR]
#   BIN_DIR holds ofcontroller (default: `swift build --show-bin-path`).
# Environment: BAD_INPUT_CONNECTIONS (default 1000) switches for the many-switches step.
# Needs python3 and ss (iproute2). Prints "N passed, N failed"; exits non-zero if
# anything failed.

HERE=$(cd "$(dirname "$0")" && pwd)
# ovs-lib.sh gives the counters, check/finish, wait_for and the cleanup trap; no OVS
# is started here.
# shellcheck source=ovs-lib.sh
source "$HERE/ovs-lib.sh"

BIN_DIR=${1:-$(cd "$HERE/../.." && swift build --show-bin-path)}
OFCONTROLLER="$BIN_DIR/ofcontroller"
[ -x "$OFCONTROLLER" ] || { log "missing $OFCONTROLLER: build it first (swift build)"; exit 2; }
command -v python3 >/dev/null || { log "missing python3"; exit 2; }
CONNECTIONS=${BAD_INPUT_CONNECTIONS:-1000}

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
listening() { ss -Hltn "sport = :$PORT" | grep -q .; }

# start_controller LOG ARGS...: the learning switch on a free loopback port.
start_controller() {
    local log_file=$1
    shift
    PORT=$(free_port)
    CONTROLLER_LOG="$INTEROP_DIR/$log_file"
    "$OFCONTROLLER" --listen "127.0.0.1:$PORT" --status-interval 1 "$@" >"$CONTROLLER_LOG" 2>&1 &
    OFC_PID=$!
    BACKGROUND_PIDS+=("$OFC_PID")
    check "ofcontroller $* listens on 127.0.0.1:$PORT" wait_for 10 listening
}

# fake_switches ARGS...: runs fake-switch.py and records each of its PASS/FAIL lines.
fake_switches() {
    local out="$INTEROP_DIR/fake-switch.out"
    timeout 300 python3 "$HERE/fake-switch.py" --port "$PORT" --pid "$OFC_PID" "$@" >"$out" 2>&1 ||
        true
    grep -q '^fake-switch: ' "$out" || fail "fake-switch.py ran to its end (timed out or crashed)"
    while IFS= read -r line; do
        case "$line" in
            PASS:*) pass "${line#PASS: }" ;;
            FAIL:*) fail "${line#FAIL: }" ;;
            INFO:*) log "${line}" ;;
            fake-switch:*) ;;
            *) log "fake-switch: $line" ;;
        esac
    done <"$out"
}

# stop_controller: still alive after all that, then a clean exit on SIGTERM.
stop_controller() {
    check "ofcontroller still running after the fake switches" kill -0 "$OFC_PID"
    kill -TERM "$OFC_PID"
    local status=0
    wait "$OFC_PID" || status=$?
    check "ofcontroller exits 0 on SIGTERM (got $status)" [ "$status" -eq 0 ]
    local last
    last=$(grep 'status:' "$CONTROLLER_LOG" | tail -1 | sed 's/.*status: //')
    log "controller: $(grep -c 'rejected' "$CONTROLLER_LOG" || true) messages rejected; last status: ${last:-none}"
}

# --- one loop: bad input, floods, many switches ----------------------------------------
start_controller ofcontroller-1.log
fake_switches --connections "$CONNECTIONS"
stop_controller

# --- two loops on SO_REUSEPORT listeners, and keepalives ---------------------------------
start_controller ofcontroller-2.log --threads 2 --echo-interval 1 --echo-timeout 3
fake_switches --steps many,reconnect,keepalive --connections 400 --echo-interval 1 --echo-timeout 3
stop_controller
for loop in 0 1; do
    count=$(grep -c "loop=$loop .*datapath [0-9a-f]* up from " "$CONTROLLER_LOG" || true)
    check "--threads 2: loop $loop served switches ($count)" [ "$count" -gt 0 ]
done
crossed=$(grep -c "replaced by a connection on loop" "$CONTROLLER_LOG" || true)
check "--threads 2: reconnections that crossed loops closed the old connection ($crossed of 20)" [ "$crossed" -gt 0 ]

show_logs_if_failed 30 "$INTEROP_DIR"/ofcontroller-*.log
finish
