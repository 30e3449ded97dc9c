#!/usr/bin/env bash
# Benchmark, not a test: our TCP/IP stack against Linux's, on the same machine in the
# same run, as the MirageOS paper compared them (its Figure 8 and the cbench figures).
#
# Topology: namespace ${P}tap holds a tap device whose kernel side is 10.97.0.1/24 and
# whose other side is our stack (ofnet or ofcontroller --net) at 10.97.0.2. Namespaces
# ${P}a and ${P}b are joined by a veth pair, 10.96.0.1 <-> 10.96.0.2, offloads off on
# both ends (as the paper disabled them): Linux to Linux.
#
# Measured, alternating ours and Linux's within each repetition:
#   - iperf3 TCP for SECONDS: Linux -> ours (we receive), ours -> Linux (-R, we send),
#     and Linux -> Linux over the veth; median Mbit/s of the repetitions (needs ofnet
#     --iperf3; skipped with a note when ofnet has no such flag);
#   - ping -f -c PINGS: ours (sleeping in epoll, and with --busy-poll) against Linux's;
#     avg and mdev RTT;
#   - ofbench -t (cbench throughput mode, 16 switches): ofcontroller on kernel TCP
#     (loopback) against ofcontroller --net on the tap; median responses/s.
# The machine's load average is recorded before and after. Nothing is pinned.
#
# Usage: scripts/netstack-compare.sh [BIN_DIR]
#   BIN_DIR holds ofnet, ofcontroller and ofbench; without it the script builds them
#   in release mode.
# Environment: NC_REPS (3), NC_SECONDS (5), NC_PINGS (20000), NC_CBENCH_LOOPS (6),
#   NC_PREFIX (namespace prefix, default "nc").
# Prints a markdown table and writes it to results/netstack/<UTC timestamp>.md.
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
# shellcheck source=../Tests/Interop/ovs-lib.sh
source "$REPO/Tests/Interop/ovs-lib.sh"

BIN_DIR=${1:-${BIN_DIR:-}}
if [ -z "$BIN_DIR" ]; then
    log "building ofnet, ofcontroller and ofbench (release) in $REPO"
    (cd "$REPO" && swift build -c release --product ofnet && swift build -c release --product ofcontroller &&
        swift build -c release --product ofbench) >&2
    BIN_DIR=$(cd "$REPO" && swift build -c release --show-bin-path)
fi
REPS=${NC_REPS:-3}
SECONDS_PER_RUN=${NC_SECONDS:-5}
PINGS=${NC_PINGS:-20000}
CBENCH_LOOPS=${NC_CBENCH_LOOPS:-6}
P=${NC_PREFIX:-nc}
TAPNS="${P}tap" A="${P}a" B="${P}b" TAP="${P}tap0"
RAW="$INTEROP_DIR/raw"
mkdir -p "$RAW"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

for ns in "$TAPNS" "$A" "$B"; do
    ip netns add "$ns"
    HOSTS+=("$ns")
    ip netns exec "$ns" ip link set lo up
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
done
ip netns exec "$TAPNS" ip tuntap add dev "$TAP" mode tap
ip netns exec "$TAPNS" ip addr add 10.97.0.1/24 dev "$TAP"
ip netns exec "$TAPNS" ip link set "$TAP" up
ip link add "${P}-va" type veth peer name "${P}-vb"
ip link set "${P}-va" netns "$A"
ip link set "${P}-vb" netns "$B"
ip netns exec "$A" ip addr add 10.96.0.1/24 dev "${P}-va"
ip netns exec "$B" ip addr add 10.96.0.2/24 dev "${P}-vb"
for side in "$A ${P}-va" "$B ${P}-vb"; do
    # shellcheck disable=SC2086
    set -- $side
    ip netns exec "$1" ip link set "$2" up
    ip netns exec "$1" ethtool -K "$2" tx off rx off tso off gso off gro off >/dev/null 2>&1 || true
done

has_iperf3=0
"$BIN_DIR/ofnet" --help 2>&1 | grep -q -- --iperf3 && has_iperf3=1

