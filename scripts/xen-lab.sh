#!/usr/bin/env bash
# The Xen-in-QEMU test lab: boots unikernel images under Xen 4.17 inside QEMU (TCG, no
# KVM, no host networking) and checks them. See scripts/xen-lab/README.md.
#
#   scripts/xen-lab.sh prepare
#       Installs qemu-system-x86, cpio, libxen-dev, iproute2, iputils-ping, gcc if
#       missing; downloads (never installs) Xen, the Xen tools, the current Debian
#       kernel and busybox-static into .build/xen-lab/, unpacks them with dpkg-deb -x,
#       builds our labnet helper statically and packs the dom0 initramfs. Idempotent:
#       a second run with the same packages and lab files does nothing.
#   scripts/xen-lab.sh dom0 IMAGE [--cmdline "..."] [--timeout S]
#       Boots IMAGE as Xen's PVH dom0. Passes (exit 0) iff the guest prints
#       `selftest: N passed, 0 failed` and then shuts down.
#   scripts/xen-lab.sh domu IMAGE [--cmdline "..."] [--memory MB] [--ramdisk FILE]
#                               [--dom0-mem MB] [--timeout S] [--vifs N] [--port-bridges]
#                               [--dom0-files CPIO]
#       Boots Xen with a Linux PV dom0 that `xl create`s IMAGE as a PVH domU with a vif
#       on bridge xenbr0 (dom0 10.0.9.1, domU 10.0.9.2 by default) and checks it: ping,
#       a 10 MB TCP echo on port 7, a clean `xl shutdown`; the same ping and echo
#       against a Linux network namespace on the same bridge (10.0.9.3) as a baseline.
#       dom0 also serves DHCP on the bridge (busybox udhcpd): the domU's MAC gets
#       10.0.9.2, for a guest booted with `dhcp` instead of `ip=`. With --vifs N (up
#       to 4), vifs 1..N-1 join the bridge too (MAC 00:16:3e:00:09:1I) and each must
#       answer 100 pings at 10.0.9.1I (the guest is told `vifI=10.0.9.1I/24`). Ends with
#       `N passed, M failed`; exit 0 iff nothing failed. With --port-bridges, vif I
#       (I >= 1) goes on a bridge portI of its own instead, with a namespace hI
#       (10.0.1.I/24) behind a veth: hosts on a switch image's ports. --dom0-files CPIO
#       is unpacked over dom0's / at boot (tools for the checks; the domU never sees it).
#   scripts/xen-lab.sh shell IMAGE [domu's options]
#       The domu setup (dom0, bridge, peer namespace, IMAGE created as the domU), then
#       a shell on dom0's console in this terminal instead of the checks (Ctrl-a x
#       quits QEMU). For debugging a guest by hand.
#   scripts/xen-lab.sh reference [--dhcp] [--timeout S]
#       `domu` with a known-good guest: Debian's kernel as the PVH domU with a busybox
#       ramdisk (netfront, labnet's echo server). Checks the lab itself; a baseline.
#
# Logs: .build/xen-lab/logs/<mode>-<image>-<UTC time>.log (the serial console as it
# came) and .ts.log (each line with the host's seconds since QEMU was launched).
# Environment: XEN_LAB_DIR (cache, default <repo>/.build/xen-lab), XEN_LAB_PINGS
# (1000), XEN_LAB_PING_INTERVAL (0.01), XEN_LAB_PING_DEADLINE (90 s for the whole
# ping run), XEN_LAB_ECHO_BYTES (10485760),
# XEN_LAB_READY_TIMEOUT (30, seconds for the domU to answer ping / print),
# XEN_LAB_DOM0_MEM (MB, 256), XEN_LAB_VERBOSE=1 (copy the serial console to stderr
# as it comes).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
FILES="$HERE/xen-lab"
LAB=${XEN_LAB_DIR:-$REPO/.build/xen-lab}

log() { echo "xen-lab: $*" >&2; }
die() { log "$*"; exit 2; }

usage() {
    awk 'NR >= 4 && /^set -euo/ { exit } NR >= 4 { sub(/^# ?/, ""); print }' "$0" >&2
    exit 2
}

# ---------------------------------------------------------------------------------
# prepare
# ---------------------------------------------------------------------------------

HOST_PACKAGES=(
    qemu-system-x86   # the machine Xen runs in
    cpio              # packing the dom0 initramfs
    libxen-dev        # Xen headers for the unikernel; its dependencies are the libraries
                      # xl, xenstored and xenconsoled need (copied into the initramfs)
    iproute2          # `ip` (bridge, veth, netns) copied into the dom0
    iputils-ping      # `ping -i 0.01` with an rtt summary, copied into the dom0
    xz-utils          # unpacking the kernel from its bzImage
    gcc               # labnet, built static
    libc6-dev
)
# Kernel modules the dom0 loads (their dependencies are added). tun: /dev/net/tun, which
# Open vSwitch's userspace datapath needs for a bridge's own port (controller-lab.sh --bench).
DOM0_MODULES=(xen-evtchn xen-privcmd xenfs xen-gntdev xen-gntalloc xen-netback bridge veth tun)
# Binaries from xen-utils-4.17 (kept at their path: libxl looks for helpers there).
XEN_BINS=(xl xenstored xenconsoled xen-init-dom0)
XEN_LIBEXEC=usr/lib/xen-4.17/bin

