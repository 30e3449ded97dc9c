#!/usr/bin/env bash
# Our TCP as Wireshark's dissector sees it: tshark captures the tap between ofnet and
# Linux (in a network namespace this script creates) during a 16 MiB discard and a 16 MiB
# chargen transfer, then checks with field output that window scaling was negotiated in
# both SYNs, that our MSS is 1460, that timestamps (RFC 7323) are on every segment we send
# when the kernel offers them, and that tshark's expert info finds no bad IPv4 or TCP
# checksum in what we sent. SACK-permitted and SACK blocks are reported, not required.
# The tap hands the kernel our bulk data as TSO frames of up to 64 KB whose TCP checksum
# holds only the pseudo-header sum (the kernel cuts them up and finishes it), and the
# capture sees them so: their TCP checksums are not checked, their IPv4 ones are.
# Prints the figures. Traffic stays inside the namespace.
#
#   netstack-tshark.sh BIN_DIR
source "$(dirname "$0")/netstack-lib.sh"
BIN=$1
HERE=$(cd "$(dirname "$0")" && pwd)
NS=ofn-tshark
TAP=oftshk0
LINUX_IP=10.98.2.1
OUR_IP=10.98.2.2
SIZE=$((16 << 20))

make_tap_namespace

start_ofnet "$INTEROP_DIR/ofnet.log"

CAPTURE=$INTEROP_DIR/tcp.pcap
log "tshark capturing TCP on $TAP"
ip netns exec "$NS" tshark -q -i "$TAP" -B 64 -f "tcp and host $OUR_IP" -w "$CAPTURE" >"$INTEROP_DIR/tshark.out" 2>&1 &
TSHARK=$!
BACKGROUND_PIDS+=("$TSHARK")
wait_for 10 grep -q "Capturing on" "$INTEROP_DIR/tshark.out" || log "tshark did not say it was capturing"
# "Capturing on" comes before dumpcap has really started: its file header is written
# when it has, and a loaded machine needed the margin (a first SYN went unseen once).
wait_for 10 test -s "$CAPTURE" || log "tshark has not started its capture file"
sleep 0.5

client() { in_ns python3 "$HERE/netstack-client.py" "$@"; }
check "TCP discard: 16 MiB taken" client discard "$OUR_IP" "$SIZE"
check "TCP chargen: 16 MiB of the RFC 864 pattern" client chargen "$OUR_IP" "$SIZE"
sleep 0.5
kill -INT "$TSHARK"
wait "$TSHARK" 2>/dev/null || true
BACKGROUND_PIDS=("$OFNET")
log "tshark: $(grep -iE 'packets (captured|dropped)|dropped' "$INTEROP_DIR/tshark.out" | tr '\n' ' ')"

ts() { tshark -r "$CAPTURE" "$@" 2>/dev/null; }

# The handshakes: one line per SYN and SYN-ACK.
log "SYNs (source, ports, ACK flag, MSS, window scale shift, option kinds, window):"
syns=$(ts -Y 'tcp.flags.syn == 1' -T fields -E occurrence=f -e ip.src -e tcp.srcport -e tcp.dstport \
    -e tcp.flags.ack -e tcp.options.mss_val -e tcp.options.wscale.shift -e tcp.window_size_value)
kinds=$(ts -Y 'tcp.flags.syn == 1' -T fields -e tcp.option_kind)
paste <(echo "$syns") <(echo "$kinds") | tr '\t' ' ' | sed 's/^/    /'
# Tab-separated fields (an absent option leaves an empty one): 1 ip.src, 2 sport,
# 3 dport, 4 ack flag, 5 mss, 6 shift, 7 window.
their_syns=$(awk -F'\t' -v l="$LINUX_IP" '$1 == l && $4 == 0' <<<"$syns")
our_synacks=$(awk -F'\t' -v o="$OUR_IP" '$1 == o && $4 == 1' <<<"$syns")
count_lines() { grep -c . <<<"$1" || true; }
check "two connections, each with the kernel's SYN and our SYN-ACK ($(count_lines "$their_syns") SYNs, $(count_lines "$our_synacks") SYN-ACKs)" \
    [ "$(count_lines "$their_syns")" = 2 -a "$(count_lines "$our_synacks")" = 2 ]
