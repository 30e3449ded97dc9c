#!/bin/sh
# /init of the xen-lab's Linux PV dom0 (busybox sh). scripts/xen-lab.sh prepare packs
# it into the dom0 initramfs; `xen-lab.sh domu` appends a small cpio with /lab/guest.elf
# (the image under test) and /lab/params (shell variables, below).
#
# It brings up the Xen toolstack (modules, xenfs, xenstored, xenconsoled, xen-init-dom0),
# a bridge xenbr0 with dom0 at $LAB_DOM0_IP, a Linux network namespace "peer" on the
# same bridge through a veth ($LAB_PEER_IP: the baseline), then `xl create`s the image
# as a PVH domU with a vif on xenbr0 and runs the checks against both.
#
# Everything the host reads is on the console, one line each, prefixed `LAB: `:
#   LAB: mark NAME                   a point in time (the host stamps it on arrival)
#   LAB: result KEY VALUE...         a measurement
#   LAB: check NAME pass|fail DETAIL one check
#   LAB: diag ...                    diagnostics after a failure (xenstore, vif counters)
#   LAB: summary N passed, M failed  the end (the host then stops QEMU)
# and the domU's console lines, as they come, prefixed `DOMU: `.

export PATH=/usr/local/bin:/usr/lib/xen-4.17/bin:/bin:/sbin:/usr/bin:/usr/sbin
export HOME=/root
# Debian's busybox-static runs its own applets in preference to anything on PATH
# (FEATURE_PREFER_APPLETS): iproute2's ip and iputils' ping are called by path.
IP=/usr/local/bin/ip
PING=/usr/local/bin/ping

lab() { echo "LAB: $*"; }
# dom0's clock in centiseconds, and the seconds since such a time.
now_cs() { read -r up _ < /proc/uptime; echo "${up%.*}${up#*.}"; }
since() { d=$(($(now_cs) - $1)); echo "$((d / 100)).$((d / 10 % 10))s"; }

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
exec < /dev/console > /dev/console 2>&1
mkdir -p /dev/pts /dev/shm /run /tmp
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
mkdir -p /run/xen /run/xenstored /run/netns /var/lib/xen /var/lib/xenstored \
    /var/log/xen/console /var/lock
ln -sf /run /var/run 2>/dev/null
# Kernel messages would interleave with our lines on the console: keep them off it.
echo "1 4 1 7" > /proc/sys/kernel/printk

lab mark dom0-init
. /lab/params
# --dom0-files: tools for the checks (a cpio unpacked over /), never given to the domU.
if [ -f /lab/dom0-files.cpio ]; then
    (cd / && cpio -id < /lab/dom0-files.cpio 2>/dev/null)
    rm -f /lab/dom0-files.cpio
fi

PASSED=0
FAILED=0
check() { # NAME pass|fail DETAIL...
    name=$1; state=$2; shift 2
    lab check "$name" "$state" "$*"
    if [ "$state" = pass ]; then PASSED=$((PASSED + 1)); else FAILED=$((FAILED + 1)); fi
}
finish() {
    lab summary "$PASSED passed, $FAILED failed"
    sync
    poweroff -f
}
fatal() { # a step without which nothing else can run
    check "$1" fail "$2"
    dmesg | tail -n 30 | sed 's/^/LAB: dmesg /'
    finish
}

# --- Xen toolstack ---
while read -r module; do
    insmod "/lib/modules/$module" || fatal dom0-toolstack "insmod $module failed"
done < /etc/lab-modules
mount -t xenfs xenfs /proc/xen || fatal dom0-toolstack "mount xenfs failed"
grep -q control_d /proc/xen/capabilities || fatal dom0-toolstack "not the control domain"
xenstored --pid-file=/run/xenstored.pid || fatal dom0-toolstack "xenstored failed"
xenconsoled --pid-file=/run/xenconsoled.pid --log=guest --log-dir=/var/log/xen/console \
    || fatal dom0-toolstack "xenconsoled failed"
xen-init-dom0 > /tmp/xen-init-dom0.log 2>&1 || {
    sed 's/^/LAB: xen-init-dom0 /' /tmp/xen-init-dom0.log
    fatal dom0-toolstack "xen-init-dom0 failed"
}
lab mark toolstack-up

