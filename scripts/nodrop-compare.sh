#!/usr/bin/env bash
# Benchmark, not a test: the no-drop rate of 64-byte frames through ofswitch and through
# Open vSwitch's userspace datapath (datapath_type=netdev), in the same run. The
# no-drop rate is the highest offered rate h1 -> h2 at which under NODROP_LOSS (0.1%)
# of the frames are lost, found by a binary search over fixed-rate trials, where
# scripts/veth-compare.sh measures what comes out of an unlimited flood.
#
# Topology, the one of scripts/veth-compare.sh (scripts/veth-lib.sh), built once per
# switch side by side: hosts h1 (10.0.0.1) and h2 (10.0.0.2) in their own network
# namespaces, each joined by a veth pair to a switch namespace; offloads off on both
# ends of every veth. Every switch runs in that switch namespace, fail-secure, with the
# same two OpenFlow 1.0 flows, installed with ovs-ofctl:
#     priority=100,in_port=1,actions=output:2
#     priority=100,in_port=2,actions=output:1
# (ofswitch through its passive listener, --listen; OVS through its mgmt socket.)
# One ofswitch per variant (NODROP_OFSWITCH_VARIANTS), each with its own h1 and h2.
#
# Method. trafgen (netsniff-ng) in h1 sends one frame over and over: to h2's MAC, IPv4
# UDP 10.0.0.1:9 -> 10.0.0.2:9 with 18 zero bytes of payload, 60 bytes on the veth (64
# with FCS). It sends through h1's qdisc (--qdisc-path), a token bucket (tc tbf) at the
# rate asked: trafgen's own pacing cannot hold a fixed rate (-b sends a whole second's
# frames at full speed, then sleeps out the second; -t sleeps after every frame, and on
# a VM a sleep costs tens of microseconds, which caps it near 50 kpps). A trial lasts
# NODROP_SECONDS. offered = the frames h1's eth0 transmitted (tx_packets, read in h1's
# namespace), received = the frames h2's eth0 received (rx_packets, in h2's), each read
# before trafgen starts and NODROP_SETTLE seconds after it stops; loss = 1 - received /
# offered; the offered rate is offered / trafgen's sending time (as it reports it).
# h2 answers the frames with ICMP port unreachables on the other flow (h2 -> h1),
# limited to a few a minute (net.ipv4.icmp_ratelimit in h2); no frame needs ARP.
# For each switch and repetition: first one trial at NODROP_HIGH, beyond what trafgen
# reaches, which gives the generator's ceiling (a switch that loses less than
# NODROP_LOSS even there is reported as "≥ ceiling"); then a binary search between
# NODROP_LOW and the ceiling for the highest rate with loss < NODROP_LOSS, until the
# bounds are within NODROP_PRECISION of each other or after NODROP_TRIALS trials. The
# no-drop rate is the offered rate of the best passing trial. The switches take turns
# within a repetition (the order flips every repetition). trafgen (-P 1) pins itself
# to CPU 0, and keeps it busy at every rate (it retries while the token bucket holds
# frames back); nothing else is pinned. The load average is recorded before and after.
#
# Usage: scripts/nodrop-compare.sh [BIN_DIR]
#   BIN_DIR (argument or environment) holds ofswitch; without it the script builds
#   `swift build -c release --product ofswitch` in the repository it lives in.
# Environment: NODROP_REPS (default 2), NODROP_SECONDS (per trial, 3),
#   NODROP_LOSS (0.001), NODROP_LOW (10000 pps), NODROP_HIGH (3000000 pps),
#   NODROP_PRECISION (0.02), NODROP_TRIALS (search trials after the ceiling's, 8),
#   NODROP_SETTLE (0.3 s), NODROP_PREFIX (namespace/interface prefix, default "nd"),
#   NODROP_OFSWITCH_VARIANTS: space-separated NAME=EXTRA_ARGS, one ofswitch each, the
#   EXTRA_ARGS appended to its command line with commas for spaces (default
#   "ofswitch="), e.g. NODROP_OFSWITCH_VARIANTS="ring=--port-io,ring mmsg=--port-io,mmsg".
# Namespaces a killed run left behind (NODROP_PREFIX) are deleted when nothing runs in
# them; with processes in them the script stops (exit 2) rather than touch them.
# Needs root, iproute2 (ip, tc), iputils-ping, ethtool, netsniff-ng (trafgen),
#   openvswitch-switch, python3.
# Prints a markdown table and writes it, with every trial, to
# results/nodrop/<UTC timestamp>.md.

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
# ovs-lib.sh gives wait_for, log, the private OVS paths ($OVS_D, VSCTL, OFCTL) and the
# EXIT trap that stops OVS and the background processes and deletes the namespaces.
# shellcheck source=../Tests/Interop/ovs-lib.sh
source "$REPO/Tests/Interop/ovs-lib.sh"
# veth-lib.sh: the topology, starting ofswitch and OVS with the flows, cpu_ticks.
# shellcheck source=veth-lib.sh
source "$HERE/veth-lib.sh"

