#!/usr/bin/env bash
# Boots the controller image as the lab's domU and checks from dom0 that it speaks
# OpenFlow: a TCP connection to 10.0.9.2:PORT receives a HELLO first (version 0x01,
# type 0, length 8), and `xl shutdown` ends the domain. Drives `xen-lab.sh shell`
# (dom0's console) with typed commands, so the lab itself needs no hook. Prints the
# domU's console, then "N passed, M failed"; the whole console goes to
# .build/controller-lab.log.
#
#   bash scripts/xen-lab/controller-lab.sh [IMAGE] [--cmdline "ip=10.0.9.2/24"] [--port N]
#                                          [--bench DIR [--shape "S M MS L W"]]
#
# --bench DIR: DIR holds release builds of ofbench and ofcontroller (e.g. .build/release).
# They go into dom0 with the host's Open vSwitch (ovsdb-server, ovs-vswitchd, ovsdb-tool,
# ovs-vsctl, ovs-ofctl, ovs-appctl, ovs-testcontroller, the schema), the shared
# libraries of all of them and controller-bench.sh, as xen-lab.sh's --dom0-files (about
# 110 MB unpacked, hence 768 MB for dom0; the domU never sees them). dom0 then runs
# controller-bench.sh:
#   - ofbench, 16 switches x 100 MACs, 4 loops of 2 s (the first ignored), throughput
#     (-t) and latency mode, against the domU, against `ofcontroller --app learning` on
#     dom0's loopback and against ovs-testcontroller on dom0's loopback. The hosted two
#     share dom0's one vCPU with the benchmark, the domU has its own: compare them as
#     such. A run passes if ofbench exits 0 with its RESULT, every switch got responses
#     in the counted loops and ofbench complained about none of the controller's
#     messages (it reports malformed and unexpected ones on stderr, and exits 1 on a
#     closed connection or a broken stream);
#   - malformed input after a HELLO (bad version, unknown type, a too-short PACKET_IN, a
#     4-byte header length, a HELLO of version 0) to the domU and to the hosted
#     ofcontroller: their OFPT_ERRORs must be byte for byte the same, and the expected
#     type and code;
#   - Open vSwitch on the userspace datapath in dom0, bridge br0 with veths to network
#     namespaces h1..h3 (10.0.0.1-3/24), fail-mode secure, the domU its controller:
#     h1->h2, h2->h3, h3->h1 ping (3 replies each within 15 s) and flows in dump-flows.
# --shape: ofbench's switches, MACs per switch, ms per loop, loops and warm-up loops for
# those runs (default "16 100 2000 4 1"); cbench-configs/run-xen.sh passes its profiles'.
# XEN_LAB_SCRIPT picks the lab (default scripts/xen-lab.sh), XEN_LAB_DIR its cache.
# Exit 0 iff every check passed.
set -euo pipefail
cd "$(dirname "$0")/../.."

image=.build/unikernel/controller.elf cmdline="ip=10.0.9.2/24" port=6653 bench='' shape="16 100 2000 4 1"
while (($#)); do
    case "$1" in
        --cmdline) cmdline=$2; shift 2 ;;
        --port) port=$2; shift 2 ;;
        --bench) bench=$2; shift 2 ;;
        --shape) shape=$2; shift 2 ;;
        -*) echo "usage: $0 [IMAGE] [--cmdline ARGS] [--port N] [--bench DIR [--shape \"S M MS L W\"]]" >&2; exit 2 ;;
        *) image=$1; shift ;;
    esac
done
[[ $shape =~ ^[0-9]+\ [0-9]+\ [0-9]+\ [0-9]+\ [0-9]+$ ]] || { echo "$0: --shape wants five numbers: S M MS L W" >&2; exit 2; }
read -r shape_switches _ _ shape_loops _ <<< "$shape"
lab=${XEN_LAB_SCRIPT:-scripts/xen-lab.sh}
lab_args=(shell "$image" --cmdline "$cmdline")
# The whole run's bound: booting takes 20-40 s; the bench part is six ofbench runs of
# the shape's loops (2 minutes for the default one, 12 for the paper's 10 x 10 s), then
# Open vSwitch.
limit=240
if [ -n "$bench" ]; then
    read -r _ _ loop_ms loops _ <<<"$shape"
    limit=$((300 + 6 * (loops * loop_ms / 1000 + 15)))
    ((limit >= 480)) || limit=480
