#!/bin/sh
# /init of the lab's reference domU: Debian's own kernel as a PVH domU with busybox and
# labnet (`xen-lab.sh reference`). It does what a network unikernel under test does:
# connects vif 0 (xen-netfront), takes the address given as lab_ip=A/N on its command
# line (or asks dom0's DHCP server with lab_ip=dhcp), answers ping, echoes TCP on
# port 7, and powers off on `xl shutdown`.
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
exec < /dev/console > /dev/console 2>&1
echo "reference: init"
insmod /lib/modules/xen-netfront.ko
address=$(sed -n 's/.*lab_ip=\([0-9a-z./]*\).*/\1/p' /proc/cmdline)
n=0
while [ ! -e /sys/class/net/eth0 ] && [ "$n" -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
ip link set lo up
ip link set eth0 up
if [ "$address" = dhcp ]; then
    printf '#!/bin/sh\n[ "$1" = bound ] && ip addr add "$ip/$mask" dev "$interface"\nexit 0\n' > /tmp/dhcp.sh
    chmod +x /tmp/dhcp.sh
    udhcpc -i eth0 -q -n -t 10 -T 1 -s /tmp/dhcp.sh > /dev/null 2>&1 || echo "reference: no DHCP lease"
else
    ip addr add "${address:-10.0.9.2/24}" dev eth0
fi
echo "reference: eth0 $(ip -o addr show dev eth0 | grep -o 'inet [0-9./]*')"
labnet echo-server 7 &
echo "selftest: 1 passed, 0 failed"
# Linux answers xl shutdown by running /sbin/poweroff, which signals init.
trap 'echo "reference: powering off"; poweroff -f' USR1 USR2 TERM
while :; do sleep 1; done
