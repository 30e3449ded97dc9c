#!/bin/sh
# The dom0 half of `controller-lab.sh --bench` (busybox sh; /bench/run.sh in dom0, which
# xen-lab.sh's --dom0-files unpacked with the tools under /bench): measures and probes
# the controller domU from dom0 and prints what it saw, one `OFLAB: ` line each;
# controller-lab.sh on the host reads them and decides the checks.
#
#   sh /bench/run.sh DOMU_IP PORT ["SWITCHES MACS MS_PER_LOOP LOOPS WARMUP"]
#
# 1. ofbench (by default 16 switches x 100 MACs, 4 loops of 2 s, the first ignored), throughput
#    (-t) and latency mode, against the domU, then against ofcontroller --app learning
#    on dom0's loopback, then against ovs-testcontroller on dom0's loopback:
#      OFLAB: bench TARGET-MODE rc=N loops=N idle=N notes=N RESULT: ...
#    (idle: switches that got no response in the counted loops; notes: ofbench's
#    complaints on stderr about the controller's messages)
# 2. malformed input after a HELLO, each case on a connection of its own, to the domU
#    and to the hosted ofcontroller: every byte that comes back, in hex:
#      OFLAB: malformed CASE TARGET HEX
# 3. Open vSwitch (userspace datapath) with three namespaces h1..h3 on veths, driven by
#    the domU: OFLAB: ovs-start, ovs-connected, ovs-ping, ovs-flows, ovs-flow lines.
# After each ofbench run against the domU: does it still answer ping and a new
# connection's HELLO (`OFLAB: after`; if not, `OFLAB: diag` lines: dom0's sockets to it,
# its vif's counters).
# Ends with `OFLAB: bench-done`.
export PATH=/usr/local/bin:/bench/bin:/usr/lib/xen-4.17/bin:/bin:/sbin:/usr/bin:/usr/sbin
export LD_LIBRARY_PATH=/bench/lib
# Debian's busybox-static prefers its own applets: iproute2's ip and iputils' ping by path.
IP=/usr/local/bin/ip
PING=/usr/local/bin/ping
DOMU=${1:-10.0.9.2}
PORT=${2:-6653}
read -r SWITCHES MACS MS LOOPS WARMUP << SHAPE
${3:-16 100 2000 4 1}
SHAPE
HOSTED_PORT=6653 # ofcontroller on 127.0.0.1
TC_PORT=6633     # ovs-testcontroller on 127.0.0.1

say() { echo "OFLAB: $*"; }

# Waits (up to 10 s) until something listens on 127.0.0.1:PORT.
listening() {
    n=0
    until netstat -ltn 2>/dev/null | grep -q "127.0.0.1:$1 "; do
        [ $n -ge 50 ] && return 1
        n=$((n + 1))
        sleep 0.2
    done
}

# bench NAME HOST PORT [-t]
bench() {
    name=$1 host=$2 port=$3
    shift 3
    timeout $((LOOPS * MS / 1000 + 60)) /bench/ofbench -c "$host" -p "$port" -s "$SWITCHES" -M "$MACS" \
        -m "$MS" -l "$LOOPS" -w "$WARMUP" "$@" \
        > /tmp/bench.out 2> /tmp/bench.err < /dev/null
    rc=$?
    result=$(grep '^RESULT' /tmp/bench.out | tail -n 1)
    loops=$(grep -c 'switches: flows/sec:' /tmp/bench.out)
    # A loop line: TIME N switches: flows/sec: C1 C2 ... total = X per ms. The switches
    # with no response in all the counted loops (the warm-up loop left out):
    idle=$(awk '/switches: flows\/sec:/ {
            if (++n == 1) next
            for (i = 5; i <= NF && $i != "total"; i++) sum[i] += $i
            last = i
        }
        END { c = 0; for (i = 5; i < last; i++) if (sum[i] == 0) c++; print (n > 1 ? c : "?") }' /tmp/bench.out)
    # Its stderr holds the banner; anything else is a complaint (a malformed or unexpected
    # message from the controller, a closed connection).
    grep -v -e '^ofbench: controller benchmarking tool' -e '^   ' -e '^$' /tmp/bench.err > /tmp/bench.notes
    notes=$(grep -c . /tmp/bench.notes)
    say "bench $name rc=$rc loops=$loops idle=$idle notes=$notes ${result:-no-RESULT}"
    head -n 3 /tmp/bench.notes | sed "s/^/OFLAB: bench-note $name /"
}