all_have_shift() { [ -n "$1" ] && awk -F'\t' '$6 == "" {bad = 1} END {exit bad}' <<<"$1"; }
check "window scaling in the kernel's SYNs (shift $(awk -F'\t' '{print $6}' <<<"$their_syns" | sort -u | tr '\n' ' '))" all_have_shift "$their_syns"
check "window scaling in our SYN-ACKs (shift $(awk -F'\t' '{print $6}' <<<"$our_synacks" | sort -u | tr '\n' ' '))" all_have_shift "$our_synacks"
all_mss_1460() { [ -n "$1" ] && awk -F'\t' '$5 != 1460 {bad = 1} END {exit bad}' <<<"$1"; }
check "our SYN-ACKs offer MSS 1460 ($(awk -F'\t' '{print $5}' <<<"$our_synacks" | sort -u | tr '\n' ' '))" all_mss_1460 "$our_synacks"
check "the kernel's SYNs offer MSS 1460 ($(awk -F'\t' '{print $5}' <<<"$their_syns" | sort -u | tr '\n' ' '))" all_mss_1460 "$their_syns"
kernel_sack=$(ts -Y "ip.src == $LINUX_IP && tcp.flags.syn == 1 && tcp.options.sack_perm" -T fields -e frame.number | grep -c . || true)
our_sack=$(ts -Y "ip.src == $OUR_IP && tcp.flags.syn == 1 && tcp.options.sack_perm" -T fields -e frame.number | grep -c . || true)
log "info: SACK-permitted in $our_sack of our SYN-ACKs (the kernel offered it in $kernel_sack SYNs)"
count_frames() { ts -Y "$1" -T fields -e frame.number | grep -c . || true; }
sack_theirs=$(count_frames "ip.src == $LINUX_IP && tcp.options.sack_le")
sack_ours=$(count_frames "ip.src == $OUR_IP && tcp.options.sack_le")
log "info: SACK blocks in $sack_theirs of the kernel's segments and $sack_ours of ours"
# RFC 7323 timestamps: answered in our SYN-ACK when the kernel's SYN offers them, then on
# every segment we send but a RST.
kernel_ts=$(count_frames "ip.src == $LINUX_IP && tcp.flags.syn == 1 && tcp.options.timestamp.tsval")
our_ts=$(count_frames "ip.src == $OUR_IP && tcp.flags.syn == 1 && tcp.options.timestamp.tsval")
if [ "$kernel_ts" -gt 0 ]; then
    check "timestamps in our SYN-ACKs ($our_ts, the kernel offered them in $kernel_ts SYNs)" [ "$our_ts" = "$(count_lines "$our_synacks")" ]
    ours_without_ts=$(count_frames "ip.src == $OUR_IP && tcp.flags.reset == 0 && !tcp.options.timestamp.tsval")
    check "timestamps on every segment we sent but RSTs ($ours_without_ts without)" [ "$ours_without_ts" = 0 ]
else
    check "no timestamps in our SYN-ACKs, the kernel offered none ($our_ts)" [ "$our_ts" = 0 ]
fi
largest_of() { ts -Y "ip.src == $OUR_IP && $1" -T fields -e tcp.len | sort -n | tail -1; }
largest=$(largest_of "tcp.len <= 1460")
check "our largest segment within the MSS carries ${largest:-?} bytes" [ -n "$largest" ]
tso=$(count_frames "ip.src == $OUR_IP && tcp.len > 1460")
largest_tso=$(largest_of "tcp.len > 1460")
log "info: $tso of our segments are TSO frames for the kernel to cut up, the largest ${largest_tso:-0} bytes"
check "no TSO frame beyond an IPv4 packet's 65535 bytes (${largest_tso:-0} of data)" [ "${largest_tso:-0}" -le $((65535 - 40)) ]

