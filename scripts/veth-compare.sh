#!/usr/bin/env bash
# Benchmark, not a test: ofswitch against Open vSwitch's userspace datapath
# (datapath_type=netdev) forwarding between two hosts on veth pairs, in the same run.
#
# Topology, built twice side by side: hosts h1 (10.0.0.1) and h2 (10.0.0.2) in their
# own network namespaces, each joined by a veth pair to a switch namespace; offloads
# off on both ends of every veth (a packet socket must see finished, MTU-sized
# frames). Both switches run in that switch namespace, in fail-secure style with the
# same two OpenFlow 1.0 flows, installed with ovs-ofctl:
#     priority=100,in_port=1,actions=output:2
#     priority=100,in_port=2,actions=output:1
# (ofswitch through its passive listener, --listen; OVS through its mgmt socket.)
#
# Measured, alternating ofswitch and OVS within each repetition (the order flips every
# repetition):
#   - iperf3 TCP h1 -> h2, 10 s, median of the repetitions (+ retransmits, and the
#     switch process's CPU time during the run);
#   - ping h1 -> h2, 200 at 10 ms per repetition: min/avg/max/mdev over all samples;
#   - iperf3 UDP, 18-byte payload (60-byte frames on the veth, 64 with FCS), unlimited
#     rate, 5 s: packets per second sent and received, median.
# Nothing is pinned. The machine's load average is recorded before and after.
#
# Usage: scripts/veth-compare.sh [BIN_DIR]
#   BIN_DIR (argument or environment) holds ofswitch; without it the script builds
#   `swift build -c release --product ofswitch` in the repository it lives in.
# Environment: VETH_REPS (default 3), VETH_TCP_SECONDS (10), VETH_UDP_SECONDS (5),
#   VETH_PINGS (200), VETH_PREFIX (namespace/interface prefix, default "vc").
# Needs root, iproute2, iputils-ping, ethtool, iperf3, openvswitch-switch, python3.
# Prints a markdown table and writes it to results/veth/<UTC timestamp>.md.

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
# ovs-lib.sh gives wait_for, log, the private OVS paths ($OVS_D, VSCTL, OFCTL) and the
# EXIT trap that stops OVS and the background processes and deletes the namespaces.
# shellcheck source=../Tests/Interop/ovs-lib.sh
source "$REPO/Tests/Interop/ovs-lib.sh"
# veth-lib.sh: the topology, starting ofswitch and OVS with the flows, cpu_ticks.
# shellcheck source=veth-lib.sh
source "$HERE/veth-lib.sh"

for tool in ip ping ethtool iperf3 ovs-vswitchd ovsdb-server ovs-vsctl ovs-ofctl python3; do
    command -v "$tool" >/dev/null || { log "missing $tool (scripts/install-deps.sh installs it)"; exit 2; }
done

resolve_ofswitch "${1:-${BIN_DIR:-}}"

REPS=${VETH_REPS:-3}
TCP_SECONDS=${VETH_TCP_SECONDS:-10}
UDP_SECONDS=${VETH_UDP_SECONDS:-5}
PINGS=${VETH_PINGS:-200}
P=${VETH_PREFIX:-vc}
SW="${P}sw"            # the switch namespace
BRIDGE="${P}br"        # the OVS bridge (its own name, so it cannot clash with another OVS)
LISTEN_PORT=6634       # ofswitch's listener, on the switch namespace's loopback
RAW="$INTEROP_DIR/raw" # raw outputs, read by the summary at the end
mkdir -p "$RAW"

for ns in "$SW" "${P}a1" "${P}a2" "${P}b1" "${P}b2"; do
    if ip netns list | grep -qw "$ns"; then log "namespace $ns exists: another run? (VETH_PREFIX)"; exit 2; fi
done

make_switch_ns
for side in a b; do for n in 1 2; do add_bench_host "$side" "$n"; done; done

# --- A: ofswitch (ports 1 and 2 in this order), flows through its listener ----------
OFSWITCH_LOG="$INTEROP_DIR/ofswitch.log"
start_ofswitch "$OFSWITCH_LOG" "$LISTEN_PORT" "${P}a1" "${P}a2"

# --- B: Open vSwitch, userspace datapath, ovs-vswitchd in the switch namespace ------
start_ovs_bridge "$BRIDGE" "${P}b1" "${P}b2"

