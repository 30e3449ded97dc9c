#!/usr/bin/env bash
# Boots the controller image as the lab's domU and checks from dom0 that it speaks
# OpenFlow: a TCP connection to 10.0.9.2:PORT receives a HELLO first (version 0x01,
# type 0, length 8), and `xl shutdown` ends the domain. Drives `xen-lab.sh shell`
# (dom0's console) with typed commands, so the lab itself needs no hook. Prints the
# domU's console, then "N passed, M failed"; the whole console goes to
# .build/controller-lab.log.
#
#   bash scripts/xen-lab/controller-lab.sh [IMAGE] [--cmdline "ip=10.0.9.2/24"] [--port N]
#                                          [--bench DIR]
#
# --bench DIR: DIR holds release builds of ofbench and ofcontroller (e.g. .build/release);
# they go into dom0 with their shared libraries (as the domU's ramdisk, which the image
# ignores: the lab's one way in) and dom0 runs `ofbench -t` against the domU, then
# against ofcontroller on dom0's loopback. Both share dom0's one vCPU with the
# benchmark, the domU has its own: compare them as such. XEN_LAB_SCRIPT picks the lab
# (default scripts/xen-lab.sh), XEN_LAB_DIR its cache. Exit 0 iff every check passed.
set -euo pipefail
cd "$(dirname "$0")/../.."

image=.build/unikernel/controller.elf cmdline="ip=10.0.9.2/24" port=6653 bench='' timeout=300
while (($#)); do
    case "$1" in
        --cmdline) cmdline=$2; shift 2 ;;
        --port) port=$2; shift 2 ;;
        --bench) bench=$2; shift 2 ;;
        -*) echo "usage: $0 [IMAGE] [--cmdline ARGS] [--port N] [--bench DIR]" >&2; exit 2 ;;
        *) image=$1; shift ;;
    esac
done
lab=${XEN_LAB_SCRIPT:-scripts/xen-lab.sh}
lab_args=(shell "$image" --cmdline "$cmdline")

# ofbench's throughput test: 4 switches of 100 MACs, 6 loops of 2 s, the first ignored.
ofbench_args="-t -s 4 -M 100 -m 2000 -l 6 -w 1 -p $port"