# --- network: xenbr0 with dom0 and the baseline peer namespace on it ---
net() { $IP "$@" 2> /tmp/ip.err || fatal dom0-network "ip $*: $(tr '\n' ' ' < /tmp/ip.err)"; }
net link set lo up
net link add xenbr0 type bridge forward_delay 0 stp_state 0
net addr add "$LAB_DOM0_IP/24" dev xenbr0
net link set xenbr0 up
net netns add peer
net link add vpeer type veth peer name vpeer-ns
net link set vpeer-ns netns peer
net link set vpeer master xenbr0
net link set vpeer up
net netns exec peer ip link set lo up
net netns exec peer ip addr add "$LAB_PEER_IP/24" dev vpeer-ns
net netns exec peer ip link set vpeer-ns up
$IP netns exec peer labnet echo-server "$LAB_ECHO_PORT" &
PEER_ECHO=$!
# DHCP on the bridge for a guest booted with `dhcp`: its MAC always gets $LAB_GUEST_IP.
cat > /etc/udhcpd.conf <<EOF
start $LAB_GUEST_IP
end $LAB_GUEST_IP
interface xenbr0
static_lease $LAB_GUEST_MAC $LAB_GUEST_IP
lease_file /tmp/udhcpd.leases
option subnet 255.255.255.0
option router $LAB_DOM0_IP
option lease 3600
EOF
touch /tmp/udhcpd.leases
udhcpd -S /etc/udhcpd.conf || fatal dom0-network "udhcpd failed"
# --port-bridges: vif I (I >= 1) goes on its own bridge portI, with a namespace hI
# (10.0.1.I/24) behind a veth: the hosts on a switch image's ports.
if [ "${LAB_PORT_BRIDGES:-0}" = 1 ]; then
    i=1
    while [ "$i" -lt "${LAB_VIFS:-1}" ]; do
        net link add "port$i" type bridge forward_delay 0 stp_state 0
        net link set "port$i" up
        net netns add "h$i"
        net link add "h$i-br" type veth peer name "h$i-eth"
        net link set "h$i-eth" netns "h$i"
        net link set "h$i-br" master "port$i"
        net link set "h$i-br" up
        net netns exec "h$i" ip link set lo up
        net netns exec "h$i" ip addr add "10.0.1.$i/24" dev "h$i-eth"
        net netns exec "h$i" ip link set "h$i-eth" up
        i=$((i + 1))
    done
fi
lab mark network-up

# One target, measured the same way for the domU and for the peer.
#   measure NAME IP
measure() {
    who=$1; ip=$2
    t=$(now_cs)
    until $PING -c 1 -W 1 "$ip" > /dev/null 2>&1; do
        if [ $(($(now_cs) - t)) -ge $((LAB_READY_TIMEOUT * 100)) ]; then
            check "ping-$who" fail "$ip never answered a ping within ${LAB_READY_TIMEOUT}s"
            check "echo-$who" fail "skipped: $ip unreachable"
            return
        fi
    done
    lab mark "$who-reachable"
    lab result "$who-first-ping-reply-after" "$(since "$t")"
    # -w bounds a run that loses replies (each unanswered ARP costs seconds).
    $PING -q -c "$LAB_PINGS" -i "$LAB_PING_INTERVAL" -W 2 -w "$LAB_PING_DEADLINE" "$ip" > /tmp/ping-$who.txt 2>&1
    summary=$(grep 'packets transmitted' /tmp/ping-$who.txt)
    rtt=$(grep -E '^(rtt|round-trip)' /tmp/ping-$who.txt | sed 's/.*= //')
    lab result "ping-$who" "$summary; rtt min/avg/max/mdev $rtt"
    tx=$(echo "$summary" | sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p')
    rx=$(echo "$summary" | sed -n 's/.* \([0-9]*\) received.*/\1/p')
    if [ -n "$tx" ] && [ "$tx" = "$LAB_PINGS" ] && [ "$rx" = "$tx" ]; then
        check "ping-$who" pass "$rx/$tx replies, rtt $rtt"
    else
        check "ping-$who" fail "${rx:-?}/${tx:-?} replies of $LAB_PINGS: $(tail -n 3 /tmp/ping-$who.txt | tr '\n' ' ')"
    fi
    out=$(labnet echo-client "$ip" "$LAB_ECHO_PORT" "$LAB_ECHO_BYTES" "$LAB_ECHO_TIMEOUT")
    lab result "echo-$who" "$out"
    case "$out" in
        "echo ok "*) check "echo-$who" pass "${out#echo ok }" ;;
        *) check "echo-$who" fail "$out" ;;
    esac
}

# --- the baseline: a Linux namespace on the same bridge ---
[ "$LAB_INTERACTIVE" = 1 ] || measure peer "$LAB_PEER_IP"

