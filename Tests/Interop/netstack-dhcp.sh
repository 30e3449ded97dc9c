#!/usr/bin/env bash
# Our DHCP client (ofnet --dhcp) against dnsmasq, the two joined by a tap in a network
# namespace this script creates: ofnet must be bound to an address of dnsmasq's range,
# dnsmasq's lease file must hold our MAC and that address, the address must answer
# ping, and a RENEWING exchange must succeed at T1. dnsmasq's shortest lease is two
# minutes, so T1 and T2 (options 58 and 59) are given shorter to see a renewal in time.
# Traffic stays inside the namespace. About 30 s.
#
#   netstack-dhcp.sh BIN_DIR
source "$(dirname "$0")/netstack-lib.sh"
BIN=$1
NS=ofn-dhcp
TAP=ofdhcp0
SERVER_IP=10.98.1.1
RANGE_FIRST=50
RANGE_LAST=59
LEASE=2m
T1=${NETSTACK_DHCP_T1:-20}
T2=${NETSTACK_DHCP_T2:-40}

if ! command -v dnsmasq >/dev/null; then
    log "dnsmasq is missing (apt-get install dnsmasq-base; scripts/install-deps.sh)"
    exit 1
fi

LINUX_IP=$SERVER_IP
make_tap_namespace

LEASES=$INTEROP_DIR/dnsmasq.leases
DNSMASQ_LOG=$INTEROP_DIR/dnsmasq.log
OFNET_LOG=$INTEROP_DIR/ofnet.log
touch "$LEASES"
log "dnsmasq on $TAP: 10.98.1.$RANGE_FIRST-10.98.1.$RANGE_LAST, lease $LEASE, T1 $T1 s, T2 $T2 s"
ip netns exec "$NS" dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts --port=0 \
    --user=root --group=root --interface="$TAP" --bind-interfaces --except-interface=lo \
    --dhcp-range="10.98.1.$RANGE_FIRST,10.98.1.$RANGE_LAST,255.255.255.0,$LEASE" \
    --dhcp-option=option:T1,"$T1" --dhcp-option=option:T2,"$T2" --dhcp-authoritative \
    --dhcp-leasefile="$LEASES" --pid-file="$INTEROP_DIR/dnsmasq.pid" --log-dhcp --log-facility="$DNSMASQ_LOG" \
    >"$INTEROP_DIR/dnsmasq.out" 2>&1 &
DNSMASQ=$!
BACKGROUND_PIDS+=("$DNSMASQ")
sleep 0.5
check "dnsmasq running" kill -0 "$DNSMASQ"

# The DHCP exchanges, for the form of the renewal.
CAPTURE=$INTEROP_DIR/dhcp.pcap
ip netns exec "$NS" tshark -q -i "$TAP" -f 'udp port 67 or udp port 68' -w "$CAPTURE" >"$INTEROP_DIR/tshark.out" 2>&1 &
TSHARK=$!
BACKGROUND_PIDS+=("$TSHARK")
wait_for 10 grep -q "Capturing on" "$INTEROP_DIR/tshark.out" || log "tshark did not say it was capturing"

ip netns exec "$NS" "$BIN/ofnet" --net "tap:$TAP" --dhcp --status-interval 0 >"$OFNET_LOG" 2>&1 &
OFNET=$!
BACKGROUND_PIDS+=("$OFNET")
started=$SECONDS

bound_line() { grep -m1 -o 'DHCP: bound [0-9.]*/[0-9]*.*' "$OFNET_LOG"; }
wait_for 30 bound_line >/dev/null || true
line=$(bound_line || true)
log "ofnet: ${line:-no DHCP: bound line}"
check "ofnet logs \"DHCP: bound 10.x.y.z/24\" ($((SECONDS - started)) s after start)" \
    grep -Eq 'DHCP: bound 10\.[0-9]+\.[0-9]+\.[0-9]+/24' "$OFNET_LOG"
