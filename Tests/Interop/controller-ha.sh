#!/usr/bin/env bash
# An HA pair of ofcontrollers (learning app) sharing Open vSwitch (userspace datapath,
# three hosts in network namespaces), with mastership per switch elected through a
# three-member etcd cluster on loopback (Debian's etcd-server):
#   - the firewall policy lives in etcd (PREFIX/policy/firewall), read by both;
#   - one controller becomes master, the other slave, as Open vSwitch itself reports
#     (its Controller table's role column), and the policy holds (h1 and h3 may not
#     talk IP, every other pair pings);
#   - kill -9 the master while h1 pings h2 every 50 ms: the pings keep going (the
#     longest gap between replies is reported), the standby becomes master (the time
#     from the kill is reported; goal <= 3 s with --etcd-ttl 2), and with the flows
#     deleted the policy holds again through the new master;
#   - the killed one restarts, reads the policy and rejoins as slave;
#   - a new policy put with etcdctl is read by both at once and enforced (h2 and h3
#     blocked instead);
#   - stop one etcd member: nothing changes;
#   - stop all of etcd: the master steps down once its lease may have expired, and
#     Open vSwitch never shows two masters (sampled every 0.2 s throughout).
#
# Usage: Tests/Interop/controller-ha.sh [BIN_DIR]
#   BIN_DIR holds ofcontroller (default: `swift build --show-bin-path`).
# Needs root, openvswitch-switch, etcd-server and etcd-client, iproute2, ping. Only
# loopback and the namespaces it creates carry traffic. Prints "N passed, N failed";
# exits non-zero if anything failed.

HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/ovs-lib.sh"

BIN_DIR=${1:-$(cd "$HERE/../.." && swift build --show-bin-path)}
OFCONTROLLER="$BIN_DIR/ofcontroller"
[ -x "$OFCONTROLLER" ] || { log "missing $OFCONTROLLER: build it first (swift build)"; exit 2; }
for tool in ovs-vswitchd ovsdb-server etcd etcdctl ip ping ss; do
    command -v "$tool" >/dev/null || { log "missing $tool (scripts/install-deps.sh installs it)"; exit 2; }
done

# free_ports N: N TCP ports nothing listens on, from 32379 up.
free_ports() {
    local wanted=$1 candidate=32379 found=()
    while [ "${#found[@]}" -lt "$wanted" ] && [ "$candidate" -lt 33000 ]; do
        ss -Hltn "sport = :$candidate" | grep -q . || found+=("$candidate")
        candidate=$((candidate + 1))
    done
    echo "${found[@]}"
}
read -r -a PORTS <<<"$(free_ports 8)"
[ "${#PORTS[@]}" -eq 8 ] || { log "no free ports"; exit 2; }
CTL_PORT=("${PORTS[0]}" "${PORTS[1]}")
ETCD_PIDS=()
ENDPOINTS=""
CLUSTER=""
for i in 0 1 2; do
    ENDPOINTS+="${ENDPOINTS:+,}127.0.0.1:${PORTS[$((2 + 2 * i))]}"
    CLUSTER+="${CLUSTER:+,}e$i=http://127.0.0.1:${PORTS[$((3 + 2 * i))]}"
done
PREFIX="/ofcontroller-ha-test"
ETCDCTL=(etcdctl --endpoints="$ENDPOINTS" --dial-timeout=1s --command-timeout=2s)

start_etcd() {
    local i=$1 client=${PORTS[$((2 + 2 * $1))]} peer=${PORTS[$((3 + 2 * $1))]}
    etcd --name "e$i" --data-dir "$INTEROP_DIR/etcd-$i" \
        --listen-client-urls "http://127.0.0.1:$client" --advertise-client-urls "http://127.0.0.1:$client" \
        --listen-peer-urls "http://127.0.0.1:$peer" --initial-advertise-peer-urls "http://127.0.0.1:$peer" \
        --initial-cluster "$CLUSTER" --initial-cluster-state new --initial-cluster-token "ha-test-$$" \
        >"$INTEROP_DIR/etcd-$i.log" 2>&1 &
    ETCD_PIDS[$i]=$!
    BACKGROUND_PIDS+=("$!")
}

