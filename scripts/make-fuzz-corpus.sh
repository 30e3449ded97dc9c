#!/usr/bin/env bash
# Regenerates the fuzzer seeds in Fuzz/corpus:
# - one message of each OpenFlow 1.0 type and each stats request/reply type, written by
#   our own encoder (Fuzz/MakeCorpus.swift);
# - a few flows in ovs-ofctl syntax, for the text forms;
# - from each capture in samples/captures, the first TCP payload of each OpenFlow message
#   type (or combination, when a segment carries several), via tshark.
set -euo pipefail
cd "$(dirname "$0")/.."

swiftc=${SWIFTC:-$(command -v swiftc || echo /opt/swift/usr/bin/swiftc)}
build=.build-fuzz/corpus-maker
flags=(-O -wmo -parse-as-library -I "$build")
mkdir -p "$build" Fuzz/corpus

"$swiftc" "${flags[@]}" -module-name Wire -emit-module -emit-module-path "$build/Wire.swiftmodule" \
    -c Sources/Wire/*.swift -o "$build/Wire.o"
"$swiftc" "${flags[@]}" -module-name Scheduler -emit-module -emit-module-path "$build/Scheduler.swiftmodule" \
    -c Sources/Scheduler/*.swift -o "$build/Scheduler.o"
# shellcheck disable=SC2046
"$swiftc" "${flags[@]}" -module-name OpenFlow -emit-module -emit-module-path "$build/OpenFlow.swiftmodule" \
    -c $(find Sources/OpenFlow -path Sources/OpenFlow/Text -prune -o -name '*.swift' -print | sort) -o "$build/OpenFlow.o"
"$swiftc" "${flags[@]}" Fuzz/MakeCorpus.swift "$build/Wire.o" "$build/Scheduler.o" "$build/OpenFlow.o" -o "$build/make-corpus"
"$build/make-corpus" Fuzz/corpus
# Flow syntax, for the text forms (scripts/fuzz.sh --text).
printf '%s' 'priority=100,tcp,nw_dst=10.0.0.0/24,tp_dst=80,actions=output:2' > Fuzz/corpus/text-flow-tcp.txt
printf '%s' 'in_port=1,dl_vlan=10,dl_src=00:16:3e:00:00:01,arp,nw_src=10.0.0.1 actions=strip_vlan,FLOOD' \
    > Fuzz/corpus/text-flow-arp.txt
printf '%s' 'cookie=0x1,idle_timeout=10,icmp,icmp_type=8 actions=mod_nw_tos:16,enqueue:1:2,CONTROLLER:128' \
    > Fuzz/corpus/text-flow-icmp.txt

shopt -s nullglob
for capture in samples/captures/*.pcap samples/captures/*.pcapng; do
    command -v tshark > /dev/null || { echo "tshark not found: skipping captures" >&2; break; }
    name=$(basename "${capture%.*}")
    tshark -r "$capture" -Y 'openflow_v1 && tcp.len > 0' -T fields -e openflow_1_0.type -e tcp.payload \
        2> /dev/null | awk '!seen[$1]++' | while read -r types payload; do
        printf '%s' "$payload" | xxd -r -p > "Fuzz/corpus/capture-$name-type${types//,/-}.bin"
    done
done
ls Fuzz/corpus | wc -l | xargs echo "seeds in Fuzz/corpus:"