# --- the domU ---
# Vifs 1..LAB_VIFS-1 (--vifs): MAC 00:16:3e:00:09:1I, and the guest answers at 10.0.9.1I.
more_vifs() {
    i=1
    while [ "$i" -lt "${LAB_VIFS:-1}" ]; do
        bridge=xenbr0
        [ "${LAB_PORT_BRIDGES:-0}" = 1 ] && bridge=port$i
        printf ", 'bridge=%s,mac=00:16:3e:00:09:1%d,script=/etc/xen/scripts/lab-vif'" "$bridge" "$i"
        i=$((i + 1))
    done
}

cat > /etc/xen/guest.cfg <<EOF
name = "guest"
type = "pvh"
kernel = "/lab/guest.elf"
memory = $LAB_MEMORY
vcpus = 1
vif = [ 'bridge=xenbr0,mac=$LAB_GUEST_MAC,script=/etc/xen/scripts/lab-vif'$(more_vifs) ]
on_poweroff = "destroy"
on_reboot = "destroy"
on_crash = "preserve"
EOF
[ -n "$LAB_CMDLINE" ] && echo "extra = \"$LAB_CMDLINE\"" >> /etc/xen/guest.cfg
[ -f /lab/guest.ramdisk ] && echo 'ramdisk = "/lab/guest.ramdisk"' >> /etc/xen/guest.cfg

labnet follow /var/log/xen/console/guest-guest.log "DOMU: " &
FOLLOW=$!
lab mark xl-create
if xl create /etc/xen/guest.cfg > /tmp/xl-create.log 2>&1; then
    lab mark xl-created
    check xl-create pass "domid $(xl domid guest 2>/dev/null)"
else
    sed 's/^/LAB: xl-create /' /tmp/xl-create.log
    check xl-create fail "xl create exited non-zero"
    kill "$FOLLOW" 2>/dev/null
    finish
fi

# `xen-lab.sh shell`: hand the console to a person instead of running the checks.
if [ "$LAB_INTERACTIVE" = 1 ]; then
    kill "$FOLLOW" 2>/dev/null
    echo "
xen-lab shell: the domU \"guest\" is running (config /etc/xen/guest.cfg). Try:
  xl list; xl console guest (leave with Ctrl-]); cat /var/log/xen/console/guest-guest.log
  ping $LAB_GUEST_IP; labnet echo-client $LAB_GUEST_IP $LAB_ECHO_PORT 1000000
  ip netns exec peer ping $LAB_GUEST_IP; xenstore-ls -f /local/domain/0/backend/vif
  xl shutdown guest; xl dmesg
Leaving this shell (exit) powers the machine off."
    setsid cttyhack sh -l
    finish
fi

# The domU's console: the first line must come within LAB_READY_TIMEOUT seconds.
t=$(now_cs)
while [ ! -s /var/log/xen/console/guest-guest.log ] && [ $(($(now_cs) - t)) -lt $((LAB_READY_TIMEOUT * 100)) ]; do
    sleep 0.1
done
if [ -s /var/log/xen/console/guest-guest.log ]; then
    check domu-console pass "console output $(since "$t") after xl create returned"
else
    check domu-console fail "no console output within ${LAB_READY_TIMEOUT}s"
fi

# The domU's vif: netback reaches Connected (4) once the guest's netfront has connected.
# A guest that never does cannot answer pings: say so instead of pinging for nothing.
domid=$(xl domid guest 2>/dev/null)
vif_state() { xenstore-read "/local/domain/0/backend/vif/$domid/${1:-0}/state" 2>/dev/null; }

# Each extra vif (--vifs) must be Connected and answer 100 pings at 10.0.9.1I.
check_more_vifs() {
    [ "${LAB_PORT_BRIDGES:-0}" = 1 ] && return
    i=1
    while [ "$i" -lt "${LAB_VIFS:-1}" ]; do
        vif_t=$(now_cs)
        while [ "$(vif_state "$i")" != 4 ] && [ $(($(now_cs) - vif_t)) -lt $((LAB_READY_TIMEOUT * 100)) ]; do sleep 0.2; done
        if [ "$(vif_state "$i")" != 4 ]; then
            check "ping-domu-vif$i" fail "vif $i: netback state $(vif_state "$i"), not 4 (Connected)"
        else
            $PING -q -c 100 -i 0.01 -w 30 "10.0.9.1$i" > "/tmp/ping-vif$i.txt" 2>&1
            got=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "/tmp/ping-vif$i.txt")
            rtt=$(sed -n 's/^rtt [^=]*= //p' "/tmp/ping-vif$i.txt")
            if [ "${got:-0}" = 100 ]; then check "ping-domu-vif$i" pass "100/100 replies from 10.0.9.1$i, rtt $rtt"
            else check "ping-domu-vif$i" fail "${got:-0}/100 replies from 10.0.9.1$i"; fi
        fi
        i=$((i + 1))
    done
}
t=$(now_cs)
while [ "$(vif_state)" != 4 ] && [ $(($(now_cs) - t)) -lt $((LAB_READY_TIMEOUT * 100)) ] &&
    xl list guest > /dev/null 2>&1; do
    sleep 0.2