# target -> its hosts, its switch process, and its flow dump
host1() { echo "${P}$1""1"; }
host2() { echo "${P}$1""2"; }
side() { case $1 in ofswitch) echo a ;; ovs) echo b ;; esac; }
switch_pid() { case $1 in ofswitch) echo "$OFSWITCH_PID" ;; ovs) echo "$OVS_PID" ;; esac; }
dump_target_flows() {
    case $1 in
    ofswitch) dump_ofswitch_flows "$LISTEN_PORT" ;;
    ovs) dump_ovs_flows ;;
    esac
}

# Both paths forward before anything is measured; the iperf3 servers run in each h2.
for target in ofswitch ovs; do
    s=$(side "$target")
    wait_for 20 in_ns "$(host1 "$s")" ping -q -c 1 -W 1 10.0.0.2 >/dev/null ||
        { log "$target: h1 cannot reach h2"; dump_target_flows "$target"; exit 1; }
    ip netns exec "$(host2 "$s")" iperf3 -s -B 10.0.0.2 -p 5201 >"$INTEROP_DIR/iperf3-server-$target.log" 2>&1 &
    BACKGROUND_PIDS+=($!)
done
for target in ofswitch ovs; do
    wait_for 10 bash -c "ip netns exec $(host2 "$(side "$target")") ss -Hltn 'sport = :5201' | grep -q ." ||
        { log "$target: iperf3 server did not start"; exit 1; }
done

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
STARTED=$(date -u +%Y-%m-%dT%H:%M:%SZ)
log "measuring: $REPS repetitions; load average $LOAD_BEFORE"

for rep in $(seq "$REPS"); do
    if [ $((rep % 2)) -eq 1 ]; then order=(ofswitch ovs); else order=(ovs ofswitch); fi
    for target in "${order[@]}"; do
        s=$(side "$target")
        h1=$(host1 "$s")
        pid=$(switch_pid "$target")
        log "rep $rep: $target tcp"
        before=$(cpu_ticks "$pid")
        in_ns "$h1" iperf3 -c 10.0.0.2 -p 5201 -t "$TCP_SECONDS" -J >"$RAW/$target-tcp-$rep.json" || true
        echo "$(($(cpu_ticks "$pid") - before)) $(getconf CLK_TCK)" >"$RAW/$target-tcp-cpu-$rep.txt"
        log "rep $rep: $target ping"
        in_ns "$h1" ping -c "$PINGS" -i 0.01 -W 1 10.0.0.2 >"$RAW/$target-ping-$rep.txt" 2>&1 || true
        log "rep $rep: $target udp"
        in_ns "$h1" iperf3 -c 10.0.0.2 -p 5201 -u -l 18 -b 0 -t "$UDP_SECONDS" -J >"$RAW/$target-udp-$rep.json" || true
    done
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
for target in ofswitch ovs; do dump_target_flows "$target" >"$RAW/$target-flows.txt" 2>&1 || true; done

COMMIT=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)
git -C "$REPO" diff --quiet HEAD -- Sources 2>/dev/null || COMMIT="$COMMIT (+ uncommitted changes in Sources)"
OVS_VERSION=$(ovs-vswitchd --version | head -1 | awk '{ print $NF }')
IPERF_VERSION=$(iperf3 --version | head -1 | awk '{ print $2 }')
CPU_MODEL=$(lscpu | sed -n 's/^Model name: *//p' | head -1)

RESULTS_DIR="$REPO/results/veth"
mkdir -p "$RESULTS_DIR"
OUT="$RESULTS_DIR/$(date -u +%Y%m%dT%H%M%SZ).md"

python3 - "$RAW" "$REPS" >"$INTEROP_DIR/table.md" <<EOF
import json, re, statistics, sys

raw, reps = sys.argv[1], int(sys.argv[2])
targets = ["ofswitch", "ovs"]

def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except Exception:
        return {}

def fmt(x, digits=2):
    return "n/a" if x is None else f"{x:.{digits}f}"

