#!/usr/bin/env bash
# Installs what the build and the tests need on a fresh Debian machine (apt packages,
# and os-ken in a venv), skipping what is already there. Needs root (CI and the dev
# machines run as root). With --build, only what building needs (libpcap-dev, libssl-dev).
set -euo pipefail

build_only=0
[ "${1:-}" = --build ] && build_only=1

build_packages=(
    libpcap-dev   # the design card's system package: live capture and injection (pcap:IFACE, ofdump -i)
    libssl-dev    # OpenSSL, the TLS of ssl:/pssl: control channels (what Open vSwitch uses too)
)
test_packages=(
    tshark        # independent OpenFlow decoder for the cross-check test
    openvswitch-switch          # a real OpenFlow switch (userspace datapath) for the controller interop test
    openvswitch-testcontroller  # the reference controller the benchmarks compare against
    iproute2      # network namespaces, veth pairs and ss for the interop tests
    iputils-ping  # traffic between the interop test's hosts
    ethtool       # offloads off on the veth pairs ofswitch reads with packet sockets
    python3-venv  # the venv os-ken is installed into (Tests/Interop/osken-venv.sh)
    iperf3        # the veth throughput comparison with Open vSwitch (scripts/veth-compare.sh)
    python3-scapy # hostile frames against our TCP/IP stack (Tests/Interop/netstack-hostile.sh)
    dnsmasq-base  # the DHCP server our DHCP client is tested against (Tests/Interop/netstack-dhcp.sh)
    libxen-dev    # the design card's other system package: the Xen headers the unikernel images use
    qemu-system-x86  # the unikernel lab: QEMU microvm, and Xen inside QEMU (scripts/xen-lab.sh)
    cpio          # packing the lab's dom0 initramfs
    etcd-server   # the etcd cluster an HA pair of ofcontrollers elects masters through (Tests/Interop/controller-ha.sh)
    etcd-client   # etcdctl: the client ofcontroller --etcd runs, and the test's
    openssl       # the TLS tests' expired certificate (ovs-pki makes the rest)
    curl          # the REST interface's interop test (Tests/Interop/controller-rest.sh)
)
apt_packages=("${build_packages[@]}")
((build_only)) || apt_packages+=("${test_packages[@]}")

missing=()
for package in "${apt_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

if ((${#missing[@]})); then
    echo "install-deps: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    # The package starts a system etcd on 2379; the tests run their own cluster.
    systemctl disable --now etcd >/dev/null 2>&1 || true
else
    echo "install-deps: apt packages present"
fi

((build_only)) && exit 0

# os-ken, the Python controller the switch interop test and the cbench runner use as
# a peer, in its own venv.
bash "$(dirname "$0")/../Tests/Interop/osken-venv.sh" >/dev/null