done
state=$(vif_state)
if [ "$state" = 4 ]; then
    lab mark vif-connected
    check domu-vif pass "netback Connected $(since "$t") after the console check"
    before=$FAILED
    measure domu "$LAB_GUEST_IP"
    check_more_vifs
    if [ "$FAILED" -gt "$before" ]; then
        # The backend's counters (its tx is what reached the guest), and the bridge's view.
        { $IP -s link show dev "vif$domid.0"; $IP neigh show dev xenbr0; } 2>&1 | sed 's/^/LAB: diag /'
    fi
else
    case "$state" in
        2) why="netback state 2 (InitWait): the guest's netfront never connected" ;;
        3) why="netback state 3 (Initialised): the guest's netfront did not finish connecting" ;;
        "") why="no vif backend in xenstore (the domain is gone?)" ;;
        *) why="netback state $state, not 4 (Connected)" ;;
    esac
    check domu-vif fail "$why (waited ${LAB_READY_TIMEOUT}s)"
    # Both halves of the vif in xenstore, for whoever debugs the guest's netfront.
    xenstore-ls -f "/local/domain/$domid/device/vif" 2>&1 | sed 's/^/LAB: diag /'
    xenstore-ls -f "/local/domain/0/backend/vif/$domid" 2>&1 | sed 's/^/LAB: diag /'
    check ping-domu fail "skipped: no connected vif"
    check echo-domu fail "skipped: no connected vif"
fi

# A guest that runs its own selftest reports it on its console too.
st=$(grep -o 'selftest: [0-9]* passed, [0-9]* failed' /var/log/xen/console/guest-guest.log | tail -n 1)
if [ -n "$st" ]; then
    case "$st" in
        *", 0 failed") check domu-selftest pass "$st" ;;
        *) check domu-selftest fail "$st" ;;
    esac
fi

# --- shutdown: the domain must go away by itself ---
# `xl shutdown` asks the guest (xenstore control/shutdown); the guest shuts itself
# down; xl's own background process (left by xl create) then destroys the domain
# (on_poweroff = "destroy"). We wait for the domain to vanish from `xl list`.
lab mark xl-shutdown
state=$(xl list guest 2>/dev/null | awk 'NR == 2 { print $5 }')
case "$state" in
    *c*) check domu-alive fail "the domU crashed (xl list state $state)" ;;
    ?*) check domu-alive pass "xl list state $state" ;;
esac
if [ -n "$state" ]; then
    t=$(now_cs)
    xl shutdown guest > /tmp/xl-shutdown.log 2>&1 &
    while xl list guest > /dev/null 2>&1 && [ $(($(now_cs) - t)) -lt $((LAB_SHUTDOWN_TIMEOUT * 100)) ]; do
        sleep 0.2
    done
    if xl list guest > /dev/null 2>&1; then
        state=$(xl list guest 2>/dev/null | awk 'NR == 2 { print $5 }')
        check domu-shutdown fail "still there ${LAB_SHUTDOWN_TIMEOUT}s after xl shutdown (state $state): $(tr '\n' ' ' < /tmp/xl-shutdown.log)"
        xl destroy guest > /dev/null 2>&1
    else
        lab mark domu-gone
        check domu-shutdown pass "gone $(since "$t") after xl shutdown"
    fi
else
    check domu-shutdown fail "the domain had already gone before xl shutdown (crashed or exited)"
fi
sleep 0.2
kill "$FOLLOW" "$PEER_ECHO" 2>/dev/null

if [ "$FAILED" -gt 0 ]; then
    lab mark domu-console-log
    sed 's/^/DOMU-LOG: /' /var/log/xen/console/guest-guest.log 2>/dev/null | tail -n 100
    xl dmesg 2>/dev/null | tail -n 40 | sed 's/^/LAB: xl-dmesg /'
fi
finish
