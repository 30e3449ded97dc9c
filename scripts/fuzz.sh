#!/usr/bin/env bash
# Builds the libFuzzer target (Fuzz/OpenFlowFuzz.swift over Wire and OpenFlow) and runs
# it for SECONDS (default 60). Exits non-zero on any crash; the input is saved under
# Fuzz/crashes/. Prints the number of executions and the duration at the end.
#
#   scripts/fuzz.sh [SECONDS] [--text | --switch [--seeds] | --netstack [--seeds]] [--keep-going] [libFuzzer -flag=value...]
#
# --text also builds Sources/OpenFlow/Text (left out by default while it is being
# written) and fuzzes the text forms, compiled in with -D FUZZ_TEXT.
# --switch fuzzes the switch's sans-IO core instead (Fuzz/SwitchFuzz.swift and
# Fuzz/SwitchSeeds.swift over Wire, OpenFlow, Scheduler and Switch): each input is a
# script of controller bytes, frames, time and connection events for one SwitchAgent
# (the format is described in Fuzz/SwitchFuzz.swift). Built in .build-fuzz-switch, seeds
# in Fuzz/corpus-switch, crash inputs saved as Fuzz/crashes/switch-*. With --seeds it
# only rewrites the generated seeds (Fuzz/corpus-switch/seed-*) and exits. To replay an
# input step by step, with every message and frame the switch sent:
#   SWITCH_FUZZ_TRACE=1 .build-fuzz-switch/switch-fuzz Fuzz/crashes/switch-crash-...
# --netstack fuzzes our TCP/IP stack (Fuzz/NetStack*.swift over Wire, Scheduler and
# NetStack): each input is a script driving two NetStacks on one in-memory wire (frames
# forged or rewritten from the peer's real segments, time, application calls; the format
# is described in Fuzz/NetStackFuzz.swift). Built in .build-fuzz-netstack, seeds in
# Fuzz/corpus-netstack, crash inputs saved as Fuzz/crashes/netstack-*; --seeds rewrites
# Fuzz/corpus-netstack/seed-*. Trace an input: NETSTACK_FUZZ_TRACE=1 .build-fuzz-netstack/netstack-fuzz FILE
# --keep-going runs libFuzzer in fork mode with -ignore_crashes=1, so a long run goes on
# past a crash (each one still saved, and the exit status still non-zero).
# Sanitizers: -sanitize=fuzzer,address. AddressSanitizer works with the Swift runtime
# here (Swift 6.3.1, Linux x86_64), so out-of-bounds reads in unsafe code are caught too.
# New corpus units go to .build-fuzz*/corpus; Fuzz/corpus holds only the seeds.
set -euo pipefail
cd "$(dirname "$0")/.."

duration=60
defines=()
sources=(-path Sources/OpenFlow/Text -prune -o)
build=.build-fuzz
mode=()
target=openflow
seeds_only=0
while (($#)); do
    case $1 in
        [0-9]*) duration=$1 ;;
        --text) defines=(-D FUZZ_TEXT) sources=() build=.build-fuzz-text ;;
        --switch) target=switch build=.build-fuzz-switch ;;
        --netstack) target=netstack build=.build-fuzz-netstack ;;
        --seeds) seeds_only=1 ;;
        --keep-going) mode=(-fork=1 -ignore_crashes=1) ;;
        *) break ;;
    esac
    shift