fi

# Every line dom0 prints for us starts with the marker; the typed commands spell it
# split ("OF""LAB") so their echo on the console never matches. Each step is one typed
# line, sent once the line that ends the step before has come, so the console's echo
# of a command never lands in the middle of another's output.
ping_hello="t=0; until ping -c 1 -W 1 10.0.9.2 >/dev/null 2>&1 || [ \$t -ge 30 ]; do t=\$((t+1)); done;"
ping_hello+=" echo \"OF\"\"LAB: ping \$t\";"
ping_hello+=" echo \"OF\"\"LAB: hello \$(timeout 8 nc 10.0.9.2 $port </dev/null | head -c 8 | hexdump -v -e '8/1 \"%02x\"')\""
shutdown='xl shutdown guest; t=0; while xl list guest >/dev/null 2>&1 && [ $t -lt 100 ]; do sleep 0.2; t=$((t+1)); done;'
shutdown+=' echo "OF""LAB: gone $(xl list guest >/dev/null 2>&1 && echo no || echo yes)";'
shutdown+=' sed "s/^/OF""LAB: domu /" /var/log/xen/console/guest-guest.log; echo "OF""LAB: done"'
after_hello=$shutdown

ovs_bins=(/usr/sbin/ovsdb-server /usr/sbin/ovs-vswitchd /usr/bin/ovsdb-tool /usr/bin/ovs-vsctl
    /usr/bin/ovs-ofctl /usr/bin/ovs-appctl /usr/bin/ovs-testcontroller)
