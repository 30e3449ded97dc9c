#!/usr/bin/env bash
# Boots the switch image as the lab's domU with three ports (vifs 1..3, each on a bridge
# of its own with a host namespace hI at 10.0.1.I behind it) and its management vif at
# 10.0.9.2, with Images/switch/firewall.flows as its ramdisk (h1 and h3 may not talk
# over IP). dom0 runs the hosted `ofcontroller` (learning switch) on 10.0.9.1:6653, and
# checks:
#   - the switch connects to the controller;
#   - pings h1->h2 and h2->h3 pass through the switch, h1->h3 is blocked by the flows;
#   - `ovs-ofctl dump-flows` against the switch's passive listener (listen=6634) shows
#     the firewall's flows and the controller's;
#   - a 10 MB TCP echo h1->h2 through the switch, and the same between two namespaces
#     on a Linux bridge in the same dom0 (the baseline), with ping round trips for both;
#   - the controller killed: the switch keeps forwarding (fail-secure keeps the flows);
#     the controller restarted: the switch reconnects by itself;
#   - `xl shutdown` ends the domain, which prints its per-port totals.
# Drives `xen-lab.sh shell` (dom0's console) with typed commands, as controller-lab.sh
# does. Prints the domU's console, then "N passed, M failed"; the whole console goes to
# .build/switch-lab.log.
#
#   bash scripts/xen-lab/switch-lab.sh [IMAGE] [--tools DIR]
#
# --tools DIR holds the ofcontroller build dom0 runs (default .build/debug; CI's
# `swift build` makes it); it goes into dom0 with ovs-ofctl and their shared libraries
# (xen-lab.sh --dom0-files: about 80 MB unpacked, hence 768 MB for dom0). XEN_LAB_SCRIPT picks the lab (default scripts/xen-lab.sh),
# XEN_LAB_DIR its cache. Exit 0 iff every check passed.
set -euo pipefail
cd "$(dirname "$0")/../.."

image=.build/unikernel/switch.elf tools=.build/debug timeout=420
while (($#)); do
    case "$1" in
        --tools) tools=$2; shift 2 ;;
        -*) echo "usage: $0 [IMAGE] [--tools DIR]" >&2; exit 2 ;;
        *) image=$1; shift ;;
    esac
done
lab=${XEN_LAB_SCRIPT:-scripts/xen-lab.sh}
[ -x "$tools/ofcontroller" ] || { echo "$0: no $tools/ofcontroller (swift build first)" >&2; exit 2; }
ofctl=$(command -v ovs-ofctl) || { echo "$0: ovs-ofctl is missing (apt-get install openvswitch-switch)" >&2; exit 2; }

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/tools/lib"
cp "$tools/ofcontroller" "$ofctl" "$root/tools/"
for tool in "$tools/ofcontroller" "$ofctl"; do
    ldd "$tool" | awk '/=> \// { print $3 }' | xargs -r cp -L -t "$root/tools/lib/"
