#!/usr/bin/env bash
# The controller evaluation of the paper (section 4.3, Figure 11), re-run here: each
# profile is measured against, one after another in the same run,
#   ours-learning       ofcontroller --app learning
#   ours-null           ofcontroller --app null (a fixed flow_mod per packet_in: the
#                       framework's own overhead)
#   ours-direct         ofcontroller --net --app learning: our own TCP/IP stack on a tap
#                       device in a network namespace the run creates (cbdirect, with
#                       10.97.0.1 on the kernel side, ours 10.97.0.2) and removes; the
#                       generator runs in that namespace (not in the default peers)
#   ovs-testcontroller  Open vSwitch's C learning switch (the reference in the table)
#   os-ken              os-ken 4 with our OpenFlow 1.0 learning app (peers/)
#   nullctl             a null responder in C (epoll, one fixed flow_mod per packet_in):
#                       the ceiling on the machine; built with cc from NULLCTL_SOURCE
#                       (default ../shared/tools/nullctl.c beside the repository) and
#                       left out of the default peers when that file is missing
# The load generator is `cbench` from PATH when there is one, else our ofbench (same
# flags, same counting). The generator is pinned to core 0, the controller to core 1.
#
# Usage: cbench-configs/run.sh [PROFILE...]     (default: quick-throughput quick-latency)
#        PEERS="ours-learning ovs-testcontroller" cbench-configs/run.sh paper-throughput
# Writes results/<UTC time>/results.csv and chart.svg, and prints a table with ratios
# against ovs-testcontroller and the per-switch spread (loops.py).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
cd "$root"

profiles=("$@")
[ ${#profiles[@]} -gt 0 ] || profiles=(quick-throughput quick-latency)
nullctl_source=${NULLCTL_SOURCE:-$root/../shared/tools/nullctl.c}
default_peers="ours-learning ours-null ovs-testcontroller os-ken"
[ -f "$nullctl_source" ] && default_peers+=" nullctl"
peers=(${PEERS:-$default_peers})
port=${PORT:-6653}
run_dir="$here/results/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$run_dir"
work=$(mktemp -d)
controller_pid=""

stop_controller() {
    if [ -n "$controller_pid" ] && kill -0 "$controller_pid" 2>/dev/null; then
        kill -INT "$controller_pid" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$controller_pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$controller_pid" 2>/dev/null || true
        wait "$controller_pid" 2>/dev/null || true
    fi
    controller_pid=""
}
direct_ns=""
remove_direct() { [ -z "$direct_ns" ] || ip netns del "$direct_ns" 2>/dev/null || true; }
trap 'stop_controller; remove_direct; rm -rf "$work"' EXIT

echo "cbench-configs: building release binaries" >&2
swift build -c release --product ofcontroller >&2
swift build -c release --product ofbench >&2
bin=$(swift build -c release --show-bin-path)

if command -v cbench >/dev/null 2>&1; then
    generator=$(command -v cbench)
    generator_name=cbench
else
    generator="$bin/ofbench"
    generator_name=ofbench
fi

osken_python=${OSKEN_PYTHON:-/opt/osken-venv/bin/python}
ensure_osken() {
    [ -x "$osken_python" ] && "$osken_python" -c 'import os_ken' 2>/dev/null && return 0
    echo "cbench-configs: installing os-ken into /opt/osken-venv" >&2
    python3 -m venv /opt/osken-venv && /opt/osken-venv/bin/pip install -q os-ken >&2
    osken_python=/opt/osken-venv/bin/python
}

# ensure_direct: the namespace with the tap device for ours-direct.
ensure_direct() {
    [ -z "$direct_ns" ] || return 0
    direct_ns=cbdirect
    ip netns add "$direct_ns"
    ip netns exec "$direct_ns" ip link set lo up
    ip netns exec "$direct_ns" ip tuntap add dev cbtap0 mode tap
    ip netns exec "$direct_ns" ip addr add 10.97.0.1/24 dev cbtap0
    ip netns exec "$direct_ns" ip link set cbtap0 up
}

# start_peer NAME: starts a controller on core 1 and waits until it listens. Sets
# target (the address the generator connects to) and in_ns (how to run it there).
start_peer() {
    target=127.0.0.1
    in_ns=()
    case $1 in
    ours-direct)
        ensure_direct
        target=10.97.0.2
        in_ns=(ip netns exec "$direct_ns")
        "${in_ns[@]}" taskset -c 1 "$bin/ofcontroller" --net tap:cbtap0 --ip 10.97.0.2/24 --listen "$port" \
            --app learning --log-level warning --status-interval 0 &
        controller_pid=$!
        for _ in $(seq 100); do
            "${in_ns[@]}" ping -c 1 -W 1 "$target" >/dev/null 2>&1 && return 0
            sleep 0.1
        done
        echo "cbench-configs: ours-direct did not answer on $target" >&2
        return 1 ;;
    ours-learning) taskset -c 1 "$bin/ofcontroller" --listen "127.0.0.1:$port" --app learning --log-level warning & ;;
    ours-null) taskset -c 1 "$bin/ofcontroller" --listen "127.0.0.1:$port" --app null --log-level warning & ;;
    ovs-testcontroller)
        taskset -c 1 ovs-testcontroller -vconsole:warn --unixctl="$work/tc.ctl" --pidfile="$work/tc.pid" \
            "ptcp:$port:127.0.0.1" & ;;
    nullctl)
        [ -x "$work/nullctl" ] || cc -O2 -o "$work/nullctl" "$nullctl_source" >&2
        taskset -c 1 "$work/nullctl" "$port" >"$work/nullctl.log" 2>&1 & ;;
    os-ken)
        ensure_osken
        taskset -c 1 "$osken_python" "$here/peers/run_osken.py" "$port" >"$work/osken.log" 2>&1 & ;;
    *) echo "unknown peer $1" >&2; return 1 ;;
    esac
    controller_pid=$!
    for _ in $(seq 100); do
        ss -ltn "sport = :$port" | grep -q LISTEN && return 0
        sleep 0.1
    done
    echo "cbench-configs: $1 did not start listening on $port" >&2
    return 1
}