rows = {}
for t in targets:
    tcp, retrans, cpu, rtts, sent_pkts, lost, udp_rx, udp_tx, udp_loss = [], [], [], [], 0, 0, [], [], []
    errors = []
    for r in range(1, reps + 1):
        d = load(f"{raw}/{t}-tcp-{r}.json")
        end = d.get("end", {})
        if "sum_received" in end:
            secs = end["sum_received"]["seconds"]
            tcp.append(end["sum_received"]["bits_per_second"] / 1e9)
            retrans.append(end["sum_sent"].get("retransmits", 0))
            ticks, hz = open(f"{raw}/{t}-tcp-cpu-{r}.txt").read().split()
            cpu.append(100.0 * int(ticks) / int(hz) / secs)
        else:
            errors.append(f"tcp {r}: {d.get('error', 'no result')}")
        text = open(f"{raw}/{t}-ping-{r}.txt").read()
        rtts += [float(x) for x in re.findall(r"time=([0-9.]+) ms", text)]
        m = re.search(r"(\d+) packets transmitted, (\d+) received", text)
        if m:
            sent_pkts += int(m.group(1))
            lost += int(m.group(1)) - int(m.group(2))
        d = load(f"{raw}/{t}-udp-{r}.json")
        end = d.get("end", {})
        if "sum_received" in end:
            rx = end["sum_received"]
            tx = end["sum_sent"]
            udp_tx.append(tx["packets"] / tx["seconds"])
            udp_rx.append((rx["packets"] - rx["lost_packets"]) / rx["seconds"])
            udp_loss.append(rx["lost_percent"])
        else:
            errors.append(f"udp {r}: {d.get('error', 'no result')}")
    med = lambda xs: statistics.median(xs) if xs else None
    row = {}
    row["tcp"] = fmt(med(tcp))
    row["tcp_runs"] = ", ".join(fmt(x) for x in tcp) or "n/a"
    row["retrans"] = str(sum(retrans)) if tcp else "n/a"
    row["cpu"] = fmt(med(cpu), 0)
    if rtts:
        mean = statistics.fmean(rtts)
        mdev = statistics.pstdev(rtts)
        row["rtt"] = f"{min(rtts):.3f} / {mean:.3f} / {max(rtts):.3f} / {mdev:.3f}"
        q = sorted(rtts)
        row["rtt_pct"] = f"{q[len(q) // 2]:.3f} / {q[min(len(q) - 1, int(len(q) * 0.99))]:.3f}"
    else:
        row["rtt"] = row["rtt_pct"] = "n/a"
    row["ping_loss"] = f"{lost} of {sent_pkts}"
    row["udp_tx"] = fmt(med(udp_tx) / 1e3 if udp_tx else None, 1)
    row["udp_rx"] = fmt(med(udp_rx) / 1e3 if udp_rx else None, 1)
    row["udp_loss"] = fmt(med(udp_loss), 1)
    row["errors"] = "; ".join(errors)
    rows[t] = row

lines = [
    "| | ofswitch | Open vSwitch (netdev) |",
    "|---|---:|---:|",
]
def line(label, key):
    lines.append(f"| {label} | {rows['ofswitch'][key]} | {rows['ovs'][key]} |")
line(f"TCP h1→h2, Gbit/s (median of {reps} × ${TCP_SECONDS} s)", "tcp")
line("TCP, each run, Gbit/s", "tcp_runs")
line("TCP retransmits (all runs)", "retrans")
line("switch process CPU during TCP, % of one core (median)", "cpu")
line(f"ping RTT min / avg / max / mdev, ms ({reps} × ${PINGS} at 10 ms)", "rtt")
line("ping RTT median / 99th percentile, ms", "rtt_pct")
line("ping lost", "ping_loss")
line(f"UDP 64-byte frames, sent kpps (median of {reps} × ${UDP_SECONDS} s, unlimited rate)", "udp_tx")
line("UDP 64-byte frames, received kpps (median)", "udp_rx")
line("UDP loss, % (median)", "udp_loss")
if rows["ofswitch"]["errors"] or rows["ovs"]["errors"]:
    line("errors", "errors")
print("\n".join(lines))
EOF

{
    echo "# veth forwarding: ofswitch vs Open vSwitch userspace datapath"
    echo
    echo "- Run: $STARTED (UTC), $REPS repetitions, ofswitch and OVS alternating (order flipped each repetition)"
    echo "- Machine: $(nproc) CPUs ($CPU_MODEL), kernel $(uname -r); load average before $LOAD_BEFORE, after $LOAD_AFTER; nothing pinned"
    echo "- ofswitch: release build at $COMMIT ($OFSWITCH); Open vSwitch $OVS_VERSION (ovs-vswitchd, datapath_type=netdev); iperf3 $IPERF_VERSION"
    echo "- Topology: h1 and h2 in namespaces, veth pairs to a switch namespace, offloads (tx, tso, gso, gro) off on both ends;"
    echo "  the same two flows in both switches: \`priority=100,in_port=1,actions=output:2\` and \`priority=100,in_port=2,actions=output:1\`"
    echo "- UDP: iperf3 -u -l 18 -b 0 (18-byte payload: 60-byte frames on the veth, 64 with FCS); received = sent - lost, as the iperf3 server counts"
    echo
    cat "$INTEROP_DIR/table.md"
    echo
    print_flow_counters ofswitch ovs
} >"$OUT"
cat "$OUT"
log "written to $OUT"