done
strip --strip-unneeded "$root"/tools/ofcontroller "$root"/tools/ovs-ofctl "$root"/tools/lib/* 2>/dev/null || true
(cd "$root" && find tools | cpio -o -H newc -R 0:0 --quiet) > "$root/tools.cpio"
lab_args=(shell "$image" --cmdline "ip=10.0.9.2/24 controller=10.0.9.1:6653 listen=6634"
    --vifs 4 --port-bridges --ramdisk Images/switch/firewall.flows --dom0-files "$root/tools.cpio"
    --dom0-mem 768)

# Every line dom0 prints for us starts with the marker; the typed commands spell it
# split ("OF""LAB") so their echo on the console never matches. `ns` runs a command in
# a namespace with iproute2's ip and iputils' ping (busybox would prefer its applets).
commands=(
    'export LD_LIBRARY_PATH=/tools/lib; ns() { n=$1; shift; /usr/local/bin/ip netns exec "$n" "$@"; }; P=/usr/local/bin/ping'
    'received() { sed -n "s/.* \([0-9]*\) received.*/\1/p"; }; rtt() { sed -n "s/^rtt [^=]*= //p"; }'
    '/tools/ofcontroller --app learning --listen 10.0.9.1:6653 --status-interval 0 > /tmp/ctl1.log 2>&1 & CTL=$!'
    't=0; until grep -q "up from" /tmp/ctl1.log || [ $t -ge 90 ]; do sleep 1; t=$((t+1)); done; echo "OF""LAB: connected $t"'
    'ns h1 $P -c 1 -W 5 10.0.1.2 >/dev/null; ns h2 $P -c 1 -W 5 10.0.1.3 >/dev/null'
    'echo "OF""LAB: ping-h1-h2 $(ns h1 $P -q -c 20 -i 0.05 -W 2 10.0.1.2 | received)"'
    'echo "OF""LAB: ping-h2-h3 $(ns h2 $P -q -c 20 -i 0.05 -W 2 10.0.1.3 | received)"'
    'echo "OF""LAB: ping-h1-h3 $(ns h1 $P -q -c 5 -i 0.2 -W 1 10.0.1.3 | received)"'
    '/tools/ovs-ofctl dump-flows tcp:10.0.9.2:6634 > /tmp/flows1.txt 2>&1; sed "s/^/OF""LAB: flow /" /tmp/flows1.txt'
    'echo "OF""LAB: drops $(grep -c "actions=drop" /tmp/flows1.txt) flows $(grep -c "priority=" /tmp/flows1.txt)"'
    'echo "OF""LAB: rtt-switch $(ns h1 $P -q -c 100 -i 0.01 -W 2 10.0.1.2 | rtt)"'
    'ns h2 labnet echo-server 7 & sleep 1; echo "OF""LAB: echo-switch $(ns h1 labnet echo-client 10.0.1.2 7 10485760 60)"'
    # The baseline: two namespaces on a Linux bridge in the same dom0.
    '/usr/local/bin/ip link add lbr type bridge forward_delay 0 stp_state 0; /usr/local/bin/ip link set lbr up'
    'for i in 1 2; do /usr/local/bin/ip netns add b$i; /usr/local/bin/ip link add b$i-br type veth peer name b$i-eth; /usr/local/bin/ip link set b$i-eth netns b$i; /usr/local/bin/ip link set b$i-br master lbr up; ns b$i ip link set lo up; ns b$i ip addr add 10.0.2.$i/24 dev b$i-eth; ns b$i ip link set b$i-eth up; done'
    'ns b1 $P -c 1 -W 5 10.0.2.2 >/dev/null; echo "OF""LAB: rtt-bridge $(ns b1 $P -q -c 100 -i 0.01 -W 2 10.0.2.2 | rtt)"'
    'ns b2 labnet echo-server 7 & sleep 1; echo "OF""LAB: echo-bridge $(ns b1 labnet echo-client 10.0.2.2 7 10485760 60)"'
    # The controller goes away: fail-secure keeps forwarding on the flows; then it returns.
    'kill $CTL; sleep 2; echo "OF""LAB: ping-no-controller $(ns h1 $P -q -c 10 -i 0.1 -W 2 10.0.1.2 | received)"'
    '/tools/ofcontroller --app learning --listen 10.0.9.1:6653 --status-interval 0 > /tmp/ctl2.log 2>&1 & CTL=$!'
    't=0; until grep -q "up from" /tmp/ctl2.log || [ $t -ge 60 ]; do sleep 1; t=$((t+1)); done; echo "OF""LAB: reconnected $t"'
    'echo "OF""LAB: drops-after $(/tools/ovs-ofctl dump-flows tcp:10.0.9.2:6634 2>&1 | grep -c "actions=drop")"'
    'echo "OF""LAB: ping-after $(ns h1 $P -q -c 10 -i 0.1 -W 2 10.0.1.2 | received)"'
    'kill $CTL; xl shutdown guest; t=0; while xl list guest >/dev/null 2>&1 && [ $t -lt 100 ]; do sleep 0.2; t=$((t+1)); done'
    'echo "OF""LAB: gone $(xl list guest >/dev/null 2>&1 && echo no || echo yes)"'
    'sed "s/^/OF""LAB: domu /" /var/log/xen/console/guest-guest.log; echo "OF""LAB: done"'
)