# malformed CASE BYTES (printf escapes): the same bytes to the domU and to the hosted
# ofcontroller, each on a fresh connection, after a HELLO of version 1 (unless CASE is
# about the HELLO itself); whatever comes back within 3 s, in hex.
HELLO='\001\000\000\010\000\000\000\001'
malformed() {
    for target in domu:$DOMU:$PORT ofcontroller:127.0.0.1:$HOSTED_PORT; do
        who=${target%%:*} rest=${target#*:}
        out=$({ printf "$2"; sleep 1; } | timeout 3 nc "${rest%:*}" "${rest#*:}" 2> /dev/null |
            hexdump -v -e '1/1 "%02x"')
        say "malformed $1 $who ${out:-none}"
    done
}

# What dom0 sees of a domU in trouble: its sockets to it, the vif's counters (its rx is
# what the domU sent).
domu_diag() {
    say "diag $1: dom0's sockets to the domU by state: $(netstat -tn 2> /dev/null | grep "$DOMU:$PORT" |
        awk '{ print $6 }' | sort | uniq -c | tr -s ' \n' ' ')"
    say "diag $1: $($IP -s link show dev "vif$(xl domid guest 2> /dev/null).0" 2>&1 | tr -s ' \n' ' ')"
}

# After an ofbench run against the domU: it must still answer ping and a new
# connection's HELLO (the diagnostics when it does not).
#   OFLAB: after NAME ping=N/2 hello=HEX
after() {
    got=$($PING -c 2 -i 0.2 -W 1 "$DOMU" 2>&1 | sed -n 's/.* \([0-9]*\) received.*/\1/p')
    hello=$(timeout 3 nc "$DOMU" "$PORT" < /dev/null 2> /dev/null | head -c 8 | hexdump -v -e '1/1 "%02x"')
    say "after $1 ping=${got:-0}/2 hello=${hello:-none}"
    case "$rc $got $hello" in
        "0 2 01000008"*) ;;
        *) domu_diag "$1" ;;
    esac
}

# --- 1. ofbench: the domU, the hosted ofcontroller, ovs-testcontroller ---
bench domu-throughput "$DOMU" "$PORT" -t
after domu-throughput
bench domu-latency "$DOMU" "$PORT"
after domu-latency

/bench/ofcontroller --app learning --listen "127.0.0.1:$HOSTED_PORT" --status-interval 0 \
    > /tmp/ofcontroller.log 2>&1 < /dev/null &
OFC=$!
if listening "$HOSTED_PORT"; then
    bench ofcontroller-throughput 127.0.0.1 "$HOSTED_PORT" -t
    bench ofcontroller-latency 127.0.0.1 "$HOSTED_PORT"
else
    say "bench ofcontroller-throughput rc=- loops=0 idle=? notes=0 ofcontroller never listened: $(tail -n 1 /tmp/ofcontroller.log)"
    say "bench ofcontroller-latency rc=- loops=0 idle=? notes=0 ofcontroller never listened"
fi

# --- 2. malformed input: the domU and the hosted ofcontroller side by side ---
# ECHO_REQUEST of version 4; type 0x7f; a PACKET_IN whose length (12) is too short for
# one; a header whose length (4) is shorter than a header; a HELLO of version 0.
malformed bad-version "$HELLO\004\002\000\010\000\000\000\130"
malformed bad-type "$HELLO\001\177\000\010\000\000\000\126"
malformed short-packet-in "$HELLO\001\012\000\014\000\000\000\121\000\000\000\115"
malformed header-length-4 "$HELLO\001\012\000\004\000\000\000\144"
malformed hello-version-0 '\000\000\000\010\000\000\000\007'
kill "$OFC" 2> /dev/null
wait "$OFC" 2> /dev/null

mkdir -p /run/openvswitch /etc/openvswitch /var/log/openvswitch
export OVS_RUNDIR=/run/openvswitch OVS_LOGDIR=/var/log/openvswitch OVS_DBDIR=/etc/openvswitch OVS_SYSCONFDIR=/etc
ovs-testcontroller -vconsole:off --unixctl=/run/openvswitch/tc.ctl --pidfile=/run/openvswitch/tc.pid \
    "ptcp:$TC_PORT:127.0.0.1" > /tmp/testcontroller.log 2>&1 < /dev/null &
TC=$!
if listening "$TC_PORT"; then
    bench ovs-testcontroller-throughput 127.0.0.1 "$TC_PORT" -t
    bench ovs-testcontroller-latency 127.0.0.1 "$TC_PORT"
