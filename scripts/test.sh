#!/usr/bin/env bash
# The test command: installs what is missing, builds, and runs every test: unit and
# property tests, the tshark cross-check, the Embedded build of the core, the
# allocation-counting benchmarks (no hot path may allocate), bounded fuzz
# runs of the codec, the switch core and the TCP/IP stack, ofdump over the shipped
# captures, the interop tests against real peers, and the unikernel images in the Xen lab.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "install dependencies"
bash scripts/install-deps.sh

step "build"
swift build --build-tests

step "unit, property and interop tests"
OFP_REQUIRE_TSHARK=1 swift test --skip-build

step "Embedded Swift build of the core"
bash scripts/embedded-check.sh

step "hot paths allocate nothing: the benchmarks, counting mallocs (release)"
bash scripts/alloc-check.sh

step "fuzz the framer and decoder (${FUZZ_SECONDS:=60} s), the switch core (${SWITCH_FUZZ_SECONDS:=30} s) and the TCP/IP stack (${NETSTACK_FUZZ_SECONDS:=30} s)"
bash scripts/fuzz.sh "$FUZZ_SECONDS"
bash scripts/fuzz.sh "$SWITCH_FUZZ_SECONDS" --switch
bash scripts/fuzz.sh "$NETSTACK_FUZZ_SECONDS" --netstack

step "ofdump over the shipped captures"
# The ovs-testcontroller session is all valid; the ovs-ofctl session carries four
# messages made malformed on purpose (see samples/captures/README.md), so ofdump must
# name exactly those four and exit 1.
swift run --skip-build ofdump samples/captures/ovs-testcontroller-session.pcap > /dev/null
echo "ofdump: ovs-testcontroller-session.pcap decoded cleanly"
output=$(swift run --skip-build ofdump samples/captures/ovs-ofctl-session.pcap) && status=0 || status=$?
errors=$(grep -c ' error: ' <<<"$output" || true)
if [ "$errors" != 4 ] || [ "$status" != 1 ]; then
    echo "ofdump: expected 4 malformed messages and exit 1, got $errors and exit $status" >&2
    exit 1
fi
echo "ofdump: ovs-ofctl-session.pcap: the 4 malformed messages named, exit 1"

step "interop: ofcontroller, ofswitch and our TCP/IP stack against real peers"
# Real TCP on loopback and network namespaces (needs root); each script prints
# "N passed, N failed", and all run even if one fails. ofcontroller drives Open vSwitch
# (also over TLS) and answers fake switches' bad input; ofswitch is driven by ovs-ofctl, a fake
# controller's bad input, ovs-testcontroller, os-ken and ofcontroller; our own TCP/IP
# stack (ofnet, and ofcontroller --net) talks to Linux and to Open vSwitch over taps.
# A failed script's FAIL lines are repeated at the end, where a log's tail shows them.
bin_dir=$(swift build --show-bin-path)
interop_log=$(mktemp)
failed_scripts=()
for script in controller-ovs controller-topology controller-rest controller-bad-input controller-ha controller-tls \
    switch-ofctl switch-bad-input switch-controllers switch-roles switch-tls \
    netstack-linux netstack-iperf3 netstack-dhcp netstack-tshark netstack-hostile controller-ovs-netstack switch-netstack; do
    if ! bash "Tests/Interop/$script.sh" "$bin_dir" 2>&1 | tee "$interop_log"; then
        failed_scripts+=("$script")
        echo "interop: $script failed" >&2
        grep -a 'FAIL' "$interop_log" | sed "s/^/interop: $script: /" >> "$interop_log.failures" || true
    fi
done
if [ "${#failed_scripts[@]}" -gt 0 ]; then
    echo "interop: failed: ${failed_scripts[*]}" >&2
    cat "$interop_log.failures" >&2
    exit 1
fi
rm -f "$interop_log" "$interop_log.failures"

step "unikernel images: build, and boot them in the Xen lab"
# selftest.elf under QEMU microvm and as a Xen PVH dom0; echo.elf (NetStack over netfront)
# as a domU of a Linux dom0, with Xen inside QEMU: ping and a 10 MB TCP echo from dom0.
bash scripts/unikernel.sh test

step "all tests passed"