apt_updated=0
apt_update() {
    ((apt_updated)) && return 0
    log "apt-get update"
    apt-get update -qq
    apt_updated=1
}

installed_version() { dpkg-query -W -f='${Status} ${Version}' "$1" 2>/dev/null | awk '$3 == "installed" { print $4 }'; }
candidate_version() { apt-cache policy "$1" 2>/dev/null | awk '$1 == "Candidate:" { print $2 }'; }

ensure_host_packages() {
    local missing=() p
    for p in "${HOST_PACKAGES[@]}"; do
        [ -n "$(installed_version "$p")" ] || missing+=("$p")
    done
    if ((${#missing[@]})); then
        apt_update
        log "installing ${missing[*]}"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
}

# Fills PKGS with name=version for everything the lab downloads.
resolve_packages() {
    apt-cache show linux-image-amd64 >/dev/null 2>&1 || apt_update
    local kernel xenver
    kernel=$(apt-cache depends linux-image-amd64 2>/dev/null |
        awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }')
    [ -n "$kernel" ] || die "cannot resolve the kernel package from linux-image-amd64"
    xenver=$(candidate_version xen-utils-4.17)
    [ -n "$xenver" ] || die "no candidate for xen-utils-4.17"
    # The tools run against the host's Xen libraries (libxen-dev's dependencies): both
    # must be the same build.
    if [ "$(installed_version libxenmisc4.17)" != "$xenver" ]; then
        apt_update
        xenver=$(candidate_version xen-utils-4.17)
        log "bringing the host's Xen libraries to $xenver"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            libxen-dev libxenmisc4.17 >/dev/null
    fi
    PKGS=(
        "xen-hypervisor-4.17-amd64=$xenver"
        "xen-utils-4.17=$xenver"
        "xenstore-utils=$xenver"
        "$kernel=$(candidate_version "$kernel")"
        "busybox-static=$(candidate_version busybox-static)"
    )
}

# Downloads what is not in $LAB/debs yet (and drops what is no longer wanted).
download_packages() {
    mkdir -p "$LAB/debs"
    local want=() have f spec
    for f in "$LAB"/debs/*.deb; do
        [ -e "$f" ] || continue
        have="$(dpkg-deb -f "$f" Package)=$(dpkg-deb -f "$f" Version)"
        if printf '%s\n' "${PKGS[@]}" | grep -qxF "$have"; then continue; fi
        rm -f "$f"
    done
    for spec in "${PKGS[@]}"; do
        local found=0
        for f in "$LAB"/debs/*.deb; do
            [ -e "$f" ] || continue
            [ "$(dpkg-deb -f "$f" Package)=$(dpkg-deb -f "$f" Version)" = "$spec" ] && found=1 && break
        done
        ((found)) || want+=("$spec")
    done
    ((${#want[@]})) || return 0
    log "downloading ${want[*]}"
    if ! (cd "$LAB/debs" && apt-get download -q "${want[@]}") > "$LAB/download.log" 2>&1; then
        grep -v 'Download is performed unsandboxed' "$LAB/download.log" >&2
        return 1
    fi
}

# Copies a dynamic ELF's libraries (host ones, found with ldd) into the initramfs.
copy_libs() {
    local bin=$1 line lib
    while read -r line; do
        case "$line" in
            *"not found"*) die "$bin: $line" ;;
            *" => "/*) lib=${line#* => }; lib=${lib%% (*} ;;
            /*) lib=${line%% (*} ;;
            *) continue ;;
        esac
        if [[ $lib == */ld-linux* ]]; then
            cp -L "$lib" "$INITRD/lib64/$(basename "$lib")"
        else
            cp -L "$lib" "$INITRD/lib/x86_64-linux-gnu/$(basename "$lib")"
        fi
    done < <(ldd "$bin" 2>/dev/null || true)
}

# Appends module NAME and (first) its dependencies to MODULE_ORDER.
add_module() {
    local name=$1 file deps dep
    for dep in "${MODULE_ORDER[@]:-}"; do [ "$dep" = "$name" ] && return 0; done
    file=$(find "$ROOT/lib/modules/$KVER" \( -name "$name.ko" -o -name "${name//-/_}.ko" \) | head -n 1)
    [ -n "$file" ] || die "kernel module $name not found (compressed modules are not handled)"
    deps=$(tr '\0' '\n' < "$file" | sed -n 's/^depends=//p' | head -n 1)
    for dep in ${deps//,/ }; do add_module "$dep"; done
    cp "$file" "$INITRD/lib/modules/$name.ko"
    MODULE_ORDER+=("$name")
}

# Xen takes 8 s under TCG to unpack the dom0 kernel's bzImage: hand it the ELF inside.
# (bzImage header: setup_sects at 0x1f1, payload_offset/_length at 0x248/0x24c.)
extract_vmlinux() {
    local bz=$1 out=$2 sects off len magic
    sects=$(od -A n -t u1 -j $((0x1f1)) -N 1 "$bz" | tr -d ' ')
    read -r off len < <(od -A n -t u4 -j $((0x248)) -N 8 "$bz")
    off=$(((sects + 1) * 512 + off))
    magic=$(od -A n -t x1 -j "$off" -N 4 "$bz" | tr -d ' ')
    local unpack
    case "$magic" in
        fd377a58) unpack="xz -dc" ;;
        1f8b*) unpack="gzip -dc" ;;
        28b52ffd) unpack="zstd -dc" ;;
        *) unpack= ;;
    esac
    # (The payload ends with its unpacked size: the unpackers may complain about that.)
    [ -n "$unpack" ] && { tail -c +$((off + 1)) "$bz" | head -c "$len" | $unpack > "$out.new" 2>/dev/null || true; }
    if [ -s "$out.new" ] && [ "$(od -A n -t x1 -N 4 "$out.new" | tr -d ' ')" = 7f454c46 ] &&
        [ "$(stat -c %s "$out.new")" -gt $((len * 2)) ]; then
        mv "$out.new" "$out"
    else
        log "could not unpack the kernel from its bzImage (payload magic $magic): Xen will, slowly"
        rm -f "$out.new"
        cp "$bz" "$out"
    fi
}