done
if [[ $target != openflow && ${#defines[@]} -gt 0 ]]; then
    echo "fuzz: --text, --switch and --netstack are separate targets; pick one" >&2
    exit 2
fi
if ((seeds_only)) && [[ $target == openflow ]]; then
    echo "fuzz: --seeds goes with --switch or --netstack (scripts/make-fuzz-corpus.sh makes the OpenFlow seeds)" >&2
    exit 2
fi

swiftc=${SWIFTC:-$(command -v swiftc || echo /opt/swift/usr/bin/swiftc)}
flags=(-O -g -wmo -parse-as-library -sanitize=fuzzer,address -use-ld=lld -I "$build")
mkdir -p "$build/corpus" Fuzz/crashes

echo "fuzz: building in $build" >&2
"$swiftc" "${flags[@]}" -module-name Wire -emit-module -emit-module-path "$build/Wire.swiftmodule" \
    -c Sources/Wire/*.swift -o "$build/Wire.o"
"$swiftc" "${flags[@]}" -module-name Scheduler -emit-module -emit-module-path "$build/Scheduler.swiftmodule" \
    -c Sources/Scheduler/*.swift -o "$build/Scheduler.o"
# shellcheck disable=SC2046
[[ $target == netstack ]] || "$swiftc" "${flags[@]}" -module-name OpenFlow -emit-module -emit-module-path "$build/OpenFlow.swiftmodule" \
    -c $(find Sources/OpenFlow "${sources[@]}" -name '*.swift' -print | sort) -o "$build/OpenFlow.o"
if [[ $target == netstack ]]; then
    # shellcheck disable=SC2046
    "$swiftc" "${flags[@]}" -module-name NetStack -emit-module -emit-module-path "$build/NetStack.swiftmodule" \
        -c $(find Sources/NetStack -name '*.swift' -print | sort) -o "$build/NetStack.o"
    "$swiftc" "${flags[@]}" Fuzz/NetStack*.swift "$build/Wire.o" "$build/Scheduler.o" "$build/NetStack.o" -o "$build/netstack-fuzz"
    binary=$build/netstack-fuzz seeds=Fuzz/corpus-netstack artifacts=Fuzz/crashes/netstack-
    if ((seeds_only)); then
        mkdir -p "$seeds"
        NETSTACK_FUZZ_WRITE_SEEDS=$seeds ASAN_OPTIONS=detect_leaks=0 "$binary"
        find "$seeds" -type f | wc -l | xargs echo "fuzz: seeds in $seeds:"
        exit 0
    fi
elif [[ $target == switch ]]; then
    # shellcheck disable=SC2046
    "$swiftc" "${flags[@]}" -module-name Switch -emit-module -emit-module-path "$build/Switch.swiftmodule" \
        -c $(find Sources/Switch -name '*.swift' -print | sort) -o "$build/Switch.o"
    "$swiftc" "${flags[@]}" Fuzz/SwitchFuzz.swift Fuzz/SwitchSeeds.swift \
        "$build/Wire.o" "$build/OpenFlow.o" "$build/Scheduler.o" "$build/Switch.o" -o "$build/switch-fuzz"
    binary=$build/switch-fuzz seeds=Fuzz/corpus-switch artifacts=Fuzz/crashes/switch-
    if ((seeds_only)); then
        mkdir -p "$seeds"
        SWITCH_FUZZ_WRITE_SEEDS=$seeds ASAN_OPTIONS=detect_leaks=0 "$binary"
        find "$seeds" -type f | wc -l | xargs echo "fuzz: seeds in $seeds:"
        exit 0
    fi
else
    "$swiftc" "${flags[@]}" "${defines[@]}" Fuzz/OpenFlowFuzz.swift "$build/Wire.o" "$build/Scheduler.o" "$build/OpenFlow.o" \
        -o "$build/openflow-fuzz"
    binary=$build/openflow-fuzz seeds=Fuzz/corpus artifacts=Fuzz/crashes/
fi

log=$build/fuzz.log
start=$(date +%s)
status=0
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0} SWIFT_BACKTRACE=enable=no \
    "$binary" "$build/corpus" "$seeds" -max_total_time="$duration" \
    -print_final_stats=1 -artifact_prefix="$artifacts" "${mode[@]}" "$@" 2>&1 | tee "$log" || status=$?
elapsed=$(($(date +%s) - start))

# A single run ends with libFuzzer's final stats; fork mode prints "#N: ..." progress lines.
execs=$(awk '/stat::number_of_executed_units/ {n = $2} /^#[0-9]+: / {n = substr($1, 2) + 0} END {print n + 0}' "$log")
crashes=$(awk '/Test unit written to/ {u++}
    /oom\/timeout\/crash:/ {for (i = 1; i < NF; i++) if ($i == "oom/timeout/crash:") {split($(i + 1), a, "/"); f = a[1] + a[2] + a[3]}}
    END {print (f > u ? f : u) + 0}' "$log")
echo "fuzz: $execs executions in ${elapsed}s ($((execs / (elapsed > 0 ? elapsed : 1))) exec/s), $crashes crash reports, exit status $status"
if ((status != 0)); then
    echo "fuzz: CRASH; inputs go to the artifact_prefix ($artifacts by default); log in $log" >&2
fi
exit "$status"
