#!/usr/bin/env bash
# The xen-direct rows of the controller evaluation (the paper's Figure 11): each profile
# against the controller image running as a Xen domU, in the Xen-in-QEMU lab
# (scripts/xen-lab/controller-lab.sh --bench), with ofbench in dom0. In the same QEMU run
# and with the same flags, ofbench also measures, in dom0:
#   xen-direct          controller.elf as a PVH domU (its own vCPU), over NetStack
#   dom0-ofcontroller   ofcontroller --app learning on dom0's loopback (hosted)
#   ovs-testcontroller  Open vSwitch's C learning switch on dom0's loopback
# The hosted two share dom0's one vCPU with ofbench. QEMU runs Xen under TCG here, so
# absolute figures are emulation speed: the ratios between rows are the result.
#
# Usage: cbench-configs/run-xen.sh [PROFILE...]     (default: quick-throughput quick-latency)
# Profiles with the same shape (switches, MACs, loops) share one lab run, which measures
# both modes. Writes results/<UTC time>-xen/results.csv and chart.svg (as run.sh does),
# with the lab's log beside them, and prints the table with ratios against
# ovs-testcontroller. Needs root and Debian 12 (the lab's own needs); about 4 minutes a
# quick shape, 15 a paper one.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
cd "$root"

profiles=("$@")
[ ${#profiles[@]} -gt 0 ] || profiles=(quick-throughput quick-latency)
for profile in "${profiles[@]}"; do
    [ -f "$here/profiles/$profile.env" ] || { echo "cbench-configs: no profile $profile" >&2; exit 2; }
done
run_dir="$here/results/$(date -u +%Y%m%dT%H%M%SZ)-xen"
mkdir -p "$run_dir"

echo "cbench-configs: building release binaries and the controller image" >&2
swift build -c release --product ofcontroller >&2
swift build -c release --product ofbench >&2
bin=$(swift build -c release --show-bin-path)
bash scripts/unikernel.sh build controller >&2

# The lab's names for its three targets, and the rows they become.
declare -A peer_of=([domu]=xen-direct [ofcontroller]=dom0-ofcontroller [ovs-testcontroller]=ovs-testcontroller)

csv="$run_dir/results.csv"
echo "profile,peer,generator,switches,macs,mode,min,max,avg,stdev" > "$csv"
declare -A lab_log=()
for profile in "${profiles[@]}"; do
    # shellcheck source=/dev/null
    source "$here/profiles/$profile.env"
    shape="$SWITCHES $MACS $MS_PER_LOOP $LOOPS $WARMUP"
    mode=latency
    [ "$THROUGHPUT" = 1 ] && mode=throughput
    log=${lab_log[$shape]:-}
    if [ -z "$log" ]; then
        log="$run_dir/lab-${shape// /-}.log"
        lab_log[$shape]=$log
        echo "cbench-configs: the Xen lab, ofbench shape $shape (switches MACs ms loops warm-up)" >&2
        bash scripts/xen-lab/controller-lab.sh .build/unikernel/controller.elf --bench "$bin" --shape "$shape" \
            > "$log" 2>&1 || echo "cbench-configs: some lab checks failed (see $log)" >&2
    fi
    for target in domu ofcontroller ovs-testcontroller; do
        line=$(grep -a "^result: ofbench-$target-$mode " "$log" | tail -n 1 || true)
        numbers=$(sed -n -E 's#.*min/max/avg/stdev = ([0-9.]+)/([0-9.]+)/([0-9.]+)/([0-9.]+).*#\1,\2,\3,\4#p' <<< "$line")
        [ -n "$numbers" ] || { echo "cbench-configs: $profile: no result for ${peer_of[$target]} (see $log)" >&2; numbers=",,,"; }
        echo "$profile,${peer_of[$target]},ofbench,$SWITCHES,$MACS,$mode,$numbers" >> "$csv"
    done
done

python3 "$here/report.py" "$csv" "$run_dir/chart.svg"
echo "cbench-configs: results in $run_dir" >&2