# Every line dom0 prints for us starts with the marker; the typed commands spell it
# split ("OF""LAB") so their echo on the console never matches.
commands=(
    't=0; until ping -c 1 -W 1 10.0.9.2 >/dev/null 2>&1 || [ $t -ge 30 ]; do t=$((t+1)); done'
    "echo \"OF\"\"LAB: ping \$t\""
    "echo \"OF\"\"LAB: hello \$(timeout 8 nc 10.0.9.2 $port </dev/null | head -c 8 | hexdump -v -e '8/1 \"%02x\"')\""
)
if [ -n "$bench" ]; then
    root=$(mktemp -d)
    trap 'rm -rf "$root"' EXIT
    mkdir -p "$root/bench/lib"
    for tool in ofbench ofcontroller; do
        [ -x "$bench/$tool" ] || { echo "$0: no $bench/$tool" >&2; exit 2; }
        cp "$bench/$tool" "$root/bench/"
        ldd "$bench/$tool" | awk '/=> \// { print $3 }' | xargs -r cp -L -t "$root/bench/lib/"
    done
    strip --strip-unneeded "$root"/bench/of* "$root"/bench/lib/*
    # Uncompressed: the toolstack unpacks a gzip'd ramdisk into the domU's memory anyway.
    (cd "$root" && find bench | cpio -o -H newc -R 0:0 --quiet) > "$root/bench.cpio"
    size=$(( $(stat -c %s "$root/bench.cpio") >> 20 ))
    lab_args+=(--ramdisk "$root/bench.cpio" --memory $((size + 48)) --dom0-mem 768)
    commands+=(
        'cd / && cpio -id < /lab/guest.ramdisk 2>/dev/null; export LD_LIBRARY_PATH=/bench/lib'
        "/bench/ofbench -c 10.0.9.2 $ofbench_args 2>/dev/null | sed -n 's/^RESULT/OF''LAB: bench-domu &/p'"
        "/bench/ofcontroller --app learning --listen 127.0.0.1:$port --status-interval 0 >/dev/null 2>&1 & sleep 5"
        "/bench/ofbench -c 127.0.0.1 $ofbench_args 2>/dev/null | sed -n 's/^RESULT/OF''LAB: bench-dom0 &/p'; kill %1"
    )
fi
commands+=(
    'xl shutdown guest; t=0; while xl list guest >/dev/null 2>&1 && [ $t -lt 100 ]; do sleep 0.2; t=$((t+1)); done'
    'echo "OF""LAB: gone $(xl list guest >/dev/null 2>&1 && echo no || echo yes)"'
    'sed "s/^/OF""LAB: domu /" /var/log/xen/console/guest-guest.log; echo "OF""LAB: done"'
)

# Its own process group (setsid without a fork: exec'd in place), so QEMU, which the
# shell subcommand leaves running, goes with it at the end.
coproc LAB { exec setsid bash "$lab" "${lab_args[@]}" 2>&1; }
lab_pid=$LAB_PID
trap 'kill -- -$lab_pid 2>/dev/null || true; rm -rf "${root:-}"' EXIT
hello='' gone='' sent=0 domu_bench='' dom0_bench=''
log=.build/controller-lab.log
mkdir -p .build
: > "$log"
while IFS= read -r -t "$timeout" line <&"${LAB[0]}"; do
    line=${line//[^[:print:]]/}
    printf '%s\n' "$line" >> "$log"
    case "$line" in
        *"Leaving this shell"*)
            ((sent)) || for command in "${commands[@]}"; do printf '%s\n' "$command" >&"${LAB[1]}"; sleep 0.5; done
            sent=1 ;;
        "OFLAB: ping "*) echo "controller answered ping after ${line#OFLAB: ping } tries" ;;
        "OFLAB: hello "*) hello=${line#OFLAB: hello } ;;
        "OFLAB: bench-domu "*) domu_bench=${line#OFLAB: bench-domu }; echo "result: bench-domu $domu_bench" ;;
        "OFLAB: bench-dom0 "*) dom0_bench=${line#OFLAB: bench-dom0 }; echo "result: bench-dom0-ofcontroller $dom0_bench" ;;
        "OFLAB: gone "*) gone=${line#OFLAB: gone } ;;
        "OFLAB: domu "*) echo "  | ${line#OFLAB: domu }" ;;
        "OFLAB: done"*) break ;;
    esac
done

passed=0 failed=0
verdict() { # name, 1 for pass, detail
    if (($2)); then passed=$((passed + 1)); echo "check: $1 pass $3"; else failed=$((failed + 1)); echo "check: $1 fail $3"; fi
}
# HELLO: version 1, type 0, length 8, any xid.
verdict openflow-hello "$([[ $hello == 01000008???????? ]] && echo 1 || echo 0)" "first 8 bytes from :$port: ${hello:-none}"
if [ -n "$bench" ]; then
    verdict bench-domu "$([ -n "$domu_bench" ] && echo 1 || echo 0)" "ofbench against the domU: ${domu_bench:-no RESULT}"
    verdict bench-dom0 "$([ -n "$dom0_bench" ] && echo 1 || echo 0)" "ofbench against dom0's ofcontroller: ${dom0_bench:-no RESULT}"
fi
verdict domu-shutdown "$([[ $gone == yes ]] && echo 1 || echo 0)" "gone after xl shutdown: ${gone:-unknown}"
if ((failed)); then
    echo "-- the lab's console (all of it in $log):"
    tail -n 30 "$log" | sed 's/^/  | /'
fi
echo "$passed passed, $failed failed"
((failed == 0))