build_initramfs() {
    ROOT="$LAB/root"
    INITRD="$LAB/initrd"
    rm -rf "$ROOT" "$INITRD"
    mkdir -p "$ROOT"
    local f
    for f in "$LAB"/debs/*.deb; do dpkg-deb -x "$f" "$ROOT"; done

    zcat "$ROOT"/boot/xen-4.17-amd64.gz > "$LAB/xen.elf"
    KVER=$(ls "$ROOT/lib/modules" | head -n 1)
    extract_vmlinux "$ROOT/boot/vmlinuz-$KVER" "$LAB/vmlinux"

    mkdir -p "$INITRD"/{bin,sbin,usr/bin,usr/sbin,usr/local/bin,lib/x86_64-linux-gnu,lib64,lib/modules} \
        "$INITRD"/{dev,proc,sys,run,tmp,root,lab,var/log,var/lib,etc/xen/scripts} "$INITRD/$XEN_LIBEXEC"
    mknod "$INITRD/dev/console" c 5 1
    mknod "$INITRD/dev/null" c 1 3

    # busybox and its applets (ours first in PATH: /usr/local/bin has the real ip, ping)
    cp "$ROOT/bin/busybox" "$INITRD/bin/busybox"
    local applet
    for applet in $("$INITRD/bin/busybox" --list-full); do
        [ "$applet" = linuxrc ] && continue
        mkdir -p "$INITRD/$(dirname "$applet")"
        [ -e "$INITRD/$applet" ] || ln -s /bin/busybox "$INITRD/$applet"
    done

    local bins=()
    for f in "${XEN_BINS[@]}"; do
        cp "$ROOT/$XEN_LIBEXEC/$f" "$INITRD/$XEN_LIBEXEC/$f"
        bins+=("$INITRD/$XEN_LIBEXEC/$f")
    done
    cp "$ROOT/usr/bin/xenstore" "$INITRD/usr/bin/xenstore"
    bins+=("$INITRD/usr/bin/xenstore")
    for f in read write rm ls list exists watch chmod; do
        ln -sf xenstore "$INITRD/usr/bin/xenstore-$f"
    done
    cp -L "$(command -v ip)" "$INITRD/usr/local/bin/ip"
    cp -L "$(command -v ping)" "$INITRD/usr/local/bin/ping"
    bins+=("$INITRD/usr/local/bin/ip" "$INITRD/usr/local/bin/ping")
    gcc -static -O2 -Wall -o "$INITRD/usr/local/bin/labnet" "$FILES/labnet.c"

    for f in "${bins[@]}"; do copy_libs "$f"; done
    local gcc_s
    gcc_s=$(ldconfig -p | awk '$1 == "libgcc_s.so.1" && /x86-64/ { print $NF; exit }')
    [ -n "$gcc_s" ] || die "libgcc_s.so.1 not found on the host"
    cp -L "$gcc_s" "$INITRD/lib/x86_64-linux-gnu/libgcc_s.so.1"

    MODULE_ORDER=()
    local m
    for m in "${DOM0_MODULES[@]}"; do add_module "$m"; done
    printf '%s.ko\n' "${MODULE_ORDER[@]}" > "$INITRD/etc/lab-modules"

    cp "$FILES/dom0-init.sh" "$INITRD/init"
    cp "$FILES/lab-vif" "$INITRD/etc/xen/scripts/lab-vif"
    chmod 755 "$INITRD/init" "$INITRD/etc/xen/scripts/lab-vif"
    printf 'root:x:0:0:root:/root:/bin/sh\n' > "$INITRD/etc/passwd"
    printf 'root:x:0:\n' > "$INITRD/etc/group"
    # dom0_mem fixes dom0's memory: xl must not try to balloon it down.
    printf 'autoballoon="off"\n' > "$INITRD/etc/xen/xl.conf"

    build_reference_ramdisk

    (cd "$INITRD" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -1 > "$LAB/dom0-initrd.cpio.gz.new"
    mv "$LAB/dom0-initrd.cpio.gz.new" "$LAB/dom0-initrd.cpio.gz"
    rm -rf "$ROOT"
    log "dom0 initramfs: $(du -h "$LAB/dom0-initrd.cpio.gz" | cut -f1), kernel $KVER, modules ${MODULE_ORDER[*]}"
}

# The reference domU's ramdisk (Debian's kernel is the image): busybox, labnet, netfront.
build_reference_ramdisk() {
    local dir="$LAB/reference" applet netfront
    rm -rf "$dir"
    mkdir -p "$dir"/{bin,dev,proc,sys,tmp,lib/modules}
    cp "$INITRD/bin/busybox" "$INITRD/usr/local/bin/labnet" "$dir/bin/"
    for applet in $("$dir/bin/busybox" --list-full); do
        [ "$applet" = linuxrc ] && continue
        mkdir -p "$dir/$(dirname "$applet")"
        [ -e "$dir/$applet" ] || ln -s /bin/busybox "$dir/$applet"
    done
    netfront=$(find "$ROOT/lib/modules/$KVER" -name xen-netfront.ko | head -n 1)
    [ -n "$netfront" ] || die "xen-netfront.ko not found"
    cp "$netfront" "$dir/lib/modules/"
    mknod "$dir/dev/console" c 5 1
    cp "$FILES/linux-domu-init.sh" "$dir/init"
    chmod 755 "$dir/init"
    (cd "$dir" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -1 > "$LAB/reference.cpio.gz"
    rm -rf "$dir"
}

lab_files_hash() {
    cat "$0" "$FILES/dom0-init.sh" "$FILES/lab-vif" "$FILES/labnet.c" "$FILES/linux-domu-init.sh" |
        sha256sum | cut -d' ' -f1
}

cmd_prepare() {
    [ "$(id -u)" = 0 ] || die "prepare needs root (apt-get, mknod)"
    local t0=$SECONDS
    lock_lab -x
    ensure_host_packages
    resolve_packages
    local stamp
    stamp=$( {
        printf '%s\n' "${PKGS[@]}"
        dpkg-query -W -f='${Package}=${Version}\n' libxenmisc4.17 iproute2 iputils-ping libc6
        lab_files_hash
    } | sha256sum | cut -d' ' -f1)
    if [ -f "$LAB/dom0-initrd.cpio.gz" ] && [ -f "$LAB/xen.elf" ] && [ -f "$LAB/vmlinux" ] &&
        [ -f "$LAB/reference.cpio.gz" ] &&
        [ "$(cat "$LAB/stamp" 2>/dev/null)" = "$stamp" ]; then
        log "prepared already (${PKGS[*]})"
        return 0
    fi
    if ! download_packages; then
        log "download failed: updating the package lists and trying again"
        apt_update
        resolve_packages
        download_packages || die "apt-get download failed"
    fi
    build_initramfs
    echo "$stamp" > "$LAB/stamp"
    lab_files_hash > "$LAB/stamp.files"
    log "prepared in $((SECONDS - t0)) s: ${PKGS[*]}"
}

# ---------------------------------------------------------------------------------
# running QEMU and reading its serial console
# ---------------------------------------------------------------------------------

QEMU_PID=
FIFO=
RUN_DIR=
cleanup() {
    if [ -n "$QEMU_PID" ] && kill -0 "$QEMU_PID" 2>/dev/null; then
        kill "$QEMU_PID" 2>/dev/null || true
        sleep 0.2
        kill -9 "$QEMU_PID" 2>/dev/null || true
    fi
    [ -n "$FIFO" ] && rm -f "$FIFO"
    [ -n "$RUN_DIR" ] && rm -rf "$RUN_DIR"
    return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now_us() { local t=$EPOCHREALTIME; echo $((10#${t%.*} * 1000000 + 10#${t#*.})); }
secs() { printf '%d.%03d' $(($1 / 1000000)) $((($1 / 1000) % 1000)); } # µs -> "s.mmm"

# run_qemu TIMEOUT_S -- QEMU_ARGS...
# Streams the serial console into $RAW_LOG and $TS_LOG and calls on_line for each line
# (with LINE and T_US, microseconds since launch); on_line sets DONE=1 to stop QEMU.
# Sets END_REASON to done | timeout | exited.
run_qemu() {
    local timeout=$1
    shift 2
    FIFO=$(mktemp -u "${TMPDIR:-/tmp}/xen-lab-serial.XXXXXX")
    mkfifo "$FIFO"
    : > "$RAW_LOG"
    : > "$TS_LOG"
    T_LAUNCH=$(now_us)
    qemu-system-x86_64 "$@" < /dev/null > "$FIFO" 2>&1 &
    QEMU_PID=$!
    local fd pending='' line rc deadline=$((T_LAUNCH + timeout * 1000000))
    exec {fd}< "$FIFO"
    DONE=0
    END_REASON=exited
    while :; do
        if IFS= read -r -t 1 -u "$fd" line; then
            line=$pending$line
            pending=
        else
            rc=$?
            if ((rc > 128)); then # no complete line within a second
                pending+=$line
                if (($(now_us) > deadline)); then END_REASON=timeout; break; fi
                continue
            fi
            line=$pending$line # end of file: QEMU is gone
            pending=
            [ -n "$line" ] || break
        fi
        line=${line//$'\r'/}
        T_US=$(($(now_us) - T_LAUNCH))
        LINE=$line
        printf '%s\n' "$line" >> "$RAW_LOG"
        printf '%9s %s\n' "$(secs "$T_US")" "$line" >> "$TS_LOG"
        [ "${XEN_LAB_VERBOSE:-0}" = 1 ] && printf '%9s %s\n' "$(secs "$T_US")" "$line" >&2
        on_line
        if ((DONE)); then END_REASON='done'; break; fi
        if (($(now_us) > deadline)); then END_REASON=timeout; break; fi
    done
    exec {fd}<&-
    cleanup
    wait "$QEMU_PID" 2>/dev/null || true
    QEMU_PID=
    T_END=$(($(now_us) - T_LAUNCH))
}


# dom0 and domu prepare the lab themselves when it is missing or its files changed (a
# newer Debian package is picked up by an explicit `prepare` only: that check costs
# a few seconds of apt-cache).
#
# Several runs may share the cache (two people, or CI beside a developer): a run holds
# a shared lock on $LAB/lock while it reads the cache, prepare an exclusive one.
LOCK_FD=
lock_lab() { # -s | -x
    mkdir -p "$LAB"
    [ -n "$LOCK_FD" ] || exec {LOCK_FD}> "$LAB/lock"
    flock -n "$1" "$LOCK_FD" && return 0
    log "waiting for the lab's lock ($LAB/lock: another run is using the cache)"
    flock "$1" "$LOCK_FD"
}
need_prepared() {
    lock_lab -s
    if ! lab_is_prepared; then
        lock_lab -x
        lab_is_prepared || cmd_prepare
        lock_lab -s
    fi
}
lab_is_prepared() {
    ! { [ ! -f "$LAB/xen.elf" ] || [ ! -f "$LAB/vmlinux" ] || [ ! -f "$LAB/dom0-initrd.cpio.gz" ] ||
        [ ! -f "$LAB/reference.cpio.gz" ] ||
        ! command -v qemu-system-x86_64 >/dev/null ||
        [ "$(cat "$LAB/stamp.files" 2>/dev/null)" != "$(lab_files_hash)" ]; }
}

open_logs() { # MODE IMAGE
    mkdir -p "$LAB/logs"
    local base
    base=$(basename "$2")
    base="$LAB/logs/$1-${base%.*}-$(date -u +%Y%m%dT%H%M%SZ)"
    RAW_LOG="$base.log"
    TS_LOG="$base.ts.log"
}

# Xen's messages that end the machine: dom0 powered off, rebooted or crashed; Xen
# panicked (the reason is on the next line, the end a few lines later).
# Sets XEN_END (what happened) and DONE=1 when the machine is finished.
XEN_END_RE='^\(XEN\) (Hardware Dom0 (halted|shutdown|crashed).*)'
xen_end_check() {
    if ((PANIC_NEXT)); then
        XEN_END+=" ${LINE#(XEN) }"
        PANIC_NEXT=0
    fi
    if [[ $LINE =~ $XEN_END_RE ]]; then
        XEN_END=${BASH_REMATCH[1]}
        T_XEN_END=$T_US
        DONE=1
    elif [[ $LINE == "(XEN) Panic on CPU"* ]]; then
        XEN_END=${LINE#(XEN) }
        T_XEN_END=$T_US
        PANIC_NEXT=1
    elif [[ $LINE =~ ^\(XEN\)\ (d0v[0-9]+\ Triple\ fault.*|.*domain_crash.*) ]]; then
        [ -n "$DOM0_CRASH" ] || DOM0_CRASH=${BASH_REMATCH[1]}
    elif [[ $LINE == "(XEN) Reboot in five seconds"* || $LINE == "(XEN) Manual reset required"* ]]; then
        DONE=1
    fi
}

# ---------------------------------------------------------------------------------
# dom0
# ---------------------------------------------------------------------------------

dom0_on_line() {
    if [[ $LINE =~ selftest:\ ([0-9]+)\ passed,\ ([0-9]+)\ failed ]]; then
        SELFTEST="${BASH_REMATCH[1]} passed, ${BASH_REMATCH[2]} failed"
        SELFTEST_FAILED=${BASH_REMATCH[2]}
    fi
    xen_end_check
    [ -z "$T_FIRST_GUEST" ] && [[ $LINE != "(XEN)"* ]] && [ -n "$T_XEN_READY" ] && T_FIRST_GUEST=$T_US
    [[ $LINE == *"Freed "*"init memory"* ]] && T_XEN_READY=$T_US
    return 0
}

cmd_dom0() {
    local image='' cmdline='' timeout=60
    while (($#)); do
        case "$1" in
            --cmdline) cmdline=$2; shift 2 ;;
            --timeout) timeout=$2; shift 2 ;;
            -*) usage ;;
            *) [ -z "$image" ] || usage; image=$1; shift ;;
        esac
    done
    [ -n "$image" ] || usage
    [ -f "$image" ] || die "no image $image"
    need_prepared
    open_logs dom0 "$image"
    SELFTEST='' SELFTEST_FAILED='' XEN_END='' T_XEN_END='' T_FIRST_GUEST='' T_XEN_READY='' PANIC_NEXT=0 DOM0_CRASH=''
    on_line() { dom0_on_line; }
    local module="$image${cmdline:+ $cmdline}"
    log "booting $image as Xen's PVH dom0 (timeout ${timeout}s)"
    run_qemu "$timeout" -- -accel tcg -cpu max -m 512 -smp 1 -nodefaults -display none \
        -serial stdio -monitor none -nic none -no-reboot \
        -kernel "$LAB/xen.elf" \
        -append "console=com1 com1=115200,8n1 loglvl=all guest_loglvl=all dom0=pvh dom0-iommu=none dom0_mem=64M" \
        -initrd "${module//,/,,}"

    local verdict=fail why
    if [ -z "$SELFTEST" ]; then
        why="no 'selftest: N passed, M failed' line"
    elif [ "$SELFTEST_FAILED" != 0 ]; then
        why="selftest: $SELFTEST"
    elif [ -n "$DOM0_CRASH" ]; then
        why="selftest: $SELFTEST, but then it crashed: $DOM0_CRASH"
    elif [[ $XEN_END != "Hardware Dom0 halted"* && $XEN_END != "Hardware Dom0 shutdown"* ]]; then
        why="selftest: $SELFTEST, but then: ${XEN_END:-no shutdown ($END_REASON)}"
    else
        verdict=pass why="selftest: $SELFTEST"
    fi
    [ "$END_REASON" = timeout ] && why+=" (timed out after ${timeout}s)"
    [ -n "$DOM0_CRASH" ] && [[ $why != *"$DOM0_CRASH"* ]] && why+=" [Xen: $DOM0_CRASH]"
    [ -n "$XEN_END" ] && [[ $XEN_END != *halted* ]] && why+=" [Xen: $XEN_END]"

    log "log: $RAW_LOG"
    [ -n "$T_XEN_READY" ] && log "Xen handed over to dom0 at $(secs "$T_XEN_READY") s after QEMU launch"
    [ -n "$T_FIRST_GUEST" ] && log "first guest line at $(secs "$T_FIRST_GUEST") s"
    [ -n "$T_XEN_END" ] && log "Xen ended at $(secs "$T_XEN_END") s: $XEN_END"
    if [ "$verdict" = pass ]; then
        log "PASS $why"
        echo "dom0: pass: $why"
        return 0
    fi
    log "FAIL $why; the log's last lines:"
    tail -n 40 "$RAW_LOG" | sed 's/^/  | /' >&2
    echo "dom0: fail: $why"
    return 1
}

# ---------------------------------------------------------------------------------
# domu
# ---------------------------------------------------------------------------------

declare -A MARK
domu_on_line() {
    case "$LINE" in
        "LAB: mark "*)
            local name=${LINE#LAB: mark }
            [ -n "${MARK[$name]:-}" ] || MARK[$name]=$T_US
            ;;
        "LAB: result "*) RESULTS+=("${LINE#LAB: result }") ;;
        "LAB: check "*) CHECKS+=("${LINE#LAB: check }") ;;
        "LAB: summary "*) SUMMARY=${LINE#LAB: summary }; DONE=1 ;;
        "DOMU: "*) [ -n "$T_FIRST_DOMU" ] || T_FIRST_DOMU=$T_US ;;
    esac
    xen_end_check
    [[ $LINE == *"Kernel panic"* || $LINE == *"Initramfs unpacking failed"* ]] && PANIC=${LINE#\[*\] }
    return 0
}

cmd_domu() {
    local image='' cmdline='' timeout=240 memory=32 ramdisk='' dom0_mem=${XEN_LAB_DOM0_MEM:-256} interactive=0 vifs=1
    local port_bridges=0 dom0_files=''
    while (($#)); do
        case "$1" in
            --interactive) interactive=1; shift ;;
            --dom0-mem) dom0_mem=$2; shift 2 ;;
            --cmdline) cmdline=$2; shift 2 ;;
            --ramdisk) ramdisk=$2; shift 2 ;;
            --timeout) timeout=$2; shift 2 ;;
            --memory) memory=$2; shift 2 ;;
            --vifs) vifs=$2; shift 2 ;;
            --port-bridges) port_bridges=1; shift ;;
            --dom0-files) dom0_files=$2; shift 2 ;;
            -*) usage ;;
            *) [ -z "$image" ] || usage; image=$1; shift ;;
        esac
    done
    [ -n "$image" ] || usage
    [ -f "$image" ] || die "no image $image"
    need_prepared
    open_logs domu "$image"

    # The per-run part of the initramfs: the image and the parameters.
    local run
    run=$(mktemp -d "$LAB/run.XXXXXX")
    RUN_DIR=$run
    mkdir -p "$run/lab"
    cp "$image" "$run/lab/guest.elf"
    if [ -n "$ramdisk" ]; then
        [ -f "$ramdisk" ] || die "no ramdisk $ramdisk"
        cp "$ramdisk" "$run/lab/guest.ramdisk"
    fi
    if [ -n "$dom0_files" ]; then
        [ -f "$dom0_files" ] || die "no file $dom0_files"
        cp "$dom0_files" "$run/lab/dom0-files.cpio"
    fi
    cat > "$run/lab/params" <<EOF
LAB_CMDLINE='${cmdline//\'/}'
LAB_MEMORY=$memory
LAB_VIFS=$vifs
LAB_PORT_BRIDGES=$port_bridges
LAB_DOM0_IP=10.0.9.1
LAB_GUEST_IP=10.0.9.2
LAB_PEER_IP=10.0.9.3
LAB_GUEST_MAC=00:16:3e:00:09:02
LAB_ECHO_PORT=7
LAB_PINGS=${XEN_LAB_PINGS:-1000}
LAB_PING_INTERVAL=${XEN_LAB_PING_INTERVAL:-0.01}
LAB_PING_DEADLINE=${XEN_LAB_PING_DEADLINE:-90}
LAB_ECHO_BYTES=${XEN_LAB_ECHO_BYTES:-10485760}
LAB_ECHO_TIMEOUT=60
LAB_READY_TIMEOUT=${XEN_LAB_READY_TIMEOUT:-30}
LAB_SHUTDOWN_TIMEOUT=20
LAB_INTERACTIVE=$interactive
EOF
    (cd "$run" && find lab | cpio -o -H newc -R 0:0 --quiet) | gzip -1 > "$run/lab.cpio.gz"
    cat "$LAB/dom0-initrd.cpio.gz" "$run/lab.cpio.gz" > "$run/initrd.img"

    local xen_args="console=com1 com1=115200,8n1 loglvl=all guest_loglvl=all dom0_mem=${dom0_mem}M,max:${dom0_mem}M dom0_max_vcpus=1 dom0-iommu=none"
    local dom0_args="console=hvc0 earlyprintk=xen loglevel=4"
    # -cpu: Xen needs HAP (nested SVM with NPT from -cpu max); without -smap the PV dom0
    # boots; rdtscp hidden because a PVH domU executing it hangs (Xen's SVM intercept
    # gets no next-RIP from QEMU's nested SVM: "SVM Insn len emulation failed").
    # shellcheck disable=SC2054 # the commas are QEMU's
    local qemu_args=(-accel tcg -cpu max,-smap,-rdtscp -smp 2 -m 2048 -nodefaults -nic none -no-reboot
        -kernel "$LAB/xen.elf" -append "$xen_args" -initrd "$LAB/vmlinux ${dom0_args//,/,,},$run/initrd.img")
    if ((interactive)); then
        # The serial console on this terminal (Ctrl-a x quits QEMU); no checks.
        log "booting Xen + Linux PV dom0 with the domU $image; a shell on dom0's console follows"
        qemu-system-x86_64 "${qemu_args[@]}" -nographic -serial mon:stdio
        return
    fi

    RESULTS=() CHECKS=() SUMMARY='' XEN_END='' T_XEN_END='' PANIC_NEXT=0 DOM0_CRASH='' PANIC='' T_FIRST_DOMU=''
    MARK=()
    on_line() { domu_on_line; }
    log "booting Xen + Linux PV dom0; domU $image${cmdline:+ ($cmdline)} (timeout ${timeout}s)"
    # dom0 holds the initramfs (about 20 MB unpacked) plus the image (and ramdisk):
    # dom0_mem (MB) must leave room for them.
    run_qemu "$timeout" -- "${qemu_args[@]}" -display none -serial stdio -monitor none
    rm -rf "$run"
    RUN_DIR=

    # --- report ---
    local passed=0 failed=0 c
    log "log: $RAW_LOG"
    echo "== xen-lab domu: $image${cmdline:+ ($cmdline)}"
    local m
    for m in dom0-init toolstack-up network-up peer-reachable xl-create xl-created vif-connected domu-reachable xl-shutdown domu-gone; do
        [ -n "${MARK[$m]:-}" ] && echo "timing: $m at $(secs "${MARK[$m]}") s after QEMU launch"
    done
    [ -n "${MARK[xl-create]:-}" ] && [ -n "${MARK[xl-created]:-}" ] &&
        echo "timing: xl create took $(secs $((MARK[xl-created] - MARK[xl-create]))) s"
    [ -n "${MARK[xl-shutdown]:-}" ] && [ -n "${MARK[domu-gone]:-}" ] &&
        echo "timing: xl shutdown to the domain gone: $(secs $((MARK[domu-gone] - MARK[xl-shutdown]))) s"
    if [ -n "$T_FIRST_DOMU" ]; then
        echo "timing: domU first console line at $(secs "$T_FIRST_DOMU") s after QEMU launch"
        [ -n "${MARK[xl-create]:-}" ] &&
            echo "timing: domU first console line $(secs $((T_FIRST_DOMU - MARK[xl-create]))) s after xl create started"
    fi
    for c in "${RESULTS[@]}"; do echo "result: $c"; done
    # The domU against the Linux namespace on the same bridge, side by side.
    local who rtt loss mbit
    for who in domu peer; do
        rtt='' loss='' mbit=''
        for c in "${RESULTS[@]}"; do
            case "$c" in
                "ping-$who "*)
                    loss=$(sed -n 's/.* \([0-9.]*%\) packet loss.*/\1/p' <<< "$c")
                    rtt=$(sed -n 's/.*rtt min\/avg\/max\/mdev \([0-9.\/]*\).*/\1/p' <<< "$c") ;;
                "echo-$who echo ok "*) mbit=$(sed -n 's/.*mbit_s=\([0-9.]*\).*/\1/p' <<< "$c") ;;
            esac
        done
        printf 'compare: %-4s ping loss %-5s rtt min/avg/max/mdev %-28s echo %s Mbit/s\n' \
            "$who" "${loss:--}" "${rtt:+$rtt ms}" "${mbit:--}"
    done
    for c in "${CHECKS[@]}"; do
        echo "check: $c"
        case "$c" in
            *" pass "* | *" pass") passed=$((passed + 1)) ;;
            *) failed=$((failed + 1)) ;;
        esac
    done
    if [ -z "$SUMMARY" ]; then
        local why
        why="the lab did not finish ($END_REASON after $(secs "$T_END") s)"
        [ -n "$PANIC" ] && why+="; dom0: $PANIC"
        [ -n "$XEN_END" ] && why+="; Xen: $XEN_END"
        echo "check: lab-finished fail $why"
        failed=$((failed + 1))
    fi
    if ((failed)); then
        if grep -q '^DOMU' "$RAW_LOG"; then
            echo "-- the domU's console:"
            grep '^DOMU: ' "$RAW_LOG" | sed 's/^DOMU: /  | /' | tail -n 60
        else
            echo "-- the domU printed nothing on its console"
        fi
        if grep -q '^LAB: diag ' "$RAW_LOG"; then
            echo "-- diagnostics from dom0:"
            grep '^LAB: diag ' "$RAW_LOG" | sed 's/^LAB: diag /  | /'
        fi
        if [ -z "$SUMMARY" ]; then
            echo "-- the log's last lines:"
            tail -n 40 "$RAW_LOG" | sed 's/^/  | /'
        fi
    fi
    echo "total: $(secs "$T_END") s"
    echo "$passed passed, $failed failed"
    ((failed == 0))
}

# The lab against a known-good guest: Debian's kernel as the PVH domU (its vmlinux, 65 MB,
# hence the larger dom0), with the ramdisk built by prepare. All checks must pass.
# --dhcp: the guest asks dom0's DHCP server for its address instead.
cmd_reference() {
    local address=10.0.9.2/24
    [ "${1:-}" = --dhcp ] && { address=dhcp; shift; }
    need_prepared
    cmd_domu "$LAB/vmlinux" --ramdisk "$LAB/reference.cpio.gz" --memory 160 --dom0-mem 512 \
        --cmdline "console=hvc0 quiet lab_ip=$address" "$@"
}

case "${1:-}" in
    prepare) shift; cmd_prepare "$@" ;;
    shell) shift; cmd_domu --interactive "$@" ;;
    reference) shift; cmd_reference "$@" ;;
    dom0) shift; cmd_dom0 "$@" ;;
    domu) shift; cmd_domu "$@" ;;
    *) usage ;;
esac