command -v trafgen >/dev/null || { log "missing trafgen (apt-get install netsniff-ng)"; exit 2; }
for tool in ip tc ping ethtool ovs-vswitchd ovsdb-server ovs-vsctl ovs-ofctl python3 timeout; do
    command -v "$tool" >/dev/null || { log "missing $tool (scripts/install-deps.sh installs it)"; exit 2; }
done

REPS=${NODROP_REPS:-2}
TRIAL_SECONDS=${NODROP_SECONDS:-3}
LOSS=${NODROP_LOSS:-0.001}
LOW=${NODROP_LOW:-10000}
HIGH=${NODROP_HIGH:-3000000}
PRECISION=${NODROP_PRECISION:-0.02}
MAX_TRIALS=${NODROP_TRIALS:-8}
SETTLE=${NODROP_SETTLE:-0.3}
VARIANTS=${NODROP_OFSWITCH_VARIANTS:-ofswitch=}
P=${NODROP_PREFIX:-nd}
for setting in REPS LOW HIGH MAX_TRIALS; do
    [[ ${!setting} =~ ^[0-9]+$ && ${!setting} -gt 0 ]] || { log "$setting must be a positive integer: ${!setting}"; exit 2; }
done
for setting in TRIAL_SECONDS LOSS PRECISION SETTLE; do
    [[ ${!setting} =~ ^[0-9]*\.?[0-9]+$ ]] || { log "$setting must be a number: ${!setting}"; exit 2; }
done
[ "$LOW" -lt "$HIGH" ] || { log "NODROP_LOW ($LOW) must be below NODROP_HIGH ($HIGH)"; exit 2; }
[[ $P =~ ^[a-z][a-z0-9]{0,7}$ ]] || { log "NODROP_PREFIX must be a lowercase letter and up to 7 more letters or digits: $P"; exit 2; }

resolve_ofswitch "${1:-${BIN_DIR:-}}"

SW="${P}sw"            # the switch namespace
BRIDGE="${P}br"        # the OVS bridge (its own name, so it cannot clash with another OVS)
RAW="$INTEROP_DIR/raw" # raw outputs, read by the summary at the end
mkdir -p "$RAW"

