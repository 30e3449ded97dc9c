#!/usr/bin/env bash
# Boots the switch image as the lab's domU with three ports (vifs 1..3, each on a bridge
# of its own with a host namespace hI at 10.0.1.I behind it) and its management vif at
# 10.0.9.2, with Images/switch/firewall.flows as its ramdisk (as FLOW_MODs, written by
# ofswitch --write-flow-mods; h1 and h3 may not talk over IP). Its controller is 10.0.9.4:6653: first the hosted `ofcontroller` (learning
# switch) in dom0 on that address, then the controller image as a second domU. Checks:
#   - the switch connects to the hosted controller;
#   - pings h1->h2 and h2->h3 pass through the switch, h1->h3 is blocked by the flows;
#   - `ovs-ofctl dump-flows` against the switch's passive listener (listen=6634) shows
#     the firewall's flows and the controller's;
#   - malformed OpenFlow to that listener gets the same OFPT_ERRORs, byte for byte, as
#     from a hosted ofswitch in dom0, and the expected type and code;
#   - a 10 MB TCP echo h1->h2 through the switch, and the same between two namespaces
#     on a Linux bridge in the same dom0 (the baseline), with ping round trips for both;
#   - the hosted controller killed: the switch keeps forwarding (fail-secure keeps the
#     flows); the controller image started as a domU on the same address: the switch
#     reconnects by itself and h1->h2 pings through flows the domU installs (the
#     learned flows deleted first);
#   - the controller domU shut down and created again: the switch keeps forwarding
#     meanwhile, keeps its boot flows, and reconnects; the domU counts packet_ins;
#   - `xl shutdown` ends the switch domain, which prints its per-port totals.
# Drives `xen-lab.sh shell` (dom0's console) with one typed command that runs
# scripts/xen-lab/switch-steps.sh in dom0. Prints the domU's console, then "N passed, M
# failed"; the whole console goes to .build/switch-lab.log.
#
#   bash scripts/xen-lab/switch-lab.sh [IMAGE] [--tools DIR] [--controller-image ELF]
#
# --tools DIR holds the ofcontroller and ofswitch builds dom0 runs (default .build/debug; CI's
# `swift build` makes it); it goes into dom0 with ovs-ofctl and their shared libraries
# (xen-lab.sh --dom0-files: about 80 MB unpacked, hence 768 MB for dom0), and so does
# the controller image (default .build/unikernel/controller.elf). XEN_LAB_SCRIPT picks the lab (default scripts/xen-lab.sh),
# XEN_LAB_DIR its cache. Exit 0 iff every check passed.
set -euo pipefail
shopt -s extglob
cd "$(dirname "$0")/../.."

image=.build/unikernel/switch.elf tools=.build/debug timeout=420 controller_image=.build/unikernel/controller.elf
while (($#)); do
    case "$1" in
        --tools) tools=$2; shift 2 ;;
        --controller-image) controller_image=$2; shift 2 ;;
        -*) echo "usage: $0 [IMAGE] [--tools DIR] [--controller-image ELF]" >&2; exit 2 ;;
        *) image=$1; shift ;;
    esac
done
lab=${XEN_LAB_SCRIPT:-scripts/xen-lab.sh}
for tool in ofcontroller ofswitch; do
    [ -x "$tools/$tool" ] || { echo "$0: no $tools/$tool (swift build first)" >&2; exit 2; }
done
[ -f "$controller_image" ] || { echo "$0: no $controller_image (scripts/unikernel.sh build controller)" >&2; exit 2; }
ofctl=$(command -v ovs-ofctl) || { echo "$0: ovs-ofctl is missing (apt-get install openvswitch-switch)" >&2; exit 2; }

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/tools/lib"
cp "$tools/ofcontroller" "$tools/ofswitch" "$ofctl" "$root/tools/"
cp "$controller_image" "$root/tools/controller.elf"
cp scripts/xen-lab/switch-steps.sh "$root/tools/"
for tool in "$tools/ofcontroller" "$tools/ofswitch" "$ofctl"; do
    ldd "$tool" | awk '/=> \// { print $3 }' | xargs -r cp -L -t "$root/tools/lib/"
