#!/bin/sh
# The dom0 half of switch-lab.sh (busybox sh; /tools/switch-steps.sh in dom0, unpacked
# by xen-lab.sh's --dom0-files with the tools under /tools): drives the switch domU
# "guest" (management 10.0.9.2, ports to the namespaces h1..h3 at 10.0.1.1..3) and
# prints what it saw, one `OFLAB: KEY VALUE` line each; switch-lab.sh on the host reads
# them and decides the checks. The switch's controller is 10.0.9.4:6653: first the
# hosted ofcontroller in dom0 on that address, then the controller image as a domU.
# Ends with `OFLAB: done`.
export PATH=/usr/local/bin:/tools:/usr/lib/xen-4.17/bin:/bin:/sbin:/usr/bin:/usr/sbin
export LD_LIBRARY_PATH=/tools/lib
# Debian's busybox-static prefers its own applets: iproute2's ip and iputils' ping by path.
IP=/usr/local/bin/ip
PING=/usr/local/bin/ping
SWITCH=tcp:10.0.9.2:6634
CONSOLE=/var/log/xen/console

say() { echo "OFLAB: $*"; }
ns() { n=$1; shift; $IP netns exec "$n" "$@"; }
received() { sed -n 's/.* \([0-9]*\) received.*/\1/p'; }
rtt() { sed -n 's/^rtt [^=]*= //p'; }
pings() { # NS ADDRESS COUNT INTERVAL: the replies received
    ns "$1" $PING -q -c "$3" -i "$4" -W 2 "$2" | received
}
# seen FILE PATTERN: the seconds until FILE has a line with PATTERN (up to 90), or "never".
seen() {
    t=0
    until grep -q "$2" "$1" 2>/dev/null; do
        [ $t -ge 90 ] && { echo never; return; }
        sleep 1
        t=$((t + 1))
    done
    echo $t
}
gone() { # NAME: waits until the domain is gone (up to 20 s)
    t=0
    while xl list "$1" > /dev/null 2>&1 && [ $t -lt 100 ]; do sleep 0.2; t=$((t + 1)); done
}

# --- the hosted controller ---
$IP addr add 10.0.9.4/24 dev xenbr0
ofcontroller --app learning --listen 10.0.9.4:6653 --status-interval 0 > /tmp/ctl1.log 2>&1 &
CTL=$!
say connected "$(seen /tmp/ctl1.log "up from")"
# The first packets of each pair go through the controller; let them settle first.
ns h1 $PING -c 1 -W 5 10.0.1.2 > /dev/null
ns h2 $PING -c 1 -W 5 10.0.1.3 > /dev/null
say ping-h1-h2 "$(pings h1 10.0.1.2 20 0.05)"
say ping-h2-h3 "$(pings h2 10.0.1.3 20 0.05)"
say ping-h1-h3 "$(pings h1 10.0.1.3 5 0.2)"
ovs-ofctl dump-flows $SWITCH > /tmp/flows1.txt 2>&1
sed 's/^/OFLAB: flow /' /tmp/flows1.txt
say drops "$(grep -c "actions=drop" /tmp/flows1.txt) flows $(grep -c "priority=" /tmp/flows1.txt)"