# Targets: the ofswitch variants, then OVS. Each has a side (the letter in its hosts'
# names, ${P}SIDE1 and ${P}SIDE2, which are also its ports' names in the switch
# namespace); each ofswitch its listener port on the switch namespace's loopback.
declare -A SIDE EXTRA LISTEN_PORT PID
TARGETS=()
free_sides=(a c d e f g h i j)
read -r -a specs <<<"$VARIANTS"
for spec in "${specs[@]}"; do
    name=${spec%%=*}
    extra=""
    [[ $spec == *=* ]] && extra=${spec#*=}
    [[ $name =~ ^[A-Za-z0-9_.-]+$ && $name != ovs ]] || { log "bad variant name in NODROP_OFSWITCH_VARIANTS: '$name'"; exit 2; }
    [ -z "${SIDE[$name]:-}" ] || { log "variant $name given twice"; exit 2; }
    [ ${#TARGETS[@]} -lt ${#free_sides[@]} ] || { log "at most ${#free_sides[@]} ofswitch variants"; exit 2; }
    SIDE[$name]=${free_sides[${#TARGETS[@]}]}
    EXTRA[$name]=${extra//,/ }
    LISTEN_PORT[$name]=$((6634 + ${#TARGETS[@]}))
    TARGETS+=("$name")
done
[ ${#TARGETS[@]} -gt 0 ] || { log "NODROP_OFSWITCH_VARIANTS names no variant"; exit 2; }
SIDE[ovs]=b
TARGETS+=(ovs)

# Namespaces of an earlier run with this prefix: gone with it unless it was killed
# before its EXIT trap ran. Those with no process in them are deleted; a process in one
# means another run (or the switches a killed one left), which is not ours to stop.
leftovers=$(ip netns list | awk '{ print $1 }' | grep -E "^${P}(sw|[a-j][12])$" || true)
if [ -n "$leftovers" ]; then
    for ns in $leftovers; do
        pids=$(ip netns pids "$ns" 2>/dev/null | tr '\n' ' ')
        if [ -n "$pids" ]; then
            log "namespace $ns exists with processes in it ($pids): another run, or what a killed one left running? (NODROP_PREFIX)"
            exit 2
        fi
    done
    log "deleting namespaces an earlier run left behind: $(echo "$leftovers" | tr '\n' ' ')"
    for ns in $leftovers; do ip netns del "$ns"; done
fi

make_switch_ns
for target in "${TARGETS[@]}"; do for n in 1 2; do add_bench_host "${SIDE[$target]}" "$n"; done; done
for target in "${TARGETS[@]}"; do
    # h2 answers the UDP frames (port 9, nothing listening) with port unreachables: a
    # few a minute at most, on the flow the trials do not measure.
    in_ns "${P}${SIDE[$target]}2" sysctl -qw net.ipv4.icmp_ratelimit=60000
done

# --- the switches ---------------------------------------------------------------------
for target in "${TARGETS[@]}"; do
    [ "$target" = ovs ] && continue
    read -r -a extra_args <<<"${EXTRA[$target]}"
    start_ofswitch "$INTEROP_DIR/ofswitch-$target.log" "${LISTEN_PORT[$target]}" \
        "${P}${SIDE[$target]}1" "${P}${SIDE[$target]}2" "${extra_args[@]}"
    PID[$target]=$OFSWITCH_PID
done
start_ovs_bridge "$BRIDGE" "${P}b1" "${P}b2"
PID[ovs]=$OVS_PID

dump_target_flows() {
    case $1 in
    ovs) dump_ovs_flows ;;
    *) dump_ofswitch_flows "${LISTEN_PORT[$1]}" ;;
    esac
}

# Every path forwards before anything is measured; each gets its trafgen configuration.
for target in "${TARGETS[@]}"; do
    h1="${P}${SIDE[$target]}1"
    h2="${P}${SIDE[$target]}2"
    wait_for 20 in_ns "$h1" ping -q -c 1 -W 1 10.0.0.2 >/dev/null ||
        { log "$target: h1 cannot reach h2"; dump_target_flows "$target"; exit 1; }
    cat >"$INTEROP_DIR/trafgen-$target.cfg" <<EOF
/* h1 -> h2, IPv4 UDP 10.0.0.1:9 -> 10.0.0.2:9, 18 bytes of payload: 60 bytes on the wire without FCS */
{
    eth(da=$(in_ns "$h2" cat /sys/class/net/eth0/address), sa=$(in_ns "$h1" cat /sys/class/net/eth0/address), type=0x0800),
    ipv4(saddr=10.0.0.1, daddr=10.0.0.2, ttl=64),
    udp(sport=9, dport=9),
    fill(0x00, 18)
}
EOF
done

HZ=$(getconf CLK_TCK)
TRIALS="$RAW/trials.tsv"     # every trial
RESULTS="$RAW/results.tsv"   # every search's outcome
printf 'rep\ttarget\tkind\tasked_pps\toffered\treceived\tseconds\toffered_pps\tloss\tcpu_pct\th1_tx_dropped\tpass\n' >"$TRIALS"
printf 'rep\ttarget\tceiling_pps\tceiling_loss\toutcome\tbest_asked\tbest_offered_pps\tbest_received_pps\tbest_loss\tbest_cpu_pct\ttrials\n' >"$RESULTS"

counter() { in_ns "$1" cat "/sys/class/net/eth0/statistics/$2"; }
now_ns() { date +%s%N; }

# trial REP TARGET KIND RATE: trafgen paced at RATE pps for TRIAL_SECONDS; appends to
# $TRIALS and sets T_PPS (offered rate), T_RX_PPS, T_LOSS, T_CPU and T_PASS (1 when the
# loss is under LOSS).
trial() {
    local rep=$1 target=$2 kind=$3 rate=$4
    local h1="${P}${SIDE[$target]}1" h2="${P}${SIDE[$target]}2" pid=${PID[$target]}
    # The bucket holds 100 us of frames (at least 50), the queue behind it 100 more.
    local burst=$((rate * 60 / 10000))
    [ "$burst" -ge 3000 ] || burst=3000
    in_ns "$h1" tc qdisc replace dev eth0 root tbf rate "$((rate * 480))bit" burst "$burst" limit "$((burst + 6000))"
    local tx0 rx0 drop0 cpu0 start end tx1 rx1 drop1 cpu1
    [ -e "/proc/$pid" ] || { log "$target: the switch process ($pid) is gone"; exit 1; }
    tx0=$(counter "$h1" tx_packets)
    drop0=$(counter "$h1" tx_dropped)
    rx0=$(counter "$h2" rx_packets)
    cpu0=$(cpu_ticks "$pid")
    start=$(now_ns)
    timeout -s INT -k 5 "$TRIAL_SECONDS" ip netns exec "$h1" \
        trafgen --dev eth0 --conf "$INTEROP_DIR/trafgen-$target.cfg" --cpus 1 --qdisc-path \
        --no-sock-mem --notouch-irq >"$INTEROP_DIR/trafgen.log" 2>&1 || true
    end=$(now_ns)
    [ -e "/proc/$pid" ] || { log "$target: the switch process ($pid) is gone"; exit 1; }
    cpu1=$(cpu_ticks "$pid")
    sleep "$SETTLE"
    tx1=$(counter "$h1" tx_packets)
    drop1=$(counter "$h1" tx_dropped)
    rx1=$(counter "$h2" rx_packets)
    local offered=$((tx1 - tx0)) received=$((rx1 - rx0)) send_ns
    # The rate is over trafgen's own sending time ("N sec, M usec on CPU0"), which leaves
    # out its start (some 50 ms); the wall time when that is missing.
    send_ns=$(awk '/ usec on CPU/ { gsub(/\r/, ""); ns += $1 * 1e9 + $3 * 1e3 } END { printf "%.0f", ns }' "$INTEROP_DIR/trafgen.log")
    [ "$send_ns" -gt 0 ] || send_ns=$((end - start))
    if [ "$offered" -le 0 ]; then
        log "$target: trafgen sent nothing:"
        cat "$INTEROP_DIR/trafgen.log"
        exit 1
    fi
    local line
    line=$(awk -v o="$offered" -v r="$received" -v ns="$send_ns" -v wall="$((end - start))" -v c="$((cpu1 - cpu0))" \
        -v hz="$HZ" -v thr="$LOSS" 'BEGIN {
            s = ns / 1e9; loss = 1 - r / o
            printf "%.3f\t%.0f\t%.0f\t%.6f\t%.0f\t%d", s, o / s, r / s, loss, 100 * c / hz / (wall / 1e9), (loss < thr)
        }')
    local seconds
    IFS=$'\t' read -r seconds T_PPS T_RX_PPS T_LOSS T_CPU T_PASS <<<"$line"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$rep" "$target" "$kind" "$rate" "$offered" "$received" \
        "$seconds" "$T_PPS" "$T_LOSS" "$T_CPU" "$((drop1 - drop0))" "$T_PASS" >>"$TRIALS"
    log "rep $rep: $target $kind: asked $rate pps, offered $T_PPS pps ($offered), received $received, loss $(awk -v l="$T_LOSS" 'BEGIN { printf "%.3f%%", 100 * l }'), switch CPU $T_CPU%"
}

# search REP TARGET: the ceiling trial, then the binary search; appends to $RESULTS.
search() {
    local rep=$1 target=$2
    trial "$rep" "$target" ceiling "$HIGH"
    local ceiling=$T_PPS ceiling_loss=$T_LOSS n=0 outcome
    local best_asked="" best_pps="" best_rx_pps="" best_loss="" best_cpu=""
    if [ "$T_PASS" = 1 ]; then
        outcome=ceiling
        best_asked=$HIGH best_pps=$T_PPS best_rx_pps=$T_RX_PPS best_loss=$T_LOSS best_cpu=$T_CPU
    else
        outcome=found
        local lo=$LOW hi=$ceiling mid
        [ "$hi" -le "$HIGH" ] || hi=$HIGH
        while [ "$n" -lt "$MAX_TRIALS" ] && awk -v lo="$lo" -v hi="$hi" -v p="$PRECISION" 'BEGIN { exit !(hi - lo > p * hi) }'; do
            mid=$(((lo + hi) / 2))
            trial "$rep" "$target" search "$mid"
            n=$((n + 1))
            if [ "$T_PASS" = 1 ]; then
                lo=$mid
                best_asked=$mid best_pps=$T_PPS best_rx_pps=$T_RX_PPS best_loss=$T_LOSS best_cpu=$T_CPU
            else
                hi=$mid
            fi
        done
        if [ -z "$best_asked" ]; then
            # Nothing passed: the low end itself.
            trial "$rep" "$target" low "$LOW"
            n=$((n + 1))
            if [ "$T_PASS" = 1 ]; then
                best_asked=$LOW best_pps=$T_PPS best_rx_pps=$T_RX_PPS best_loss=$T_LOSS best_cpu=$T_CPU
            else
                outcome=below
            fi
        fi
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$rep" "$target" "$ceiling" "$ceiling_loss" "$outcome" \
        "$best_asked" "$best_pps" "$best_rx_pps" "$best_loss" "$best_cpu" "$n" >>"$RESULTS"
    log "rep $rep: $target: $outcome, no-drop rate ${best_pps:-below $LOW} pps (generator ceiling $ceiling pps)"
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
STARTED=$(date -u +%Y-%m-%dT%H:%M:%SZ)
log "measuring: $REPS repetitions of ${TARGETS[*]}; load average $LOAD_BEFORE"

for rep in $(seq "$REPS"); do
    order=("${TARGETS[@]}")
    if [ $((rep % 2)) -eq 0 ]; then
        order=()
        for ((i = ${#TARGETS[@]} - 1; i >= 0; i--)); do order+=("${TARGETS[i]}"); done
    fi
    for target in "${order[@]}"; do search "$rep" "$target"; done
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
for target in "${TARGETS[@]}"; do dump_target_flows "$target" >"$RAW/$target-flows.txt" 2>&1 || true; done

COMMIT=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)
git -C "$REPO" diff --quiet HEAD -- Sources 2>/dev/null || COMMIT="$COMMIT (+ uncommitted changes in Sources)"
OVS_VERSION=$(ovs-vswitchd --version | awk 'NR == 1 { print $NF }')
TRAFGEN_VERSION=$({ trafgen --version || true; } | awk 'NR == 1 { print $2 }')
CPU_MODEL=$(lscpu | sed -n 's/^Model name: *//p' | head -1)

RESULTS_DIR="$REPO/results/nodrop"
mkdir -p "$RESULTS_DIR"
OUT="$RESULTS_DIR/$(date -u +%Y%m%dT%H%M%SZ).md"

python3 - "$RESULTS" "$TRIALS" "$REPS" "$LOSS" "$LOW" "${TARGETS[@]}" >"$INTEROP_DIR/table.md" <<'EOF'
import csv, statistics, sys

results_path, trials_path = sys.argv[1], sys.argv[2]
reps, loss_limit, low = int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
targets = sys.argv[6:]
rows = list(csv.DictReader(open(results_path), delimiter="\t"))
trials = list(csv.DictReader(open(trials_path), delimiter="\t"))
by_target = {t: [r for r in rows if r["target"] == t] for t in targets}

def kpps(x):
    return f"{x / 1e3:.1f}"

def rate(r):
    """A search's no-drop rate in pps and how to read it: '≥' when the generator's
    ceiling passed, '<' when even the low end lost too much."""
    if r["outcome"] == "below":
        return float(low), "< "
    return float(r["best_offered_pps"]), ("≥ " if r["outcome"] == "ceiling" else "")

def med(xs):
    return statistics.median(xs) if xs else None

def bound_mark(marks):
    return "≥ " if "≥ " in marks else ("< " if "< " in marks else "")

summary = {}
for t in targets:
    rs = by_target[t]
    rates = [rate(r) for r in rs]
    found = [r for r in rs if r["outcome"] != "below"]
    summary[t] = {
        "median": med([x for x, _ in rates]),
        "mark": bound_mark([m for _, m in rates]),
        "each": ", ".join(m + kpps(x) for x, m in rates) or "n/a",
        "rx": med([float(r["best_received_pps"]) for r in found]),
        "loss": med([float(r["best_loss"]) for r in found]),
        "cpu": med([float(r["best_cpu_pct"]) for r in found]),
        "ceiling": med([float(r["ceiling_pps"]) for r in rs]),
        "ceiling_loss": med([float(r["ceiling_loss"]) for r in rs]),
        "trials": ", ".join(str(int(r["trials"]) + 1) for r in rs),
        "reps": {int(r["rep"]): rate(r) for r in rs},
    }

def name(t):
    return "Open vSwitch (netdev)" if t == "ovs" else ("ofswitch" if t == "ofswitch" else f"ofswitch {t}")

def fmt(x, f):
    return "n/a" if x is None else f(x)

lines = ["| | " + " | ".join(name(t) for t in targets) + " |", "|---|" + "---:|" * len(targets)]
def line(label, cell):
    lines.append(f"| {label} | " + " | ".join(cell(t) for t in targets) + " |")

line(f"no-drop rate (loss < {100 * loss_limit:g}%), kpps offered, median of {reps}",
     lambda t: summary[t]["mark"] + fmt(summary[t]["median"], kpps))
line("no-drop rate, each repetition, kpps", lambda t: summary[t]["each"])
line("received at that rate, kpps (median)", lambda t: fmt(summary[t]["rx"], kpps))
# (A frame or two of ARP can make received exceed offered: a loss below 0, shown as 0.)
line("loss at that rate, % (median)", lambda t: fmt(summary[t]["loss"], lambda x: f"{100 * max(x, 0):.3f}"))
line("switch process CPU at that rate, % of one core (median)", lambda t: fmt(summary[t]["cpu"], lambda x: f"{x:.0f}"))
line("generator ceiling, kpps offered (median)", lambda t: fmt(summary[t]["ceiling"], kpps))
line("loss at the ceiling, % (median)", lambda t: fmt(summary[t]["ceiling_loss"], lambda x: f"{100 * x:.1f}"))
line("trials per search (with the ceiling's)", lambda t: summary[t]["trials"])
# trafgen short of the rate asked: the CPU it shares was busy (the offered rate is what counts).
def short(t):
    paced = [r for r in trials if r["target"] == t and r["kind"] != "ceiling"]
    n = sum(1 for r in paced if float(r["offered_pps"]) < 0.97 * float(r["asked_pps"]))
    return f"{n} of {len(paced)}"
line("paced trials where trafgen offered < 97% of the rate asked", short)

def ratio(t):
    if t == "ovs":
        return "1"
    a, b = summary[t], summary["ovs"]
    if not a["median"] or not b["median"]:
        return "n/a"
    marked = " (a bound)" if a["mark"] or b["mark"] else ""
    each = []
    for rep in sorted(a["reps"]):
        if rep in b["reps"] and b["reps"][rep][0]:
            each.append(f"{a['reps'][rep][0] / b['reps'][rep][0]:.2f}")
    return f"{a['median'] / b['median']:.2f}{marked}; each repetition {', '.join(each)}"
line("ratio to Open vSwitch (medians; each repetition)", ratio)
print("\n".join(lines))
EOF

{
    echo "# veth no-drop rate: ofswitch vs Open vSwitch userspace datapath"
    echo
    echo "- Run: $STARTED (UTC), $REPS repetitions, the switches taking turns (order flipped each repetition)"
    echo "- Machine: $(nproc) CPUs ($CPU_MODEL), kernel $(uname -r); load average before $LOAD_BEFORE, after $LOAD_AFTER; trafgen pinned to CPU 0, nothing else pinned"
    echo "- ofswitch: release build at $COMMIT ($OFSWITCH); Open vSwitch $OVS_VERSION (ovs-vswitchd, datapath_type=netdev); trafgen $TRAFGEN_VERSION"
    for target in "${TARGETS[@]}"; do
        [ "$target" = ovs ] || echo "- ofswitch variant \`$target\`: extra arguments \`${EXTRA[$target]:-(none)}\`"
    done
    echo "- Topology: h1 and h2 in namespaces, veth pairs to a switch namespace, offloads (tx, tso, gso, gro) off on both ends;"
    echo "  the same two flows in every switch: \`priority=100,in_port=1,actions=output:2\` and \`priority=100,in_port=2,actions=output:1\`"
    echo "- Traffic: trafgen in h1, 60-byte frames (64 with FCS; UDP 10.0.0.1:9 -> 10.0.0.2:9 to h2's MAC), paced by a tc tbf on h1's eth0 (trafgen --qdisc-path);"
    echo "  offered = h1 eth0 tx_packets, received = h2 eth0 rx_packets, over ${TRIAL_SECONDS} s trials read ${SETTLE} s after trafgen stops"
    echo "- Search: a trial at $HIGH pps (the generator's ceiling), then bisection between $LOW pps and the ceiling for loss < $LOSS,"
    echo "  to within $PRECISION or $MAX_TRIALS trials; the no-drop rate is the offered rate of the best passing trial (≥: the ceiling passed)"
    echo
    cat "$INTEROP_DIR/table.md"
    echo
    echo "Every trial (asked and offered rates in pps, loss as a fraction, the switch process's CPU in % of one core):"
    echo
    echo '```'
    if command -v column >/dev/null; then column -t -s $'\t' "$TRIALS"; else cat "$TRIALS"; fi
    echo '```'
    echo
    print_flow_counters "${TARGETS[@]}"
} >"$OUT"
cat "$OUT"
log "written to $OUT"