done
strip --strip-unneeded "$root"/tools/ofcontroller "$root"/tools/ofswitch "$root"/tools/ovs-ofctl "$root"/tools/lib/* 2>/dev/null || true
# The boot flows as the image reads them: FLOW_MOD messages.
"$tools/ofswitch" --flows Images/switch/firewall.flows --write-flow-mods "$root/firewall.ofm"
(cd "$root" && find tools | cpio -o -H newc -R 0:0 --quiet) > "$root/tools.cpio"
lab_args=(shell "$image" --cmdline "ip=10.0.9.2/24 controller=10.0.9.4:6653 listen=6634"
    --vifs 4 --port-bridges --ramdisk "$root/firewall.ofm" --dom0-files "$root/tools.cpio"
    --dom0-mem 768)

# dom0 runs the steps (scripts/xen-lab/switch-steps.sh, shipped with the tools) and
# prints one `OFLAB: KEY VALUE` line for each thing it saw.
commands=('sh /tools/switch-steps.sh 2>&1')

# Its own process group (setsid without a fork: exec'd in place), so QEMU, which the
# shell subcommand leaves running, goes with it at the end.
coproc LAB { exec setsid bash "$lab" "${lab_args[@]}" 2>&1; }
lab_pid=$LAB_PID
trap 'kill -- -$lab_pid 2>/dev/null || true; rm -rf "$root"' EXIT
declare -A got=() malformed=()
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
        "OFLAB: ctl "*) echo "  ctl| ${line#OFLAB: ctl }" ;;
        "OFLAB: malformed "*) read -r _ _ case_ who hex <<< "$line"; malformed[$case_:$who]=$hex ;;
        "OFLAB: diag "*) echo "  diag: ${line#OFLAB: diag }" ;;
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
verdict connected "$(is connected '+([0-9])')" "the switch reached the controller after $(value connected) s"
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
# The malformed cases of switch-steps.sh: the error type/code (hex) each must get.
# shellcheck source=openflow-errors.sh
source scripts/xen-lab/openflow-errors.sh
malformed_verdicts ofswitch "bad-version 0001/0000 BAD_REQUEST/BAD_VERSION" "bad-type 0001/0001 BAD_REQUEST/BAD_TYPE" \
    "short-flow-mod 0001/0006 BAD_REQUEST/BAD_LEN" "header-length-4 0001/0006 BAD_REQUEST/BAD_LEN" \
    "hello-version-0 0000/0000 HELLO_FAILED/INCOMPATIBLE"
verdict fail-secure "$(is ping-no-controller 10)" "$(value ping-no-controller)/10 replies with the hosted controller gone"
verdict controller-domu "$(is connected-domu '+([0-9])')" "the switch connected to the controller domU $(value connected-domu) s after xl create"
verdict ping-domu-controller "$(is ping-domu-controller 10)" "$(value ping-domu-controller)/10 replies h1->h2 under the controller domU (learned flows deleted first)"
verdict ctl-packet-ins "$([[ $(value ctl-packet-ins) =~ ^[0-9]+$ ]] && (($(value ctl-packet-ins) > 0)) && echo 1 || echo 0)" "the controller domU handled $(value ctl-packet-ins) packet_ins"
verdict fail-secure-domu "$(is ping-domu-gone 10)" "$(value ping-domu-gone)/10 replies while the controller domU restarts"
verdict reconnect "$(is reconnected '+([0-9])')" "the switch reconnected $(value reconnected) s after the controller domU was created again"
verdict flows-kept "$(is drops-after 2)" "$(value drops-after) boot drop flows after the controller's restarts"
verdict ping-after "$(is ping-after 10)" "$(value ping-after)/10 replies after the restart"
verdict domu-shutdown "$(is gone yes)" "gone after xl shutdown: $(value gone)"
echo "switch-lab: $((SECONDS - started)) s"
if ((failed)); then
    echo "-- the lab's console (all of it in $log):"
    tail -n 40 "$log" | sed 's/^/  | /'
fi
echo "$passed passed, $failed failed"
((failed == 0))
