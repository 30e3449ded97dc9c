# The certificates of the TLS interop tests, made with Open vSwitch's own ovs-pki (as a
# deployment would), plus the bad ones: a switch certificate from another PKI, one
# signed by the right CA but expired, and one with a Common Name the allow-list leaves
# out. Source it after ovs-lib.sh; everything lands in $PKI_DIR.
PKI_DIR="$INTEROP_DIR/pki"

make_pki() {
    mkdir -p "$PKI_DIR"
    (
        cd "$PKI_DIR"
        ovs-pki --dir="$PKI_DIR/ca" init --force >/dev/null 2>&1
        ovs-pki --dir="$PKI_DIR/ca" req+sign ctl controller >/dev/null 2>&1
        ovs-pki --dir="$PKI_DIR/ca" req+sign sw switch >/dev/null 2>&1
        ovs-pki --dir="$PKI_DIR/ca" req+sign stranger switch >/dev/null 2>&1
        ovs-pki --dir="$PKI_DIR/rogue-ca" init --force >/dev/null 2>&1
        ovs-pki --dir="$PKI_DIR/rogue-ca" req+sign rogue switch >/dev/null 2>&1
        # Expired: signed by the real switch CA, valid only in 2020.
        openssl req -new -newkey rsa:2048 -nodes -keyout expired-privkey.pem -subj "/CN=sw id:expired" \
            -out expired-req.pem 2>/dev/null
        mkdir -p expired-db/new
        : >expired-db/index.txt
        echo 01 >expired-db/serial
        printf '[ca]\ndefault_ca=x\n[x]\ndatabase=expired-db/index.txt\nnew_certs_dir=expired-db/new\nserial=expired-db/serial\ndefault_md=sha256\npolicy=p\n[p]\ncommonName=supplied\n' >expired-db/ca.cnf
        openssl ca -batch -config expired-db/ca.cnf -cert ca/switchca/cacert.pem -keyfile ca/switchca/private/cakey.pem \
            -in expired-req.pem -startdate 20200101000000Z -enddate 20201231000000Z -notext -out expired-cert.pem 2>/dev/null
    )
    [ -s "$PKI_DIR/expired-cert.pem" ] && [ -s "$PKI_DIR/ctl-cert.pem" ] && [ -s "$PKI_DIR/rogue-cert.pem" ]
}

# The flags each side gives our tools: the controller trusts the switch CA, switches
# trust the controller CA, as ovs-pki lays them out.
controller_tls_flags() {
    echo --private-key "$PKI_DIR/ctl-privkey.pem" --certificate "$PKI_DIR/ctl-cert.pem" --ca-cert "$PKI_DIR/ca/switchca/cacert.pem"
}
switch_tls_flags() {
    echo --private-key "$PKI_DIR/sw-privkey.pem" --certificate "$PKI_DIR/sw-cert.pem" --ca-cert "$PKI_DIR/ca/controllerca/cacert.pem"
}

# probe ARGS...: Tests/Interop/tls-probe.py's verdict.
probe() { python3 "$(dirname "${BASH_SOURCE[0]}")/tls-probe.py" "$@"; }