CTL_PIDS=()
# start_controller N: ofcontroller cN on its port, in the HA group.
start_controller() {
    local n=$1
    "$OFCONTROLLER" --listen "127.0.0.1:${CTL_PORT[$n]}" --name "c$n" --etcd "$ENDPOINTS" --etcd-prefix "$PREFIX" \
        --etcd-ttl 2 --app firewall --app learning --log-level debug >>"$INTEROP_DIR/c$n.log" 2>&1 &
    CTL_PIDS[$n]=$!
    BACKGROUND_PIDS+=("$!")
    wait_for 10 bash -c "ss -Hltn 'sport = :${CTL_PORT[$n]}' | grep -q ."
}

# roles: Open vSwitch's view, "PORT:ROLE" per connected controller, sorted.
roles() {
    "${VSCTL[@]}" --format=csv --data=bare --no-headings --columns=target,role,is_connected list controller |
        awk -F, '$3 == "true" { n = split($1, a, ":"); print a[n] ":" $2 }' | sort | tr '\n' ' '
}
masters() { roles | tr ' ' '\n' | grep -c ':master$' || true; }
master_port() { roles | tr ' ' '\n' | awk -F: '$2 == "master" { print $1 }'; }
master_index() { [ "$(master_port)" = "${CTL_PORT[0]}" ] && echo 0 || echo 1; }
master_and_slave() { [ "$(masters)" -eq 1 ] && [ "$(roles | tr ' ' '\n' | grep -c ':slave$')" -eq 1 ]; }

# A watcher samples the roles every 0.2 s for the whole test; two masters at once is
# a split brain.
watch_roles() {
    while :; do
        echo "$(date +%s.%N) $(roles)" >>"$INTEROP_DIR/roles.log"
        sleep 0.2
    done
}

# policy_holds A B: every ordered pair of hosts pings except A <-> B.
policy_holds() {
    local a b
    for a in 1 2 3; do
        for b in 1 2 3; do
            [ "$a" = "$b" ] && continue
            if [ "$a$b" = "$1$2" ] || [ "$a$b" = "$2$1" ]; then
                ping_fails "$a" "$b" || { log "h$a -> h$b pings, but the policy blocks it"; return 1; }
            else
                ping_ok "$a" "$b" || { log "h$a -> h$b does not ping"; return 1; }
            fi
        done
    done
}

# put_policy A B: the group's firewall policy: default allow, no IP between hA and hB.
put_policy() {
    printf 'default allow\ndeny ip,nw_src=10.0.0.%s,nw_dst=10.0.0.%s\ndeny ip,nw_src=10.0.0.%s,nw_dst=10.0.0.%s\n' \
        "$1" "$2" "$2" "$1" | "${ETCDCTL[@]}" put "$PREFIX/policy/firewall" >/dev/null
}
policy_reads() { grep -c "firewall policy from" "$INTEROP_DIR/c$1.log" || true; }

# --- the cluster, the switch, the pair
for i in 0 1 2; do start_etcd "$i"; done
etcd_healthy() { "${ETCDCTL[@]}" endpoint health >/dev/null 2>&1; }
check "etcd: a three-member cluster on loopback is healthy" wait_for 20 etcd_healthy
check "the firewall policy is put in etcd" put_policy 1 3
start_ovs
add_bridge br0 secure
for n in 1 2 3; do add_host "$n" br0; done
start_controller 0
start_controller 1
"${VSCTL[@]}" set-controller br0 "tcp:127.0.0.1:${CTL_PORT[0]}" "tcp:127.0.0.1:${CTL_PORT[1]}" \
    -- set bridge br0 other-config:disable-in-band=true
watch_roles &
BACKGROUND_PIDS+=("$!")
wait_for 15 master_and_slave
check "one controller is master, the other slave (Open vSwitch: $(roles))" master_and_slave
check "both controllers read the policy from etcd" wait_for 5 bash -c "[ \$(grep -c 'firewall policy from' $INTEROP_DIR/c0.log) -ge 1 ] && [ \$(grep -c 'firewall policy from' $INTEROP_DIR/c1.log) -ge 1 ]"
check "the master enforces it: every pair pings but h1 <-> h3" policy_holds 1 3
M=$(master_index)
S=$((1 - M))
log "master: c$M (port ${CTL_PORT[$M]}), slave: c$S"