# Checksums, verified by tshark (off by default) and reported by its expert info.
checked=(-o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE)
whole="ip.src == $OUR_IP && tcp.len <= 1460"
ours_total=$(ts -Y "$whole" -T fields -e frame.number | grep -c . || true)
ours_good=$(ts "${checked[@]}" -Y "$whole && tcp.checksum.status == 1 && ip.checksum.status == 1" -T fields -e frame.number | grep -c . || true)
ours_bad=$(ts "${checked[@]}" -Y "($whole && tcp.checksum_bad.expert) || (ip.src == $OUR_IP && ip.checksum_bad.expert)" -T fields -e frame.number | grep -c . || true)
theirs_bad=$(ts "${checked[@]}" -Y "ip.src == $LINUX_IP && (tcp.checksum_bad.expert || ip.checksum_bad.expert)" -T fields -e frame.number | grep -c . || true)
expert=$(ts "${checked[@]}" -q -z expert,error | sed -n '/Errors/,$p' | grep -v '^=*$' || true)
log "tshark expert info, errors (checksums checked; our TSO frames' partial TCP checksums among them):"
if [ -n "$expert" ]; then head -12 <<<"$expert" | sed 's/^/    /'; else log "    (no errors)"; fi
check "no bad checksum from our side but TSO frames' TCP ones: $ours_bad of $ours_total frames (good: $ours_good)" \
    [ "$ours_bad" = 0 -a "$ours_total" -gt 0 ]
check "tshark verified every checksum we sent whole as good ($ours_good of $ours_total)" [ "$ours_good" = "$ours_total" ]
log "info: bad checksums from the kernel's side: $theirs_bad (its tap may leave them to offload)"
warnings=$(ts -q -z expert,warn | sed -n '/Warns/,$p' | grep -v '^=*$' || true)
log "tshark expert info, warnings (figures, not checks):"
if [ -n "$warnings" ]; then head -12 <<<"$warnings" | sed 's/^/    /'; else log "    (none)"; fi

# The figures.
figures() {
    local port=$1 what=$2
    local flow="tcp.port == $port"
    local frames_ours frames_theirs bytes_ours bytes_theirs retrans dupacks zerowin resets maxwin duration
    frames_ours=$(ts -Y "$flow && ip.src == $OUR_IP" -T fields -e frame.number | grep -c . || true)
    frames_theirs=$(ts -Y "$flow && ip.src == $LINUX_IP" -T fields -e frame.number | grep -c . || true)
    bytes_ours=$(ts -Y "$flow && ip.src == $OUR_IP" -T fields -e tcp.len | awk '{s += $1} END {print s + 0}')
    bytes_theirs=$(ts -Y "$flow && ip.src == $LINUX_IP" -T fields -e tcp.len | awk '{s += $1} END {print s + 0}')
    per_source() { ts -Y "$flow && $1" -T fields -e ip.src | sort | uniq -c | awk '{printf "%s%s from %s", sep, $1, $2; sep = ", "}'; }
    retrans=$(per_source tcp.analysis.retransmission)
    dupacks=$(per_source tcp.analysis.duplicate_ack)
    zerowin=$(per_source tcp.analysis.zero_window)
    resets=$(per_source "tcp.flags.reset == 1")
    maxwin=$(ts -Y "$flow && ip.src == $OUR_IP && tcp.flags.syn == 0" -T fields -e tcp.window_size | sort -n | tail -1)
    duration=$(ts -Y "$flow" -T fields -e tcp.time_relative | sort -n | tail -1)
    log "$what (port $port): ours $frames_ours frames / $bytes_ours payload bytes, the kernel's $frames_theirs frames / $bytes_theirs bytes, ${duration:-?} s"
    log "    our largest advertised window ${maxwin:-?} bytes; retransmissions: ${retrans:-none}; duplicate ACKs: ${dupacks:-none}; zero windows: ${zerowin:-none}; RSTs: ${resets:-none}"
}
figures 9 discard
figures 19 chargen

stop_ofnet

finish