# Its own process group (setsid without a fork: exec'd in place), so QEMU, which the
# shell subcommand leaves running, goes with it at the end.
coproc LAB { exec setsid bash "$lab" "${lab_args[@]}" 2>&1; }
lab_pid=$LAB_PID
trap 'kill -- -$lab_pid 2>/dev/null || true; rm -rf "$root"' EXIT
declare -A got=()
sent=0 started=$SECONDS
log=.build/switch-lab.log
mkdir -p .build
: > "$log"
while IFS= read -r -t "$timeout" line <&"${LAB[0]}"; do
    line=${line//[^[:print:]]/}
    printf '%s\n' "$line" >> "$log"
    case "$line" in
        *"Leaving this shell"*)
            ((sent)) || for command in "${commands[@]}"; do printf '%s\n' "$command" >&"${LAB[1]}"; sleep 0.5; done
            sent=1 ;;
        "OFLAB: domu "*) echo "  | ${line#OFLAB: domu }" ;;
        "OFLAB: flow "*) echo "  flow: ${line#OFLAB: flow }" ;;
        "OFLAB: done"*) break ;;
        "OFLAB: "*)
            rest=${line#OFLAB: }
            got[${rest%% *}]=${rest#* } ;;
    esac
done

passed=0 failed=0
verdict() { # name, 1 for pass, detail
    if (($2)); then passed=$((passed + 1)); echo "check: $1 pass $3"; else failed=$((failed + 1)); echo "check: $1 fail $3"; fi
}
value() { echo "${got[$1]:-}"; }
is() { [[ $(value "$1") == $2 ]] && echo 1 || echo 0; }
verdict connected "$(is connected '[0-9]*')" "the switch reached the controller after $(value connected) s"
verdict ping-h1-h2 "$(is ping-h1-h2 20)" "$(value ping-h1-h2)/20 replies through the switch"
verdict ping-h2-h3 "$(is ping-h2-h3 20)" "$(value ping-h2-h3)/20 replies through the switch"
verdict firewall-h1-h3 "$(is ping-h1-h3 0)" "$(value ping-h1-h3)/5 replies: the boot flows drop h1<->h3"
drops=$(value drops)
verdict dump-flows "$([[ $drops == "2 flows "* && ${drops##* } -gt 2 ]] && echo 1 || echo 0)" "ovs-ofctl dump-flows: ${drops%% *} drop flows of ${drops##* }, the rest the controller's"
verdict echo-switch "$(is echo-switch 'echo ok*')" "10 MB h1->h2 through the switch: $(value echo-switch)"
verdict echo-bridge "$(is echo-bridge 'echo ok*')" "10 MB on the Linux bridge: $(value echo-bridge)"
echo "result: rtt-switch min/avg/max/mdev $(value rtt-switch)"
echo "result: rtt-bridge min/avg/max/mdev $(value rtt-bridge)"
rate() { sed -n 's/.*mbit_s=\([0-9.]*\).*/\1/p' <<< "$(value "$1")"; }
if [[ -n $(rate echo-switch) && -n $(rate echo-bridge) ]]; then
    echo "result: forwarding switch/bridge $(awk -v a="$(rate echo-switch)" -v b="$(rate echo-bridge)" 'BEGIN { printf "%.2f", a / b }')"
fi
verdict fail-secure "$(is ping-no-controller 10)" "$(value ping-no-controller)/10 replies with the controller gone"
verdict reconnect "$(is reconnected '[0-9]*')" "the switch reconnected $(value reconnected) s after the controller restarted"
verdict flows-kept "$(is drops-after 2)" "$(value drops-after) drop flows after the controller's restart"
verdict ping-after "$(is ping-after 10)" "$(value ping-after)/10 replies after the restart"
verdict domu-shutdown "$(is gone yes)" "gone after xl shutdown: $(value gone)"
echo "switch-lab: $((SECONDS - started)) s"
if ((failed)); then
    echo "-- the lab's console (all of it in $log):"
    tail -n 40 "$log" | sed 's/^/  | /'
fi
echo "$passed passed, $failed failed"
((failed == 0))