# ours_up ARGS...: ofnet on the tap (in the background), waiting until it answers ping.
start_ofnet() {
    ip netns exec "$TAPNS" "$BIN_DIR/ofnet" --net "tap:$TAP" --ip 10.97.0.2/24 --status-interval 0 "$@" \
        >>"$RAW/ofnet.log" 2>&1 &
    OFNET=$!
    BACKGROUND_PIDS+=("$OFNET")
    wait_for 10 ip netns exec "$TAPNS" ping -c 1 -W 1 10.97.0.2 >/dev/null
}
stop_pid() { kill -TERM "$1" 2>/dev/null; wait "$1" 2>/dev/null || true; }

# iperf3_mbps NS ARGS...: the receiver's Mbit/s of one iperf3 client run.
iperf3_mbps() {
    local ns=$1
    shift
    ip netns exec "$ns" iperf3 -J "$@" 2>/dev/null | python3 -c '
import json, sys
try:
    print(round(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"] / 1e6))
except Exception:
    print(0)'
}

# ping_stats NS TARGET: "avg mdev" of a flood ping.
ping_stats() {
    ip netns exec "$1" ping -q -f -c "$PINGS" "$2" 2>&1 |
        sed -n 's|.*= [0-9.]*/\([0-9.]*\)/[0-9.]*/\([0-9.]*\) ms.*|\1 \2|p'
}

# cbench_rate NS HOST: median responses/s of ofbench -t.
cbench_rate() {
    ip netns exec "$1" "$BIN_DIR/ofbench" -c "$2" -p 6653 -t -s 16 -l "$CBENCH_LOOPS" -m 1000 -w 1 2>&1 |
        sed -n 's|^RESULT:.*= [0-9.]*/[0-9.]*/\([0-9.]*\)/.*|\1|p' | tail -1
}

for rep in $(seq 1 "$REPS"); do
    log "repetition $rep of $REPS"
    # Linux <-> Linux over the veth.
    ip netns exec "$B" iperf3 -s -D -I "$RAW/iperf3-b.pid" >/dev/null 2>&1
    sleep 0.3
    echo "$(iperf3_mbps "$A" -c 10.96.0.2 -t "$SECONDS_PER_RUN")" >>"$RAW/linux-linux.mbps"
    kill "$(cat "$RAW/iperf3-b.pid")" 2>/dev/null
    ping_stats "$A" 10.96.0.2 >>"$RAW/linux.ping"
    # Ours on the tap.
    if [ "$has_iperf3" = 1 ]; then start_ofnet --iperf3; else start_ofnet; fi
    if [ "$has_iperf3" = 1 ]; then
        echo "$(iperf3_mbps "$TAPNS" -c 10.97.0.2 -t "$SECONDS_PER_RUN")" >>"$RAW/linux-ours.mbps"
        echo "$(iperf3_mbps "$TAPNS" -c 10.97.0.2 -t "$SECONDS_PER_RUN" -R)" >>"$RAW/ours-linux.mbps"
    fi
    ping_stats "$TAPNS" 10.97.0.2 >>"$RAW/ours.ping"
    stop_pid "$OFNET"
    start_ofnet --busy-poll
    ping_stats "$TAPNS" 10.97.0.2 >>"$RAW/ours-busy.ping"
    stop_pid "$OFNET"
    # The controller, kernel TCP then our stack.
    ip netns exec "$TAPNS" "$BIN_DIR/ofcontroller" --listen 127.0.0.1:6653 --status-interval 0 --log-level warning \
        >>"$RAW/ofcontroller.log" 2>&1 &
    pid=$!
    wait_for 10 ip netns exec "$TAPNS" ss -Hltn "sport = :6653" | grep -q . 2>/dev/null || sleep 1
    echo "$(cbench_rate "$TAPNS" 127.0.0.1)" >>"$RAW/cbench-kernel"
    stop_pid "$pid"
    ip netns exec "$TAPNS" "$BIN_DIR/ofcontroller" --net "tap:$TAP" --ip 10.97.0.2/24 --listen 6653 \
        --status-interval 0 --log-level warning >>"$RAW/ofcontroller.log" 2>&1 &
    pid=$!
    wait_for 10 ip netns exec "$TAPNS" ping -c 1 -W 1 10.97.0.2 >/dev/null
    echo "$(cbench_rate "$TAPNS" 10.97.0.2)" >>"$RAW/cbench-ours"
    stop_pid "$pid"
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

set +e # the summary reads files that a skipped measurement never wrote
touch "$RAW"/{linux-linux.mbps,linux-ours.mbps,ours-linux.mbps,ours.ping,ours-busy.ping,linux.ping,cbench-kernel,cbench-ours}
median() { sort -n "$1" | awk '{a[NR]=$1} END {if (NR) print a[int((NR+1)/2)]; else print "-"}'; }
avg_col() { awk -v c="$2" '{s+=$c; n++} END {if (n) printf "%.3f", s/n; else print "-"}' "$1"; }
ratio() { python3 -c "import sys; a,b=sys.argv[1],sys.argv[2]; print('%.2f' % (float(a)/float(b)) if a not in ('-','','0') and b not in ('-','','0') else '-')" "$1" "$2"; }

ll=$(median "$RAW/linux-linux.mbps"); lo=$(median "$RAW/linux-ours.mbps"); ol=$(median "$RAW/ours-linux.mbps")
ours_ping=$(avg_col "$RAW/ours.ping" 1); linux_ping=$(avg_col "$RAW/linux.ping" 1)
ours_mdev=$(avg_col "$RAW/ours.ping" 2); linux_mdev=$(avg_col "$RAW/linux.ping" 2)
busy_ping=$(avg_col "$RAW/ours-busy.ping" 1); busy_mdev=$(avg_col "$RAW/ours-busy.ping" 2)
ck=$(median "$RAW/cbench-kernel"); co=$(median "$RAW/cbench-ours")
mkdir -p "$REPO/results/netstack"
OUT="$REPO/results/netstack/$(date -u +%Y%m%dT%H%M%SZ).md"
{
    echo "# NetStack against Linux, $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git -C "$REPO" rev-parse --short HEAD)"
    echo
    echo "$REPS repetitions, iperf3 ${SECONDS_PER_RUN} s each, ping -f -c $PINGS, ofbench -t 16 switches $CBENCH_LOOPS loops; load $load_before before, $load_after after; $(nproc) CPUs."
    echo
    echo "| measure | ours | Linux | ratio |"
    echo "|---|---:|---:|---:|"
    if [ "$has_iperf3" = 1 ]; then
        echo "| TCP receive: Linux -> ours vs Linux -> Linux, Mbit/s (median) | $lo | $ll | $(ratio "$lo" "$ll") |"
        echo "| TCP send: ours -> Linux vs Linux -> Linux, Mbit/s (median) | $ol | $ll | $(ratio "$ol" "$ll") |"
    else
        echo "| TCP (iperf3) | not measured: ofnet has no --iperf3 | $ll | |"
    fi
    echo "| ping -f RTT avg, ms | $ours_ping | $linux_ping | $(ratio "$ours_ping" "$linux_ping") |"
    echo "| ping -f RTT mdev, ms | $ours_mdev | $linux_mdev | |"
    echo "| ping -f RTT avg, ms, ofnet --busy-poll | $busy_ping | $linux_ping | $(ratio "$busy_ping" "$linux_ping") |"
    echo "| ping -f RTT mdev, ms, ofnet --busy-poll | $busy_mdev | $linux_mdev | |"
    echo "| cbench throughput: ofcontroller --net tap vs on kernel TCP, responses/s (median) | $co | $ck | $(ratio "$co" "$ck") |"
    echo
    echo "Raw samples: Linux->Linux $(tr '\n' ' ' <"$RAW/linux-linux.mbps"); Linux->ours $(tr '\n' ' ' <"$RAW/linux-ours.mbps"); ours->Linux $(tr '\n' ' ' <"$RAW/ours-linux.mbps"); cbench kernel $(tr '\n' ' ' <"$RAW/cbench-kernel"); cbench ours $(tr '\n' ' ' <"$RAW/cbench-ours")."
} | tee "$OUT"
log "written to $OUT"