address=$(sed -n 's|.*DHCP: bound \([0-9.]*\)/.*|\1|p' "$OFNET_LOG" | head -1)
host=${address##*.}
in_range() { [ "${address%.*}" = 10.98.1 ] && [ "$host" -ge "$RANGE_FIRST" ] && [ "$host" -le "$RANGE_LAST" ]; }
check "address ${address:-none} is in dnsmasq's range 10.98.1.$RANGE_FIRST-$RANGE_LAST" in_range
check "lease of 120 s reported" grep -q "DHCP: bound .*lease 120 s" "$OFNET_LOG"

pings() { in_ns ping -q -c 3 -i 0.2 -W 1 "$1" >/dev/null 2>&1; }
check "ping ${address:-none} (the leased address)" pings "${address:-0.0.0.0}"
mac=$(in_ns ip neigh show "${address:-0.0.0.0}" dev "$TAP" | awk '/lladdr/ {print $3}')
log "ofnet's MAC from the neighbour table: ${mac:-none}"
log "dnsmasq lease file: $(cat "$LEASES")"
lease_has_us() { [ -n "$mac" ] && awk -v m="$mac" -v a="$address" 'tolower($2) == tolower(m) && $3 == a {f=1} END {exit !f}' "$LEASES"; }
check "dnsmasq's lease file holds our MAC ${mac:-?} with ${address:-?}" lease_has_us
first_expiry=$(awk -v a="$address" '$3 == a {print $1}' "$LEASES")

# RENEWING at T1: a unicast REQUEST to the server, ACKed; the lease's expiry moves on.
renewed_line() { grep -m1 -o 'DHCP: renewed .*' "$OFNET_LOG"; }
wait_for $((T1 + 15)) renewed_line >/dev/null || true
line=$(renewed_line || true)
log "ofnet: ${line:-no DHCP: renewed line} ($((SECONDS - started)) s after start)"
check "renewal at T1 ($T1 s): ofnet logs \"DHCP: renewed $address\"" grep -q "DHCP: renewed $address\b" "$OFNET_LOG"
acks=$(grep -c "DHCPACK(.*) $address" "$DNSMASQ_LOG" || true)
log "dnsmasq: $(grep -c DHCPREQUEST "$DNSMASQ_LOG" || true) DHCPREQUEST, $acks DHCPACK for $address"
check "dnsmasq ACKed our address twice (binding and renewal): $acks" [ "$acks" -ge 2 ]
later_expiry=$(awk -v a="$address" '$3 == a {print $1}' "$LEASES")
expiry_moved() { [ -n "$first_expiry" ] && [ -n "$later_expiry" ] && [ "$later_expiry" -gt "$first_expiry" ]; }
check "the lease file's expiry moved on after the renewal (${first_expiry:-?} -> ${later_expiry:-?})" expiry_moved
check "ping $address after the renewal" pings "$address"

# RFC 2131 4.3.2 and 4.4.5: RENEWING unicasts its REQUEST to the server, with ciaddr set
# and no requested-address option.
kill -TERM "$TSHARK"
wait "$TSHARK" 2>/dev/null || true
BACKGROUND_PIDS=("$DNSMASQ" "$OFNET")
requests=$(tshark -r "$CAPTURE" -Y 'dhcp.option.dhcp == 3' -T fields -E separator=' ' \
    -e ip.src -e ip.dst -e dhcp.ip.client -e dhcp.option.requested_ip_address 2>/dev/null || true)
log "DHCPREQUESTs seen (ip.src ip.dst ciaddr requested-address):"
sed 's/^/    /' <<<"$requests"
renewal=$(sed -n 2p <<<"$requests" | sed 's/ *$//')
check "the renewal REQUEST is unicast to $SERVER_IP from $address with ciaddr $address and no requested address" \
    [ "$renewal" = "$address $SERVER_IP $address" ]

kill -TERM "$OFNET"
status=0
wait "$OFNET" || status=$?
BACKGROUND_PIDS=("$DNSMASQ")
check "ofnet exits 0 on SIGTERM (got $status)" [ "$status" = 0 ]
log "ofnet log:"
sed 's/^/    /' "$OFNET_LOG"
log "dnsmasq log (DHCP lines):"
grep -E 'DHCP(DISCOVER|OFFER|REQUEST|ACK|NAK)|T1|T2|lease' "$DNSMASQ_LOG" | sed 's/^/    /' | head -30

finish
