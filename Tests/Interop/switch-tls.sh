#!/usr/bin/env bash
# ofswitch over TLS, with certificates from ovs-pki:
#   a. `--controller ssl:` to ovs-testcontroller on `pssl:`: every pair of three hosts pings;
#   b. the same to ofcontroller on `pssl:`: every pair pings;
#   c. its own `--listen pssl:`: ovs-ofctl with the controller's certificate dumps the
#      flows, one from another CA is refused;
#   d. a controller whose certificate the switch's CA did not sign: the switch refuses
#      it, says why, and keeps the flows it learnt (fail secure).
#
# Usage: Tests/Interop/switch-tls.sh [BIN_DIR]
# Needs root, openvswitch-switch (ovs-pki, ovs-ofctl), openvswitch-testcontroller,
# openssl, iproute2, iputils-ping, ethtool and python3.
# Prints "N passed, N failed"; exits non-zero if anything failed.

HERE=$(cd "$(dirname "$0")" && pwd)
BIN_DIR=${1:-$(cd "$HERE/../.." && swift build --show-bin-path)}
# shellcheck source=switch-lib.sh
source "$HERE/switch-lib.sh"
# shellcheck source=tls-lib.sh
source "$HERE/tls-lib.sh"

OFCONTROLLER="$BIN_DIR/ofcontroller"
for tool in "$OFSWITCH" "$OFCONTROLLER"; do
    [ -x "$tool" ] || { log "missing $tool: build it first (swift build)"; exit 2; }
done
for tool in ovs-pki ovs-ofctl ovs-testcontroller openssl ip ping ss ethtool python3; do
    command -v "$tool" >/dev/null || { log "missing $tool (scripts/install-deps.sh installs it)"; exit 2; }
done

CTL_PORT=$(free_port 6653 16653 26653 36653) || { log "no free controller port"; exit 2; }
LISTEN_PORT=$(free_port 6634 16634 26634) || { log "no free listener port"; exit 2; }

check "ovs-pki makes the CAs and certificates (and the bad ones)" make_pki
for n in 1 2 3; do add_switch_host "$n"; done

switch_logged() { grep -qE "$1" "$OFSWITCH_LOG"; }
controller_ups() { grep -c "controller ssl:127.0.0.1:$CTL_PORT up" "$OFSWITCH_LOG" || true; }
ups_above() { [ "$(controller_ups)" -gt "$1" ]; }

all_pairs() {
    for pair in "1 2" "1 3" "2 1" "2 3" "3 1" "3 2"; do
        # shellcheck disable=SC2086
        check "$1: ping h${pair% *} -> h${pair#* }" ping_ok $pair
    done
}

# --- a. ovs-testcontroller on pssl: -------------------------------------------------------
# shellcheck disable=SC2046
check "ofswitch starts with ssl:127.0.0.1:$CTL_PORT and pssl:$LISTEN_PORT" start_ofswitch \
    --controller "ssl:127.0.0.1:$CTL_PORT" --listen "pssl:$LISTEN_PORT" $(switch_tls_flags) --status-interval 0
check "testcontroller: listens on pssl:$CTL_PORT" start_peer testcontroller ovs-testcontroller -vconsole:warn \
    --unixctl="$INTEROP_DIR/tc.ctl" -p "$PKI_DIR/ctl-privkey.pem" -c "$PKI_DIR/ctl-cert.pem" \
    -C "$PKI_DIR/ca/switchca/cacert.pem" "pssl:$CTL_PORT:127.0.0.1"
check "testcontroller: ofswitch connects over TLS" wait_for 30 ups_above 0
all_pairs testcontroller
stop_peer || true # its exit status is not what this test checks

# --- b. ofcontroller on pssl: --------------------------------------------------------------
before=$(controller_ups)
# shellcheck disable=SC2046
check "ofcontroller: listens on pssl:$CTL_PORT" start_peer ofcontroller "$OFCONTROLLER" \
    --listen "pssl:$CTL_PORT:127.0.0.1" $(controller_tls_flags) --status-interval 0
check "ofcontroller: ofswitch reconnects over TLS" wait_for 30 ups_above "$before"
all_pairs ofcontroller
check "ofcontroller: it saw the datapath up" grep -q "datapath 0000000000000001 up" "$PEER_LOG"

# --- c. the switch's own pssl: listener ---------------------------------------------------
ofctl_ssl() {
    ovs-ofctl -O OpenFlow10 --private-key="$PKI_DIR/$1-privkey.pem" --certificate="$PKI_DIR/$1-cert.pem" \
        --ca-cert="$PKI_DIR/ca/switchca/cacert.pem" dump-flows "ssl:127.0.0.1:$LISTEN_PORT"
}
check "pssl: ovs-ofctl with the controller's certificate dumps the learnt flows" \
    bash -c "$(declare -f ofctl_ssl); PKI_DIR=$PKI_DIR LISTEN_PORT=$LISTEN_PORT; ofctl_ssl ctl | grep -q actions=output"
check "pssl: ovs-ofctl with a certificate from another CA is refused" \
    bash -c "$(declare -f ofctl_ssl); PKI_DIR=$PKI_DIR LISTEN_PORT=$LISTEN_PORT; ! ofctl_ssl rogue >/dev/null 2>&1"
check "  ... and the switch says why" wait_for 5 switch_logged "TLS handshake failed: .*certificate verify failed"
stop_peer || true # its exit status is not what this test checks

# --- d. a controller the switch must not trust ---------------------------------------------
check "rogue: a controller with a certificate from another CA listens" start_peer rogue "$OFCONTROLLER" \
    --listen "pssl:$CTL_PORT:127.0.0.1" --private-key "$PKI_DIR/rogue-privkey.pem" \
    --certificate "$PKI_DIR/rogue-cert.pem" --ca-cert "$PKI_DIR/ca/switchca/cacert.pem" --status-interval 0
check "rogue: ofswitch refuses it and says why" wait_for 30 switch_logged "ssl:127.0.0.1:$CTL_PORT: TLS handshake failed: certificate verify failed"
check "rogue: the controller never saw a datapath" bash -c "! grep -q 'datapath 0000000000000001 up' $PEER_LOG"
check "rogue: fail secure keeps the learnt flows" \
    bash -c "$(declare -f ofctl_ssl); PKI_DIR=$PKI_DIR LISTEN_PORT=$LISTEN_PORT; ofctl_ssl ctl | grep -q actions=output"
stop_peer || true # its exit status is not what this test checks

show_logs_if_failed 15 "$INTEROP_DIR"/peer-*.log
finish_switch