else
    say "bench ovs-testcontroller-throughput rc=- loops=0 idle=? notes=0 never listened: $(tail -n 1 /tmp/testcontroller.log)"
    say "bench ovs-testcontroller-latency rc=- loops=0 idle=? notes=0 never listened"
fi
kill "$TC" 2> /dev/null
wait "$TC" 2> /dev/null

# --- 3. Open vSwitch in dom0, the domU its controller ---
VSCTL="ovs-vsctl --timeout=30 --db=unix:/run/openvswitch/db.sock"
ovs_start() {
    ovsdb-tool create /etc/openvswitch/conf.db /bench/share/vswitch.ovsschema || return 1
    ovsdb-server /etc/openvswitch/conf.db --remote=punix:/run/openvswitch/db.sock \
        --unixctl=/run/openvswitch/ovsdb.ctl --pidfile=/run/openvswitch/ovsdb.pid --detach \
        --log-file=/var/log/openvswitch/ovsdb.log || return 1
    $VSCTL --no-wait init || return 1
    # (It warns that the kernel module is missing: the bridge's datapath is userspace.)
    ovs-vswitchd unix:/run/openvswitch/db.sock --unixctl=/run/openvswitch/vswitchd.ctl \
        --pidfile=/run/openvswitch/vswitchd.pid --detach --log-file=/var/log/openvswitch/vswitchd.log || return 1
    $VSCTL add-br br0 -- set bridge br0 datapath_type=netdev protocols=OpenFlow10 \
        other-config:datapath-id=00000000000000b0 -- set-fail-mode br0 secure || return 1
    for i in 1 2 3; do
        $IP netns add "h$i" &&
            $IP link add "h$i-eth0" type veth peer name "br0-p$i" &&
            $IP link set "h$i-eth0" netns "h$i" &&
            $IP netns exec "h$i" ip addr add "10.0.0.$i/24" dev "h$i-eth0" &&
            $IP netns exec "h$i" ip link set "h$i-eth0" up &&
            $IP netns exec "h$i" ip link set lo up &&
            $IP link set "br0-p$i" up &&
            $VSCTL add-port br0 "br0-p$i" -- set interface "br0-p$i" ofport_request="$i" || return 1
    done
    $VSCTL set-controller br0 "tcp:$DOMU:$PORT"
}
if ovs_start > /tmp/ovs-start.log 2>&1; then
    say "ovs-start ok bridge br0 (netdev, OpenFlow10, fail-mode $($VSCTL get-fail-mode br0)) ports $($VSCTL list-ports br0 | tr '\n' ' ')"
    n=0
    until [ "$($VSCTL get controller br0 is_connected 2> /dev/null)" = true ] || [ $n -ge 100 ]; do
        n=$((n + 1))
        sleep 0.2
    done
    say "ovs-connected $($VSCTL get controller br0 is_connected 2> /dev/null) after $((n / 5)).$((n % 5 * 2)) s"
    for pair in 1:2 2:3 3:1; do
        from=${pair%:*} to=${pair#*:}
        $IP netns exec "h$from" $PING -c 3 -i 0.2 -W 3 -w 15 "10.0.0.$to" > /tmp/ping.txt 2>&1
        summary=$(grep 'packets transmitted' /tmp/ping.txt)
        rtt=$(sed -n 's/^rtt [^=]*= //p' /tmp/ping.txt)
        say "ovs-ping h$from h$to ${summary:-no summary: $(tail -n 1 /tmp/ping.txt)}${rtt:+; rtt $rtt}"
    done
    ovs-ofctl -O OpenFlow10 dump-flows br0 > /tmp/flows.txt 2>&1
    flows=$(grep -c 'actions=' /tmp/flows.txt)
    packets=$(sed -n 's/.*n_packets=\([0-9]*\).*/\1/p' /tmp/flows.txt | awk '{ s += $1 } END { print s + 0 }')
    say "ovs-flows $flows flows n_packets=$packets"
    grep 'actions=' /tmp/flows.txt | head -n 8 | sed 's/^ */OFLAB: ovs-flow /'
    ovs-appctl -t /run/openvswitch/vswitchd.ctl exit > /dev/null 2>&1
    ovs-appctl -t /run/openvswitch/ovsdb.ctl exit > /dev/null 2>&1
else
    say "ovs-start fail $(tail -n 3 /tmp/ovs-start.log | tr '\n' ' ')"
    grep -E 'ERR|WARN' /var/log/openvswitch/vswitchd.log 2> /dev/null | tail -n 5 | sed 's/^/OFLAB: ovs-log /'
fi
for i in 1 2 3; do $IP netns del "h$i" 2> /dev/null; done
say bench-done