ovs_schema=/usr/share/openvswitch/vswitch.ovsschema
if [ -n "$bench" ]; then
    for tool in "${ovs_bins[@]}" "$ovs_schema"; do
        [ -e "$tool" ] || { echo "$0: no $tool: apt-get install openvswitch-switch openvswitch-testcontroller (scripts/install-deps.sh)" >&2; exit 2; }
    done
    root=$(mktemp -d)
    trap 'rm -rf "$root"' EXIT
    mkdir -p "$root/bench/lib" "$root/bench/bin" "$root/bench/share"
    binaries=()
    for tool in ofbench ofcontroller; do
        [ -x "$bench/$tool" ] || { echo "$0: no $bench/$tool" >&2; exit 2; }
        cp "$bench/$tool" "$root/bench/"
        binaries+=("$bench/$tool")
    done
    cp "${ovs_bins[@]}" "$root/bench/bin/"
    cp "$ovs_schema" "$root/bench/share/"
    cp scripts/xen-lab/controller-bench.sh "$root/bench/run.sh"
    ldd "${binaries[@]}" "${ovs_bins[@]}" | awk '/=> \// { print $3 }' | sort -u | xargs -r cp -L -t "$root/bench/lib/"
    strip --strip-unneeded "$root"/bench/of* "$root"/bench/bin/* "$root"/bench/lib/*
    (cd "$root" && find bench | cpio -o -H newc -R 0:0 --quiet) > "$root/bench.cpio"
    # The domU gets the 32 MB its controller.cfg gives it: the image bounds its buffers
    # for that (a 16-switch throughput run peaked at 18 MB of its 28 MB heap).
    lab_args+=(--dom0-files "$root/bench.cpio" --memory 32 --dom0-mem 768)
    after_hello="sh /bench/run.sh 10.0.9.2 $port '$shape' </dev/null"
fi

# Its own process group (setsid without a fork: exec'd in place), so QEMU, which the
# shell subcommand leaves running, goes with it at the end.
coproc LAB { exec setsid bash "$lab" "${lab_args[@]}" 2>&1; }
lab_pid=$LAB_PID
trap 'kill -- -$lab_pid 2>/dev/null || true; rm -rf "${root:-}"' EXIT
hello='' gone='' panic='' sent=0 ovs_start='' ovs_connected='' ovs_flows='' bench_done=0
declare -A runs=() notes=() malformed=() pings=() after=()
log=.build/controller-lab.log
mkdir -p .build
: > "$log"
# Typed 64 characters at a time: the console drops what comes faster than it takes it.
send() {
    local i
    for ((i = 0; i < ${#1}; i += 64)); do printf '%s' "${1:i:64}" >&"${LAB[1]}"; sleep 0.1; done
    printf '\n' >&"${LAB[1]}"
}
while remaining=$((limit - SECONDS)); ((remaining > 0)) && IFS= read -r -t "$remaining" line <&"${LAB[0]}"; do
    line=${line//[^[:print:]]/}
    printf '%s\n' "$line" >> "$log"
    case "$line" in
        *"Leaving this shell"*) ((sent)) || send "$ping_hello"; sent=1 ;;
        "OFLAB: ping "*) echo "controller answered ping after ${line#OFLAB: ping } tries" ;;
        "OFLAB: hello "*) hello=${line#OFLAB: hello }; send "$after_hello" ;;
        "OFLAB: bench "*)
            rest=${line#OFLAB: bench } name=${rest%% *}
            runs[$name]=${rest#* }
            echo "result: ofbench-$name ${rest#* }" ;;
        "OFLAB: bench-note "*) rest=${line#OFLAB: bench-note } name=${rest%% *}; notes[$name]+="${rest#* }; " ;;
        "OFLAB: malformed "*) read -r _ _ case_ who hex <<< "$line"; malformed[$case_:$who]=$hex ;;
        "OFLAB: ovs-start "*) ovs_start=${line#OFLAB: ovs-start }; echo "result: ovs-start $ovs_start" ;;
        "OFLAB: after "*) read -r _ _ name rest <<< "$line"; after[$name]=$rest ;;
        "OFLAB: diag "*) echo "  diag: ${line#OFLAB: diag }" ;;
        "OFLAB: ovs-log "*) echo "  ovs: ${line#OFLAB: ovs-log }" ;;
        "OFLAB: ovs-connected "*) ovs_connected=${line#OFLAB: ovs-connected } ;;
        "OFLAB: ovs-ping "*)
            read -r _ _ from to rest <<< "$line"
            pings[$from-$to]=$rest
            echo "result: ovs-ping-$from-$to $rest" ;;
        "OFLAB: ovs-flows "*) ovs_flows=${line#OFLAB: ovs-flows }; echo "result: ovs-flows $ovs_flows" ;;
        "OFLAB: ovs-flow "*) echo "  flow: ${line#OFLAB: ovs-flow }" ;;
        "OFLAB: bench-done"*) bench_done=1; send "$shutdown" ;;
        "OFLAB: gone "*) gone=${line#OFLAB: gone } ;;
        "OFLAB: domu "*)
            echo "  | ${line#OFLAB: domu }"
            case "$line" in
                "OFLAB: domu panic:"* | "OFLAB: domu trap:"*) panic+="${line#OFLAB: domu } " ;;
                "OFLAB: domu controller: "*"heap peak "*) echo "result: domu-heap peak ${line##*heap peak }" ;;
            esac ;;
        "OFLAB: done"*) break ;;
    esac
done

passed=0 failed=0
verdict() { # name, 1 for pass, detail
    if (($2)); then passed=$((passed + 1)); echo "check: $1 pass $3"; else failed=$((failed + 1)); echo "check: $1 fail $3"; fi
}

# One ofbench run: "rc=N loops=N idle=N notes=N RESULT: ... = min/max/avg/stdev responses/s".
bench_verdict() { # name
    local run=${runs[$1]:-} why=''
    local rc loops idle nnotes avg
    rc=$(sed -n 's/^rc=\([^ ]*\).*/\1/p' <<< "$run")
    loops=$(sed -n 's/.* loops=\([^ ]*\).*/\1/p' <<< "$run")
    idle=$(sed -n 's/.* idle=\([^ ]*\).*/\1/p' <<< "$run")
    nnotes=$(sed -n 's/.* notes=\([^ ]*\).*/\1/p' <<< "$run")
    avg=$(sed -n 's/.*min\/max\/avg\/stdev = [^/]*\/[^/]*\/\([0-9.]*\)\/.*/\1/p' <<< "$run")
    if [ -z "$run" ]; then why="no run reported"
    elif [ "$rc" != 0 ]; then why="ofbench exit $rc"
    elif [ -z "$avg" ]; then why="no RESULT line"
    elif [ "$loops" != "$shape_loops" ]; then why="$loops loops of $shape_loops"
    elif [ "$idle" != 0 ]; then why="$idle of $shape_switches switches got no response in the counted loops"
    elif [ "$nnotes" != 0 ]; then why="ofbench complained: ${notes[$1]:-}"
    elif [[ $avg == 0.00 ]]; then why="no responses"
    fi
    if [ -z "$why" ]; then
        verdict "bench-$1" 1 "ofbench exit 0, all $shape_switches switches answered in the counted loops, no complaints; avg $avg responses/s"
    else
        verdict "bench-$1" 0 "$why: ${run:-nothing}"
    fi
}