csv="$run_dir/results.csv"
echo "profile,peer,generator,switches,macs,mode,min,max,avg,stdev,switch_min,switch_max" >"$csv"
for profile in "${profiles[@]}"; do
    ROUNDS=1
    # shellcheck source=/dev/null
    source "$here/profiles/$profile.env"
    mode=latency
    counted=$((LOOPS - WARMUP))
    if [ $((counted % ROUNDS)) -ne 0 ]; then
        echo "cbench-configs: $profile: $counted counted loops do not split into $ROUNDS rounds" >&2
        exit 2
    fi
    # Each round runs every peer in turn, its share of the counted loops after its own
    # warmup: a noisy spell on the machine then hits all peers, not just one.
    flags=(-p "$port" -m "$MS_PER_LOOP" -l "$((counted / ROUNDS + WARMUP))" -s "$SWITCHES" -M "$MACS" -w "$WARMUP")
    if [ "$THROUGHPUT" = 1 ]; then flags+=(-t); mode=throughput; fi
    declare -A failed=()
    for peer in "${peers[@]}"; do : >"$run_dir/$profile-$peer.log"; done
    for round in $(seq "$ROUNDS"); do
        for peer in "${peers[@]}"; do
            [ -z "${failed[$peer]:-}" ] || continue
            log_file="$run_dir/$profile-$peer.log"
            # A run without a RESULT line (a peer that dropped the generator's
            # connections at the start) is tried once more.
            for attempt in 1 2; do
                echo "cbench-configs: $profile: $peer (round $round of $ROUNDS)" >&2
                start_peer "$peer"
                echo "cbench-configs: round $round" >>"$log_file"
                output=$("${in_ns[@]}" taskset -c 0 "$generator" -c "$target" "${flags[@]}" 2>>"$log_file" | tee -a "$log_file") || true
                stop_controller
                grep -q '^RESULT' <<<"$output" && break
                if [ "$attempt" = 1 ]; then
                    echo "cbench-configs: $peer gave no RESULT line; trying once more" >&2
                    # Its loops, if any, are not counted (loops.py skips the round).
                    echo "cbench-configs: round discarded" >>"$log_file"
                else
                    echo "cbench-configs: $peer gave no RESULT line (see $log_file)" >&2
                    failed[$peer]=1
                fi
            done
        done
    done
    for peer in "${peers[@]}"; do
        if [ -n "${failed[$peer]:-}" ]; then
            echo "$profile,$peer,$generator_name,$SWITCHES,$MACS,$mode,,,,,," >>"$csv"
        else
            numbers=$(python3 "$here/loops.py" "$run_dir/$profile-$peer.log" "$WARMUP" "$MS_PER_LOOP")
            echo "$profile,$peer,$generator_name,$SWITCHES,$MACS,$mode,$numbers" >>"$csv"
        fi
    done
    unset failed
done

python3 "$here/report.py" "$csv" "$run_dir/chart.svg"
echo "cbench-configs: results in $run_dir" >&2
