#!/usr/bin/env bash
# Benchmark, not a test: what TLS costs on the control channel. One ofcontroller
# (learning switch) listens on plain TCP and one on TLS (certificates from ovs-pki), each
# pinned to core 1; ofbench drives each from core 0, alternating plain and TLS within
# every repetition (the order flips each time):
#   - throughput mode (-t) and latency mode, 16 switches x 100 MACs, TLS_LOOPS loops of
#     TLS_MS ms (the first a warm-up): the mean of each RESULT line;
#   - the handshake rate: TLS_HANDSHAKES handshakes one after another (TCP or TCP+TLS,
#     then HELLO and FEATURES), `ofbench --handshakes`.
# Reports the medians and the TLS/plain ratios.
#
# Usage: scripts/tls-bench.sh [BIN_DIR]
#   BIN_DIR holds release ofcontroller and ofbench; without it the script builds them.
# Environment: TLS_REPS (3), TLS_LOOPS (6), TLS_MS (2000), TLS_HANDSHAKES (500).
# Needs openvswitch-common (ovs-pki) and taskset. Prints a markdown table and writes it
# to results/tls/<UTC timestamp>.md.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
BIN_DIR=${1:-}
if [ -z "$BIN_DIR" ]; then
    (cd "$REPO" && swift build -c release --product ofcontroller >/dev/null && swift build -c release --product ofbench >/dev/null)
    BIN_DIR=$(cd "$REPO" && swift build -c release --show-bin-path)
fi
REPS=${TLS_REPS:-3}
LOOPS=${TLS_LOOPS:-6}
MS=${TLS_MS:-2000}
HANDSHAKES=${TLS_HANDSHAKES:-500}

WORK=$(mktemp -d /tmp/tls-bench.XXXXXX)
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT

(
    cd "$WORK"
    ovs-pki --dir="$WORK/pki" init --force >/dev/null 2>&1
    ovs-pki --dir="$WORK/pki" req+sign ctl controller >/dev/null 2>&1
    ovs-pki --dir="$WORK/pki" req+sign sw switch >/dev/null 2>&1
)
SERVER_TLS=(--private-key "$WORK/ctl-privkey.pem" --certificate "$WORK/ctl-cert.pem" --ca-cert "$WORK/pki/switchca/cacert.pem")
CLIENT_TLS=(--ssl --private-key "$WORK/sw-privkey.pem" --certificate "$WORK/sw-cert.pem" --ca-cert "$WORK/pki/controllerca/cacert.pem")
PLAIN_PORT=16681
TLS_PORT=16682

taskset -c 1 "$BIN_DIR/ofcontroller" --listen "127.0.0.1:$PLAIN_PORT" --status-interval 0 --log-level warning &
PIDS+=("$!")
taskset -c 1 "$BIN_DIR/ofcontroller" --listen "pssl:$TLS_PORT:127.0.0.1" "${SERVER_TLS[@]}" --status-interval 0 --log-level warning &
PIDS+=("$!")
sleep 1

# bench KIND MODE: one ofbench run's mean responses/s (MODE: -t or "") or handshakes/s.
bench() {
    local kind=$1 mode=$2 port=$PLAIN_PORT tls=()
    if [ "$kind" = tls ]; then port=$TLS_PORT; tls=("${CLIENT_TLS[@]}"); fi
    if [ "$mode" = handshakes ]; then
        taskset -c 0 "$BIN_DIR/ofbench" -c 127.0.0.1 -p "$port" "${tls[@]}" --handshakes "$HANDSHAKES" 2>/dev/null |
            sed -n 's/.*= \([0-9.]*\) handshakes.*/\1/p'
    else
        # shellcheck disable=SC2086
        taskset -c 0 "$BIN_DIR/ofbench" -c 127.0.0.1 -p "$port" "${tls[@]}" -s 16 -M 100 -l "$LOOPS" -m "$MS" -w 1 $mode 2>/dev/null |
            sed -n 's|^RESULT: .* = [0-9.]*/[0-9.]*/\([0-9.]*\)/.*|\1|p'
    fi
}

declare -A samples
for rep in $(seq 1 "$REPS"); do
    order=(plain tls)
    [ $((rep % 2)) -eq 0 ] && order=(tls plain)
    for mode in -t latency handshakes; do
        for kind in "${order[@]}"; do
            flag=$mode
            [ "$mode" = latency ] && flag=""
            value=$(bench "$kind" "$flag")
            samples[$kind,$mode]+="$value "
            echo "rep $rep $mode $kind: $value" >&2
        done
    done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
row() {
    local name=$1 mode=$2 unit=$3 plain tls
    plain=$(echo "${samples[plain,$mode]}" | median)
    tls=$(echo "${samples[tls,$mode]}" | median)
    awk -v n="$name" -v p="$plain" -v t="$tls" -v u="$unit" -v ps="${samples[plain,$mode]}" -v ts="${samples[tls,$mode]}" \
        'BEGIN { printf "| %s | %.0f %s | %.0f %s | %.3f | %s/ %s|\n", n, p, u, t, u, t / p, ps, ts }'
}
mkdir -p "$REPO/results/tls"
out="$REPO/results/tls/$(date -u +%Y%m%dT%H%M%SZ).md"
{
    echo "# TLS against plain TCP, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
    echo
    echo "ofcontroller (learning) pinned to core 1, ofbench to core 0; $REPS repetitions, order alternating;"
    echo "16 switches x 100 MACs, $LOOPS loops x $MS ms (1 warm-up); $HANDSHAKES handshakes one after another."
    echo
    echo "| measure | plain TCP (median) | TLS (median) | TLS / plain | samples plain / TLS |"
    echo "|---|---|---|---|---|"
    row "throughput (-t)" -t "responses/s"
    row "latency" latency "responses/s"
    row "handshakes" handshakes "/s"
} | tee "$out"
echo "written to $out" >&2