# --- malformed input: the switch domU's listener and a hosted ofswitch's, side by side ---
# Each case on a fresh connection after a HELLO of version 1 (unless the case is about
# the HELLO itself); whatever comes back within 3 s, in hex.
$IP link add swa type veth peer name swb
$IP link set swa up
$IP link set swb up
ofswitch --port swa --listen ptcp:6635 --status-interval 0 > /tmp/ofswitch.log 2>&1 < /dev/null &
OFS=$!
t=0
until netstat -ltn 2> /dev/null | grep -q "127.0.0.1:6635 " || [ $t -ge 50 ]; do sleep 0.2; t=$((t + 1)); done
HELLO='\001\000\000\010\000\000\000\001'
malformed() { # CASE BYTES (printf escapes)
    for target in domu:10.0.9.2:6634 ofswitch:127.0.0.1:6635; do
        who=${target%%:*} rest=${target#*:}
        out=$({ printf "$2"; sleep 1; } | timeout 3 nc "${rest%:*}" "${rest#*:}" 2> /dev/null | hexdump -v -e '1/1 "%02x"')
        say malformed "$1 $who ${out:-none}"
    done
}
# ECHO_REQUEST of version 4; type 0x7f; a FLOW_MOD whose length (12) is too short for
# one; a header whose length (4) is shorter than a header; a HELLO of version 0.
malformed bad-version "$HELLO\004\002\000\010\000\000\000\130"
malformed bad-type "$HELLO\001\177\000\010\000\000\000\126"
malformed short-flow-mod "$HELLO\001\016\000\014\000\000\000\121\000\000\000\115"
malformed header-length-4 "$HELLO\001\012\000\004\000\000\000\144"
malformed hello-version-0 '\000\000\000\010\000\000\000\007'
kill $OFS

# --- forwarding through the switch, and the Linux bridge baseline ---
say rtt-switch "$(ns h1 $PING -q -c 100 -i 0.01 -W 2 10.0.1.2 | rtt)"
ns h2 labnet echo-server 7 &
sleep 1
say echo-switch "$(ns h1 labnet echo-client 10.0.1.2 7 10485760 60)"
$IP link add lbr type bridge forward_delay 0 stp_state 0
$IP link set lbr up
for i in 1 2; do
    $IP netns add "b$i"
    $IP link add "b$i-br" type veth peer name "b$i-eth"
    $IP link set "b$i-eth" netns "b$i"
    $IP link set "b$i-br" master lbr up
    ns "b$i" ip link set lo up
    ns "b$i" ip addr add "10.0.2.$i/24" dev "b$i-eth"
    ns "b$i" ip link set "b$i-eth" up
done
ns b1 $PING -c 1 -W 5 10.0.2.2 > /dev/null
say rtt-bridge "$(ns b1 $PING -q -c 100 -i 0.01 -W 2 10.0.2.2 | rtt)"
ns b2 labnet echo-server 7 &
sleep 1
say echo-bridge "$(ns b1 labnet echo-client 10.0.2.2 7 10485760 60)"

# --- the hosted controller goes away: fail-secure keeps forwarding on the flows ---
kill $CTL
$IP addr del 10.0.9.4/24 dev xenbr0
sleep 2
say ping-no-controller "$(pings h1 10.0.1.2 10 0.1)"

# --- the controller image takes the address as a second domU ---
cat > /etc/xen/ctl.cfg << 'CFG'
name = "ctl"
type = "pvh"
kernel = "/tools/controller.elf"
memory = 32
vcpus = 1
vif = [ 'bridge=xenbr0,mac=00:16:3e:00:09:04,script=/etc/xen/scripts/lab-vif' ]
extra = "ip=10.0.9.4/24"
on_poweroff = "destroy"
on_crash = "preserve"
CFG
xl create /etc/xen/ctl.cfg > /tmp/ctl-create.log 2>&1 || sed 's/^/OFLAB: diag /' /tmp/ctl-create.log
say connected-domu "$(seen $CONSOLE/guest-ctl.log "up from 10.0.9.2")"
# The learned flows go, so the next pings need the controller domU.
ovs-ofctl del-flows $SWITCH icmp
ovs-ofctl del-flows $SWITCH arp
ns h1 ip neigh flush all
ns h2 ip neigh flush all
say ping-domu-controller "$(pings h1 10.0.1.2 10 0.1)"

# --- the controller domU restarted: the switch forwards meanwhile and reconnects ---
xl shutdown ctl > /dev/null 2>&1
gone ctl
mv $CONSOLE/guest-ctl.log /tmp/ctl-first.log
say ctl-packet-ins "$(sed -n 's/^controller: \([0-9]*\) packet_ins.*/\1/p' /tmp/ctl-first.log | tail -n 1)"
say ping-domu-gone "$(pings h1 10.0.1.2 10 0.1)"
xl create /etc/xen/ctl.cfg > /tmp/ctl-create.log 2>&1 || sed 's/^/OFLAB: diag /' /tmp/ctl-create.log
say reconnected "$(seen $CONSOLE/guest-ctl.log "up from 10.0.9.2")"
say drops-after "$(ovs-ofctl dump-flows $SWITCH 2>&1 | grep -c "actions=drop")"
say ping-after "$(pings h1 10.0.1.2 10 0.1)"
xl shutdown ctl > /dev/null 2>&1
gone ctl
sed 's/^/OFLAB: ctl /' /tmp/ctl-first.log $CONSOLE/guest-ctl.log

# --- the switch domU ends ---
xl shutdown guest > /dev/null 2>&1
gone guest
say gone "$(xl list guest > /dev/null 2>&1 && echo no || echo yes)"
sed 's/^/OFLAB: domu /' $CONSOLE/guest-guest.log
say done