# --- kill the master mid-ping
ip netns exec h1 ping -D -i 0.05 -c 200 -W 1 10.0.0.2 >"$INTEROP_DIR/ping.log" 2>&1 &
PING_PID=$!
sleep 2
# The takeover is timed from the standby's log (Open vSwitch writes roles to its
# database only every few seconds).
promotions() { grep -c "role slave -> master" "$INTEROP_DIR/c$S.log" || true; }
before=$(promotions)
kill -9 "${CTL_PIDS[$M]}"
KILLED_AT=$(date +%s.%N)
TAKEOVER=""
deadline=$((SECONDS + 10))
while [ "$SECONDS" -lt "$deadline" ]; do
    if [ "$(promotions)" -gt "$before" ]; then
        TAKEOVER=$(awk -v a="$(date +%s.%N)" -v b="$KILLED_AT" 'BEGIN { printf "%.2f", a - b }')
        break
    fi
    sleep 0.05
done
check "the standby c$S became master after the kill (in ${TAKEOVER:-never} s)" [ -n "$TAKEOVER" ]
standby_is_master() { [ "$(master_port)" = "${CTL_PORT[$S]}" ]; }
check "Open vSwitch agrees: c$S is master" wait_for 10 standby_is_master
log "failover: standby master ${TAKEOVER:-never} s after kill -9 of the master"
wait "$PING_PID"
gap=$(awk '/bytes from/ { t = substr($1, 2, length($1) - 2); if (last != "") { d = t - last; if (d > max) max = d }; last = t; n++ }
    END { printf "%.2f %d", max, n }' "$INTEROP_DIR/ping.log")
log "pings during the failover: ${gap#* } of 200 answered, longest gap ${gap% *} s"
check "the pings kept going through the failover (longest gap ${gap% *} s, under 1 s)" \
    awk -v g="${gap% *}" 'BEGIN { exit !(g < 1.0) }'
"${OFCTL[@]}" del-flows br0
check "with the flows deleted, the new master enforces the same policy" policy_holds 1 3

# --- the killed one restarts: it reads the policy in force and rejoins as slave
start_controller "$M"
wait_for 10 master_and_slave
check "the restarted c$M rejoins as slave, c$S stays master (Open vSwitch: $(roles))" [ "$(master_port)" = "${CTL_PORT[$S]}" ]
reads_at_least() { [ "$(policy_reads "$1")" -ge "$2" ]; }
check "the restarted c$M read the policy in force from etcd" wait_for 5 reads_at_least "$M" 2

# --- a new policy through etcdctl: in force on both at once
reads_m=$(policy_reads "$M")
reads_s=$(policy_reads "$S")
put_policy 2 3
check "both read the new policy" wait_for 5 bash -c \
    "[ \$(grep -c 'firewall policy from' $INTEROP_DIR/c$M.log) -gt $reads_m ] && [ \$(grep -c 'firewall policy from' $INTEROP_DIR/c$S.log) -gt $reads_s ]"
check "the master enforces it: every pair pings but h2 <-> h3" policy_holds 2 3

# --- one etcd member down: nothing changes
kill "${ETCD_PIDS[0]}"
sleep 4
check "with one etcd member stopped, c$S is still master and c$M slave" [ "$(master_port)" = "${CTL_PORT[$S]}" ]
check "the policy still holds" policy_holds 2 3

# --- all of etcd down: no split brain
kill "${ETCD_PIDS[1]}" "${ETCD_PIDS[2]}"
no_master() { [ "$(masters)" -eq 0 ]; }
check "with etcd gone, the master steps down (Open vSwitch: no master)" wait_for 15 no_master
check "c$S logged it loudly" grep -q "slave on every switch" "$INTEROP_DIR/c$S.log"
check "h1 -> h2 still pings through the installed flows" ping_ok 1 2

split=$(awk '{ n = 0; for (i = 2; i <= NF; i++) if ($i ~ /:master$/) n++; if (n > 1) c++ } END { print c + 0 }' "$INTEROP_DIR/roles.log")
samples=$(wc -l <"$INTEROP_DIR/roles.log")
check "Open vSwitch never showed two masters ($samples samples)" [ "$split" -eq 0 ]
for n in 0 1; do kill "${CTL_PIDS[$n]}" 2>/dev/null; done
if [ "$FAILED" -gt 0 ]; then
    for n in 0 1; do log "c$n log (last 20 lines):"; tail -n 20 "$INTEROP_DIR/c$n.log" | sed 's/^/    /'; done
fi
finish
