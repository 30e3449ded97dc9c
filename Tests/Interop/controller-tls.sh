#!/usr/bin/env bash
# Open vSwitch (userspace datapath) connecting over TLS (`ssl:`) to ofcontroller on a
# `pssl:` listener, both with certificates from ovs-pki:
#   - the three-host learning test passes over TLS;
#   - clients with no certificate, one from another CA, an expired one, one whose
#     subject is not allowed, and plain OpenFlow on the TLS port are refused and
#     logged with the reason, while OVS stays connected and served;
#   - 1,000 idle connections from one source address: once they have been silent for
#     1 s, the next connection (OVS reconnecting) closes all but 128 of them; OVS is
#     served.
#
# Usage: Tests/Interop/controller-tls.sh [BIN_DIR]
# Needs root, openvswitch-switch (ovs-pki), openssl, iproute2, iputils-ping and python3.
# Prints "N passed, N failed"; exits non-zero if anything failed.

HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=ovs-lib.sh
source "$HERE/ovs-lib.sh"
# shellcheck source=tls-lib.sh
source "$HERE/tls-lib.sh"

BIN_DIR=${1:-$(cd "$HERE/../.." && swift build --show-bin-path)}
OFCONTROLLER="$BIN_DIR/ofcontroller"
[ -x "$OFCONTROLLER" ] || { log "missing $OFCONTROLLER: build it first (swift build)"; exit 2; }
for tool in ovs-vswitchd ovsdb-server ovs-pki openssl ip ping ss python3; do
    command -v "$tool" >/dev/null || { log "missing $tool (scripts/install-deps.sh installs it)"; exit 2; }
done

PORT=$(free_port 6653 16653 26653 36653) || { log "no free port for the controller"; exit 2; }
CONTROLLER_LOG="$INTEROP_DIR/ofcontroller.log"

check "ovs-pki makes the CAs and certificates (and the bad ones)" make_pki

# shellcheck disable=SC2046
"$OFCONTROLLER" --listen "pssl:$PORT:127.0.0.1" $(controller_tls_flags) --allow-subject "sw id:*" \
    --status-interval 0 >"$CONTROLLER_LOG" 2>&1 &
OFC_PID=$!
BACKGROUND_PIDS+=("$OFC_PID")
listening() { ss -Hltn "sport = :$PORT" | grep -q .; }
check "ofcontroller listens on pssl:$PORT" wait_for 10 listening

start_ovs
add_bridge br0 secure
for n in 1 2 3; do add_host "$n" br0; done
"${VSCTL[@]}" set-ssl "$PKI_DIR/sw-privkey.pem" "$PKI_DIR/sw-cert.pem" "$PKI_DIR/ca/controllerca/cacert.pem"
"${VSCTL[@]}" set-controller br0 "ssl:127.0.0.1:$PORT"

ups() { grep -c "datapath 0000000000000001 up" "$CONTROLLER_LOG" || true; }
up_count_above() { [ "$(ups)" -gt "$1" ]; }
check "OVS connects over TLS and the handshake completes" wait_for 20 up_count_above 0
ovs-appctl -t "$OVS_D/run/vswitchd.ctl" revalidator/purge >/dev/null
for pair in "1 2" "1 3" "2 3" "3 1"; do
    # shellcheck disable=SC2086
    check "over TLS: ping h${pair% *} -> h${pair#* }" ping_ok $pair
done
check "the learning switch installed flows" bash -c "${OFCTL[*]} -F openflow10 dump-flows unix:$OVS_D/run/br0.mgmt | grep -q actions=output"

# --- clients that must be refused ------------------------------------------------------
refused() {
    local verdict
    verdict=$(probe 127.0.0.1 "$PORT" "$@")
    log "    probe $1 ${2:+$(basename "$2")}: $verdict"
    [[ $verdict == refused:* ]]
}
logged() { grep -q "$1" "$CONTROLLER_LOG"; }
check "no client certificate: refused" refused tls
check "  ... logged: peer did not return a certificate" wait_for 5 logged "TLS handshake failed: peer did not return a certificate"
check "certificate from another CA: refused" refused tls "$PKI_DIR/rogue-privkey.pem" "$PKI_DIR/rogue-cert.pem"
check "  ... logged: certificate verify failed" wait_for 5 logged "certificate verify failed"
check "expired certificate: refused" refused tls "$PKI_DIR/expired-privkey.pem" "$PKI_DIR/expired-cert.pem"
check "  ... logged: certificate has expired" wait_for 5 logged "(certificate has expired)"
check "a subject outside the allow-list: refused" refused tls "$PKI_DIR/stranger-privkey.pem" "$PKI_DIR/stranger-cert.pem"
check "  ... logged: not in the allow-list" wait_for 5 logged "CN=\"stranger id:.*\" is not in the allow-list"
check "plain OpenFlow on the TLS port: refused" refused plain
check "  ... logged: the peer does not speak TLS" wait_for 5 logged "the peer does not speak TLS"
check "the right certificate is accepted" bash -c "[ \"\$(python3 $HERE/tls-probe.py 127.0.0.1 $PORT tls $PKI_DIR/sw-privkey.pem $PKI_DIR/sw-cert.pem)\" = accepted ]"
check "OVS stayed connected through all that (one up, no down)" \
    bash -c "[ \"\$(grep -c 'datapath 0000000000000001 up' $CONTROLLER_LOG)\" -eq 1 ] && ! grep -q 'datapath 0000000000000001 down' $CONTROLLER_LOG"
check "and is still served: ping h1 -> h3" ping_ok 1 3

# --- 1,000 idle connections ------------------------------------------------------------
IDLE_OUT="$INTEROP_DIR/idle.out"
probe 127.0.0.1 "$PORT" idle 1000 127.0.0.2 60 >"$IDLE_OUT" 2>&1 &
BACKGROUND_PIDS+=("$!")
opened() { grep -q "^open" "$IDLE_OUT"; }
check "1,000 idle connections opened from 127.0.0.2" wait_for 30 opened
log "    $(cat "$IDLE_OUT")"
# Past the grace of 1 s, the next connection makes room among the silent ones.
sleep 1.5
before=$(ups)
started=$(date +%s.%N)
"${VSCTL[@]}" del-controller br0
"${VSCTL[@]}" set-controller br0 "ssl:127.0.0.1:$PORT"
check "OVS reconnects over TLS while they are held" wait_for 30 up_count_above "$before"
log "    reconnected in $(awk "BEGIN { printf \"%.2f\", $(date +%s.%N) - $started }") s"
check "  ... the handshake limit closed the silent ones" wait_for 5 logged "handshake limit (128 in progress): closed"
held() { ss -Htn state established "( sport = :$PORT )" | wc -l; }
at_most_held() { [ "$(held)" -le "$1" ]; }
check "  ... so the controller holds at most 128 of them, plus OVS" wait_for 10 at_most_held 129
log "    established on the controller's port: $(held)"
ovs-appctl -t "$OVS_D/run/vswitchd.ctl" revalidator/purge >/dev/null
check "  ... and is served: ping h2 -> h3" ping_ok 2 3
check "  ... and h1 -> h2" ping_ok 1 2

kill -TERM "$OFC_PID"
status=0
wait "$OFC_PID" || status=$?
check "ofcontroller exits 0 on SIGTERM (got $status)" [ "$status" -eq 0 ]
show_logs_if_failed 30 "$CONTROLLER_LOG"
finish