# shellcheck source=openflow-errors.sh
source scripts/xen-lab/openflow-errors.sh

# The malformed-input cases of controller-bench.sh: the error type/code (hex) each must
# get, and its name.
malformed_cases=("bad-version 0001/0000 BAD_REQUEST/BAD_VERSION" "bad-type 0001/0001 BAD_REQUEST/BAD_TYPE"
    "short-packet-in 0001/0006 BAD_REQUEST/BAD_LEN" "header-length-4 0001/0006 BAD_REQUEST/BAD_LEN"
    "hello-version-0 0000/0000 HELLO_FAILED/INCOMPATIBLE")
if [ -n "$bench" ]; then
    for expected in "${malformed_cases[@]}"; do
        case_=${expected%% *}
        echo "result: malformed-$case_ domu ${malformed[$case_:domu]:-none} | ofcontroller ${malformed[$case_:ofcontroller]:-none}"
    done
fi

# HELLO: version 1, type 0, length 8, any xid.
verdict openflow-hello "$([[ $hello == 01000008???????? ]] && echo 1 || echo 0)" "first 8 bytes from :$port: ${hello:-none}"
if [ -n "$bench" ]; then
    for name in domu-throughput domu-latency ofcontroller-throughput ofcontroller-latency \
        ovs-testcontroller-throughput ovs-testcontroller-latency; do
        bench_verdict "$name"
        if [[ $name == domu-* ]]; then
            state=${after[$name]:-}
            verdict "domu-answers-after-$name" "$([[ $state == "ping=2/2 hello=01000008"* ]] && echo 1 || echo 0)" \
                "then a ping and a new connection's HELLO: ${state:-not tried}"
        fi
    done

    malformed_verdicts ofcontroller "${malformed_cases[@]}"

    verdict ovs-start "$([[ $ovs_start == ok* ]] && echo 1 || echo 0)" "${ovs_start:-not reported}"
    verdict ovs-controller-connected "$([[ $ovs_connected == true* ]] && echo 1 || echo 0)" \
        "br0's controller tcp:10.0.9.2:$port is_connected ${ovs_connected:-not reported}"
    # ping -c 3 -w 15 stops at the third reply; a slow first round trip (the flows being
    # set up through the controller, over a second under a loaded TCG) may make it send a
    # fourth request before then: 3 replies is a pass.
    for pair in h1-h2 h2-h3 h3-h1; do
        ping_=${pings[$pair]:-}
        verdict "ovs-ping-$pair" "$([[ $ping_ =~ ^[0-9]+\ packets\ transmitted,\ 3\ received, ]] && echo 1 || echo 0)" \
            "${pair/-/ -> }: ${ping_:-not run}"
    done
    flows=${ovs_flows%% *}
    verdict ovs-flows "$([[ $flows =~ ^[0-9]+$ ]] && ((flows > 0)) && echo 1 || echo 0)" \
        "ovs-ofctl dump-flows br0: ${ovs_flows:-not run} (fail-mode secure: every flow is the controller's)"
    ((bench_done)) || verdict bench-finished 0 "dom0's controller-bench.sh never reported bench-done"
fi
verdict domu-no-panic "$([ -z "$panic" ] && echo 1 || echo 0)" "${panic:-no trap or panic on the domU console}"
verdict domu-shutdown "$([[ $gone == yes ]] && echo 1 || echo 0)" "gone after xl shutdown: ${gone:-unknown}"
if ((failed)); then
    echo "-- the lab's console (all of it in $log):"
    tail -n 30 "$log" | sed 's/^/  | /'
fi
echo "total: $SECONDS s"
echo "$passed passed, $failed failed"
((failed == 0))
