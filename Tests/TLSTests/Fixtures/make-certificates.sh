#!/usr/bin/env bash
# Makes the TLS test fixtures with the openssl command line: two CAs (a, b), a server
# and a client certificate signed by CA a, a client signed by CA b, and a client of CA a
# that expired in 2021. EC P-256 keys; valid until 2125. Run it here to remake them.
set -euo pipefail
cd "$(dirname "$0")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
key() { openssl ecparam -name prime256v1 -genkey -noout -out "$1"; }
for ca in a b; do
    key "ca-$ca-key.pem"
    openssl req -x509 -new -key "ca-$ca-key.pem" -subj "/O=SwiftOpenFlow tests/CN=test CA $ca" -days 36500 -out "ca-$ca.pem"
done
# sign NAME CA CN: NAME-key.pem and NAME-cert.pem, signed by ca-CA.
sign() {
    key "$1-key.pem"
    openssl req -new -key "$1-key.pem" -subj "/O=SwiftOpenFlow tests/CN=$3" -out "$work/$1.csr"
    openssl x509 -req -in "$work/$1.csr" -CA "ca-$2.pem" -CAkey "ca-$2-key.pem" -CAcreateserial \
        -CAserial "$work/serial" -days 36500 -out "$1-cert.pem"
}
sign server a controller
sign client a "switch-1 id:1"
sign client-b b "switch-1 id:1"
# The expired one needs explicit dates, which only `openssl ca` takes.
key client-expired-key.pem
openssl req -new -key client-expired-key.pem -subj "/O=SwiftOpenFlow tests/CN=switch-expired" -out "$work/expired.csr"
mkdir -p "$work/new"
: > "$work/index.txt"
echo 01 > "$work/ca-serial"
cat > "$work/ca.cnf" <<CNF
[ca]
default_ca = test
[test]
database = $work/index.txt
new_certs_dir = $work/new
serial = $work/ca-serial
default_md = sha256
policy = any
[any]
commonName = supplied
CNF
openssl ca -batch -config "$work/ca.cnf" -cert ca-a.pem -keyfile ca-a-key.pem -in "$work/expired.csr" \
    -startdate 20200101000000Z -enddate 20210101000000Z -notext -out client-expired-cert.pem 2>/dev/null
rm -f ca-a-key.pem ca-b-key.pem
