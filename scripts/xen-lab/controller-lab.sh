#!/usr/bin/env bash
# Boots the controller image as the lab's domU and checks from dom0 that it speaks
# OpenFlow: a TCP connection to 10.0.9.2:PORT receives a HELLO first (version 0x01,
# type 0, length 8). Drives `xen-lab.sh shell` (dom0's console) with typed commands, so
# the lab itself needs no hook; the domU's console follows, then "N passed, M failed".
#
#   bash scripts/xen-lab/openflow-hello.sh [IMAGE] [--cmdline "ip=10.0.9.2/24"] [--port N]
#
# XEN_LAB_SCRIPT picks the lab (default scripts/xen-lab.sh); XEN_LAB_DIR its cache.
# Exit 0 iff the HELLO came and the domain went away after `xl shutdown`.
set -euo pipefail
cd "$(dirname "$0")/../.."

image=.build/unikernel/controller.elf cmdline="ip=10.0.9.2/24" port=6653 timeout=300
while (($#)); do
    case "$1" in
        --cmdline) cmdline=$2; shift 2 ;;
        --port) port=$2; shift 2 ;;
        -*) echo "usage: $0 [IMAGE] [--cmdline ARGS] [--port N]" >&2; exit 2 ;;
        *) image=$1; shift ;;
    esac
done
lab=${XEN_LAB_SCRIPT:-scripts/xen-lab.sh}

# Every line dom0 prints for us starts with the marker; the typed commands spell it
# split ("OF""LAB") so their echo on the console never matches.
commands=(
    't=0; until ping -c 1 -W 1 10.0.9.2 >/dev/null 2>&1 || [ $t -ge 30 ]; do t=$((t+1)); done'
    "echo \"OF\"\"LAB: ping \$t\""
    "echo \"OF\"\"LAB: hello \$(timeout 8 nc 10.0.9.2 $port </dev/null | head -c 8 | hexdump -v -e '8/1 \"%02x\"')\""
    'xl shutdown guest; t=0; while xl list guest >/dev/null 2>&1 && [ $t -lt 100 ]; do sleep 0.2; t=$((t+1)); done'
    'echo "OF""LAB: gone $(xl list guest >/dev/null 2>&1 && echo no || echo yes)"'
    'sed "s/^/OF""LAB: domu /" /var/log/xen/console/guest-guest.log; echo "OF""LAB: done"'
)

coproc LAB { setsid bash "$lab" shell "$image" --cmdline "$cmdline" 2>&1; }
lab_pid=$LAB_PID
trap 'kill -- -$lab_pid 2>/dev/null || true' EXIT
hello='' gone='' sent=0
while IFS= read -r -t "$timeout" line <&"${LAB[0]}"; do
    line=${line//[^[:print:]]/}
    case "$line" in
        *"Leaving this shell"*)
            ((sent)) || for command in "${commands[@]}"; do printf '%s\n' "$command" >&"${LAB[1]}"; sleep 0.5; done
            sent=1 ;;
        "OFLAB: ping "*) echo "controller answered ping after ${line#OFLAB: ping } tries" ;;
        "OFLAB: hello "*) hello=${line#OFLAB: hello } ;;
        "OFLAB: gone "*) gone=${line#OFLAB: gone } ;;
        "OFLAB: domu "*) echo "  | ${line#OFLAB: domu }" ;;
        "OFLAB: done"*) break ;;
    esac
done

passed=0 failed=0
verdict() { # name, pass?, detail
    if (($2)); then passed=$((passed + 1)); echo "check: $1 pass $3"; else failed=$((failed + 1)); echo "check: $1 fail $3"; fi
}
# HELLO: version 1, type 0, length 8, any xid.
verdict openflow-hello "$([[ $hello == 01000008???????? ]] && echo 1 || echo 0)" "first 8 bytes from :$port: ${hello:-none}"
verdict domu-shutdown "$([[ $gone == yes ]] && echo 1 || echo 0)" "gone after xl shutdown: ${gone:-unknown}"
echo "$passed passed, $failed failed"
((failed == 0))
