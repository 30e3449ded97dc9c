#!/usr/bin/env bash
# Controller roles (the Nicira extension) on ofswitch, specified by Open vSwitch: the
# same two scripted controllers (role-controller.py) walk Open vSwitch (userspace
# datapath) and then ofswitch through one sequence of role requests, state changes
# from a slave, asynchronous messages, bad role requests and a role taken on a service
# connection, and the two transcripts must agree line for line. Each step is also
# checked against what it must be, so a change in Open vSwitch shows as such.
#
# Usage: Tests/Interop/switch-roles.sh [BIN_DIR]
#   BIN_DIR holds ofswitch (default: `swift build --show-bin-path`).
# Needs root, openvswitch-switch, iproute2 and python3. Only loopback carries
# OpenFlow; ofswitch's one port is a veth pair this makes and removes. Prints
# "N passed, N failed"; exits non-zero if anything failed.

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
BIN_DIR=${1:-$(cd "$REPO" && swift build --show-bin-path)}
# shellcheck source=switch-lib.sh
source "$HERE/switch-lib.sh"

[ -x "$OFSWITCH" ] || { log "missing $OFSWITCH: build it first (swift build)"; exit 2; }
for tool in ovs-vsctl ovs-vswitchd ovsdb-server ip ss python3; do
    command -v "$tool" >/dev/null || { log "missing $tool (scripts/install-deps.sh installs it)"; exit 2; }
done

# run_roles NAME SERVICE_PORT START_COMMAND...: runs role-controller.py, then the
# command that points the switch at its two ports ($1 and $2 of the command's
# arguments are replaced by them); the transcript goes to $INTEROP_DIR/NAME.out.
run_roles() {
    local name=$1 service=$2 ports_file="$INTEROP_DIR/$1.ports"
    shift 2
    python3 "$HERE/role-controller.py" --port-file "$ports_file" --service "127.0.0.1:$service" \
        >"$INTEROP_DIR/$name.out" 2>&1 &
    local script=$!
    wait_for 10 test -s "$ports_file" || { fail "$name: role-controller.py did not start"; return 1; }
    read -r PORT_A PORT_B <"$ports_file"
    "$@"
    local status=0
    wait "$script" || status=$?
    check "$name: both controllers connected and the sequence ran (status $status)" [ "$status" -eq 0 ]
}

# The answers every step must get (Open vSwitch 3.1's, which the comparison below
# holds ofswitch to as well).
EXPECTED=$(cat <<'LIST'
STEP A asks MASTER: ROLE_REPLY MASTER
STEP B asks SLAVE: ROLE_REPLY SLAVE
STEP slave B FLOW_MOD: ERROR 1/5
STEP slave B PACKET_OUT: ERROR 1/5
STEP slave B PORT_MOD: ERROR 1/5
STEP slave B SET_CONFIG: none
STEP slave B DESC stats: STATS_REPLY
STEP slave B BARRIER: BARRIER_REPLY
STEP master A adds a flow: none
STEP master A deletes it: none
STEP master A PACKET_OUT to CONTROLLER: none
STEP async to master A: FLOW_REMOVED+PACKET_IN
STEP async to slave B: none
STEP B asks MASTER: ROLE_REPLY MASTER
STEP demoted A FLOW_MOD: ERROR 1/5
STEP A asks OTHER: ROLE_REPLY OTHER
STEP OTHER A FLOW_MOD: none
STEP master B FLOW_MOD: none
STEP OTHER A PACKET_OUT to CONTROLLER: none
STEP async to OTHER A: PACKET_IN
STEP async to master B: PACKET_IN
STEP B asks role 3: ERROR vendor 0x2320 1/513
STEP B still MASTER (asks MASTER again): ROLE_REPLY MASTER
STEP unknown Nicira subtype: ERROR 1/4
STEP unknown vendor: ERROR 1/3
STEP role request without its role: ERROR 1/6
STEP clean up: none
STEP service connection asks MASTER: ROLE_REPLY MASTER
STEP A (OTHER) FLOW_MOD after that: none
STEP B (was MASTER) FLOW_MOD after that: ERROR 1/5
LIST
)

# a. Open vSwitch: two controller targets and a ptcp service listener.
start_ovs
add_bridge br0 secure
OVS_SERVICE=$(free_port 26697 26687 36697) || { log "no free port for the OVS listener"; exit 2; }
point_ovs() {
    "${VSCTL[@]}" set-controller br0 "tcp:127.0.0.1:$PORT_A" "tcp:127.0.0.1:$PORT_B" "ptcp:$OVS_SERVICE:127.0.0.1" \
        -- set bridge br0 other-config:disable-in-band=true
}
run_roles ovs "$OVS_SERVICE" point_ovs

# b. ofswitch: the same, with one port (a veth pair of ours) and its passive listener.
SW_SERVICE=$(free_port 26698 26688 36698) || { log "no free port for ofswitch's listener"; exit 2; }
ip link del "${LAB}rl-p1" 2>/dev/null || true
ip link add "${LAB}rl-p1" type veth peer name "${LAB}rl-p2"
trap 'ip link del "${LAB}rl-p1" 2>/dev/null; cleanup' EXIT
for end in "${LAB}rl-p1" "${LAB}rl-p2"; do
    sysctl -qw "net.ipv6.conf.$end.disable_ipv6=1"
    ip link set "$end" up
done
start_switch() {
    "$OFSWITCH" --port "${LAB}rl-p1" --controller "tcp:127.0.0.1:$PORT_A" --controller "tcp:127.0.0.1:$PORT_B" \
        --listen "ptcp:$SW_SERVICE:127.0.0.1" >>"$OFSWITCH_LOG" 2>&1 &
    OFSWITCH_PID=$!
    BACKGROUND_PIDS+=("$OFSWITCH_PID")
}
run_roles ofswitch "$SW_SERVICE" start_switch

while IFS= read -r line; do
    step=${line%%: *}
    check "Open vSwitch: ${line#STEP }" grep -qxF "$line" "$INTEROP_DIR/ovs.out"
    got=$(grep -F "$step: " "$INTEROP_DIR/ofswitch.out" | head -n 1)
    check "ofswitch answers as Open vSwitch: ${line#STEP } (got '${got#*: }')" [ "$got" = "$line" ]
done <<<"$EXPECTED"
if ! diff <(grep '^STEP' "$INTEROP_DIR/ovs.out") <(grep '^STEP' "$INTEROP_DIR/ofswitch.out") >"$INTEROP_DIR/diff"; then
    fail "the transcripts differ:"
    sed 's/^/    /' "$INTEROP_DIR/diff"
fi
check "ofswitch logged the demotion" grep -q "demoted to slave" "$OFSWITCH_LOG"
finish_switch
