#!/usr/bin/env bash
# Builds the unikernel images and boots them in the lab.
#
#   bash scripts/unikernel.sh build [NAME...]
#                                      writes .build/unikernel/NAME.elf (stripped; all images, or
#                                      those named) and prints each image's size, section by section
#                                      UNIKERNEL_SEED=N: the layout seed (random when unset)
#   bash scripts/unikernel.sh test     checks the appliance images against their size budgets (and for Dictionary code),
#                                      boots selftest.elf under QEMU microvm (and the appliance
#                                      images with bad command lines and flows, which must
#                                      stop with the reason) and as a Xen PVH
#                                      dom0, then echo.elf as a domU (three vifs with static
#                                      addresses, then one from DHCP) answering ping and a 10 MB
#                                      TCP echo from a Linux dom0 (scripts/xen-lab.sh), then controller.elf
#                                      as a domU (scripts/xen-lab/controller-lab.sh --bench, with
#                                      release builds of ofbench and ofcontroller it makes):
#                                      its HELLO, ofbench against it, against the hosted
#                                      ofcontroller and ovs-testcontroller, malformed input,
#                                      Open vSwitch in dom0 driven by it; then switch.elf
#                                      forwarding between three namespaces under a hosted
#                                      controller, with boot flows as a firewall
#                                      (scripts/xen-lab/switch-lab.sh); ends with
#                                      "unikernel: N passed, M failed"
#
# The core modules, NetStack and UnikernelHost compile as Embedded Swift for
# x86_64-unknown-none-elf; the boot target (Sources/UnikernelBoot) is C and assembly; the
# toolchain's ld.lld links them with Sources/UnikernelBoot/unikernel.ld.
set -euo pipefail
cd "$(dirname "$0")/.."

out=.build/unikernel
bin=$(dirname "$(readlink -f "$(command -v swiftc)")")
boot=Sources/UnikernelBoot

# Images: name, then the Swift modules under it in dependency order (each a Sources/ folder),
# then its own folder under Images/.
images=(
    "selftest:Wire Scheduler Devices NetStack NetStackHost UnikernelHost:Images/selftest"
    "echo:Wire Scheduler Devices NetStack NetStackHost UnikernelHost:Images/echo"
    "controller:Wire Scheduler Devices OpenFlow NetStack NetStackHost Controller ControllerHost UnikernelHost:Images/controller"
    "switch:Wire Scheduler Devices OpenFlow NetStack NetStackHost Switch SwitchAppliance UnikernelHost:Images/switch"
)

# The SIL inliner's caller-benefit factor (default 2 at -Osize) at 64: it stops inlining a
# callee into every caller that would merely run faster, which copied whole receive and
# transmit paths several times (controller.elf 299,720 bytes instead of 307,768).
swift_flags=(-package-name SwiftOpenFlow -enable-experimental-feature Embedded -target x86_64-unknown-none-elf
    -wmo -parse-as-library -Osize -Xfrontend -sil-inline-caller-benefit-reduction-factor -Xfrontend 64 -lto=llvm-full -Xfrontend -function-sections -Xcc -mno-red-zone
    -Xcc -fmodule-map-file=$boot/module.modulemap -Xcc -I$boot/include -Xcc -I$out/include)
c_flags=(-target x86_64-unknown-none-elf -ffreestanding -fno-builtin -nostdlibinc -fno-pic -mno-red-zone
    -fno-stack-protector -ffunction-sections -fdata-sections -Os -Wall -Wextra -Werror -Wno-unused-parameter
    -I$boot/include -I$out/include -I"$bin/../lib/clang/$(ls "$bin/../lib/clang" | head -1)/include")

build_boot() {
    mkdir -p "$out/include" "$out/obj/boot"
    # The Xen headers come in through a folder holding only `xen`, never /usr/include itself.
    [[ -d /usr/include/xen ]] || { echo "unikernel: /usr/include/xen is missing: apt-get install libxen-dev" >&2; exit 1; }
    ln -sfn /usr/include/xen "$out/include/xen"
    for source in "$boot"/*.c "$boot"/*.S; do
        "$bin/clang" "${c_flags[@]}" -c "$source" -o "$out/obj/boot/$(basename "$source").o"
    done
}

build_module() { # module, source folder, object folder
    local module=$1 folder=$2 objects=$3
    mapfile -t sources < <(find "$folder" -name '*.swift' | sort)
    "$bin/swiftc" "${swift_flags[@]}" -module-name "$module" -I "$objects" \
        -emit-module -emit-module-path "$objects/$module.swiftmodule" \
        -c "${sources[@]}" -o "$objects/$module.o"
}

build_image() { # name:modules:folder
    local name=${1%%:*} rest=${1#*:}
    local modules=${rest%%:*} folder=${rest#*:}
    local objects=$out/obj/$name
    mkdir -p "$objects"
    for module in $modules; do build_module "$module" "Sources/$module" "$objects"; done
    build_module "${name^}Image" "$folder" "$objects"
    # Whole-program LTO over the Swift modules' bitcode (it also puts each global in its own
    # section, so unused type metadata goes), the machine outliner and identical code
    # folding: about 50 KB less than without them.
    "$bin/ld.lld" -T "$boot/unikernel.ld" --gc-sections --icf=all -mllvm -enable-machine-outliner=always \
        -nostdlib -static --no-pie -z noexecstack \
        --shuffle-sections="*=$seed" --defsym=uk_load_base=$load_base \
        -o "$out/$name.unstripped.elf" "$out"/obj/boot/*.o "$objects"/*.o
    "$bin/llvm-objcopy" --strip-all "$out/$name.unstripped.elf" "$out/$name.elf"
    report "$name"
}

report() {
    local image=$out/$1.elf
    printf '%s: %d bytes' "$image" "$(stat -c %s "$image")"
    while read -r _ section size _; do
        [[ $section == .* ]] && printf '  %s %d' "$section" "$((16#$size))"
    done < <("$bin/llvm-objdump" -h "$image")
    echo
}

# Compile-time layout randomisation: the seed shuffles the order of the input sections
# within each output section and picks the load base, a page between 1 MiB and 5 MiB
# (1024 places). Memory below the image is left unused, so the base stays low: a 32 MB
# domain keeps over 25 MB of heap, which a loaded controller needs (21 MB at peak under
# ofbench). The same seed gives the same bytes.
layout() {
    seed=${UNIKERNEL_SEED:-$((SRANDOM % 0x7fffffff + 1))}
    # ld.lld reads 0 as "a random seed of its own" and -1 as "reverse": neither repeats.
    [[ $seed =~ ^[1-9][0-9]{0,9}$ ]] && ((seed < 1 << 31)) ||
        { echo "unikernel: UNIKERNEL_SEED must be 1 to 2147483647" >&2; exit 2; }
    load_base=$(printf '0x%x' $(((1 << 20) + (seed * 2654435761 % 1024) * 4096)))
    echo "unikernel: layout seed $seed, load base $load_base"
}

build() { # [NAME...]: only those images
    layout
    build_boot
    for image in "${images[@]}"; do
        if [[ $# -eq 0 || " $* " == *" ${image%%:*} "* ]]; then build_image "$image"; fi
    done
}

# The lab: each check is one line "check NAME pass|fail DETAIL"; the last line counts them.
passed=0
failed=0
check() { # name, status (0: pass), detail
    if [[ $2 == 0 ]]; then passed=$((passed + 1)); echo "unikernel: check $1 pass $3"
    else failed=$((failed + 1)); echo "unikernel: check $1 fail $3"; fi
}

# selftest.elf straight under QEMU microvm (no Xen), with a boot module (-initrd) its
# module checks look for: isa-debug-exit turns our poweroff status s into QEMU's exit code
# (s << 1) | 1, so 1 means every check passed.
test_microvm() {
    local log=$out/selftest-microvm.log status=0
    printf 'selftest module: data the loader passed\n' > "$out/selftest-module.bin"
    timeout 120 qemu-system-x86_64 -accel tcg -cpu max -M microvm -m 128 -nographic -no-reboot -monitor none \
        -kernel "$out/selftest.elf" -initrd "$out/selftest-module.bin" \
        -device isa-debug-exit,iobase=0xf4,iosize=4 > "$log" 2>&1 || status=$?
    local summary
    summary=$(grep -ao 'selftest: [0-9]* passed, [0-9]* failed' "$log" | tail -1)
    if [[ $status == 1 ]] && grep -aq 'ok   boot: module 0 holds' "$log"; then check selftest-microvm 0 "$summary"
    else check selftest-microvm 1 "QEMU exit $status: ${summary:-no summary}"; sed 's/^/  | /' "$log" | tail -30; fi
}

# The panic path: `fault=text` makes the self-test write to its own text, which must trap,
# print the trap and a panic line, and end the run with the crash status (QEMU exit 255).
test_microvm_fault() {
    local log=$out/selftest-microvm-fault.log status=0
    timeout 120 qemu-system-x86_64 -accel tcg -cpu max -M microvm -m 128 -nographic -no-reboot -monitor none \
        -kernel "$out/selftest.elf" -append "fault=text" -device isa-debug-exit,iobase=0xf4,iosize=4 > "$log" 2>&1 || status=$?
    local trap
    trap=$(grep -ao 'trap: page fault at rip [0-9a-fx]*' "$log" | head -1)
    if [[ $status == 255 ]] && [[ -n $trap ]] && grep -aq '^panic: trap' "$log"; then
        check selftest-write-to-text-panics 0 "$trap, then panic and exit 255"
    else
        check selftest-write-to-text-panics 1 "QEMU exit $status"; sed 's/^/  | /' "$log" | tail -20
    fi
}

# A bad command line or flow list stops an appliance image with the reason on the console
# and the crash status (QEMU exit 255), before it touches any device: microvm is enough.
test_bad_command_lines() {
    local case_ image args reason log status
    for case_ in "switch|ip=10.0.9.2/24 fail=open|switch: bad command line: fail= is secure or standalone: open" \
        "switch|controller=10.0.9.300|switch: bad command line: controller= wants A.B.C.D[:PORT]: 10.0.9.300" \
        "controller|app=nonsense|controller: bad command line: app= is learning or hub: nonsense"; do
        IFS='|' read -r image args reason <<< "$case_"
        log=$out/$image-bad-command-line.log status=0
        timeout 60 qemu-system-x86_64 -accel tcg -cpu max -M microvm -m 128 -nographic -no-reboot -monitor none \
            -kernel "$out/$image.elf" -append "$args" -device isa-debug-exit,iobase=0xf4,iosize=4 > "$log" 2>&1 || status=$?
        if [[ $status == 255 ]] && grep -aqF "$reason" "$log"; then
            check "$image-bad-command-line" 0 "'$args': \"$reason\", exit 255"
        else
            check "$image-bad-command-line" 1 "'$args': QEMU exit $status, wanted \"$reason\""; sed 's/^/  | /' "$log" | tail -5
        fi
    done
    # Boot flows (the ramdisk) with a bad message: its number and the reason, exit 255. The
    # first is a good FLOW_MOD from `ofswitch --write-flow-mods`, the second is cut short.
    log=$out/switch-bad-flows.log status=0
    printf 'priority=10,in_port=1,actions=output:2\n' > "$out/good.flows"
    .build/debug/ofswitch --flows "$out/good.flows" --write-flow-mods "$out/bad.ofm"
    printf '\001\016\000\020\000\000\000\002\000\000\000\000\000\000\000\000' >> "$out/bad.ofm"
    reason="switch: flows (the ramdisk): message 2: length does not fit OFPT_FLOW_MOD"
    timeout 60 qemu-system-x86_64 -accel tcg -cpu max -M microvm -m 128 -nographic -no-reboot -monitor none \
        -kernel "$out/switch.elf" -initrd "$out/bad.ofm" -append "ip=10.0.9.2/24" \
        -device isa-debug-exit,iobase=0xf4,iosize=4 > "$log" 2>&1 || status=$?
    if [[ $status == 255 ]] && grep -aqF "$reason" "$log"; then check switch-bad-flows 0 "\"$reason\", exit 255"
    else check switch-bad-flows 1 "QEMU exit $status, wanted \"$reason\""; sed 's/^/  | /' "$log" | tail -5; fi
}

lab_run() { # name, then xen-lab.sh arguments
    local name=$1 log=$out/lab-$1.log
    shift
    if bash scripts/xen-lab.sh "$@" > "$log" 2>&1; then
        check "$name" 0 "$(grep -a ' passed, ' "$log" | tail -1)"
    else
        check "$name" 1 "$(grep -a ' passed, ' "$log" | tail -1) (log: $log)"
    fi
    grep -a -E '^(result|compare|timing|check):' "$log" | sed 's/^/  /' || true
    if grep -aq '^check: .* fail' "$log"; then sed 's/^/  | /' "$log" | tail -40; fi
    return 0
}

# controller.elf as a domU with controller-lab.sh --bench: ofbench (16 switches x 100 MACs)
# against it and against the hosted ofcontroller and ovs-testcontroller in dom0, malformed
# input to it and to ofcontroller, Open vSwitch in dom0 driven by it (about 2 minutes).
# --bench wants release builds of ofbench and ofcontroller: built here (about a minute
# from nothing, seconds when up to date).
test_controller_lab() {
    local log=$out/lab-controller.log status=0 release product
    release=$(swift build -c release --show-bin-path)
    for product in ofbench ofcontroller; do
        if ! swift build -c release --product "$product" > "$out/release-$product.log" 2>&1; then
            check controller-xen-domu 1 "swift build -c release --product $product failed (log: $out/release-$product.log)"
            tail -20 "$out/release-$product.log" | sed 's/^/  | /'
            return 0
        fi
    done
    bash scripts/xen-lab/controller-lab.sh "$out/controller.elf" --bench "$release" > "$log" 2>&1 || status=1
    check controller-xen-domu "$status" "$(tail -1 "$log") (log: $log)"
    grep -a -E '^(result|check|total):' "$log" | sed 's/^/  /' || true
    if ((status)); then grep -a -E '^(  \||-- )' "$log" | sed 's/^/  /' | tail -60; fi
    return 0
}

# Each appliance image's size against its budget: today's size with a page or two of
# slack, so growth is a decision rather than an accident. Mirage's images were 168 KB
# (controller) and 164 KB (switch); the goal is under 100 KB.
budgets=(controller:294912:168 switch:352256:164)
test_image_sizes() {
    local entry name budget mirage size
    for entry in "${budgets[@]}"; do
        IFS=: read -r name budget mirage <<< "$entry"
        size=$(stat -c %s "$out/$name.elf")
        check "$name-image-size" "$((size > budget))" "$size bytes (budget $budget), $((size * 100 / (mirage * 1024)))% of Mirage's $mirage KB"
        # No Dictionary or Set: each key type brought its own copy of the hash table's
        # code (Scheduler's IntegerIndex and IntegerDictionary serve instead).
        local hashed
        hashed=$("$bin/llvm-nm" "$out/$name.unstripped.elf" | grep -cE 'DictionaryStorage|SetStorage' || true)
        check "$name-no-dictionary" "$((hashed > 0))" "$hashed Dictionary/Set symbols"
    done
}

run_tests() {
    command -v qemu-system-x86_64 > /dev/null || apt-get install -y -q qemu-system-x86 > /dev/null
    test_image_sizes
    test_microvm
    test_microvm_fault
    test_bad_command_lines
    lab_run selftest-xen-dom0 dom0 "$out/selftest.elf"
    lab_run echo-xen-domu-3-vifs domu "$out/echo.elf" --vifs 3 --cmdline "ip=10.0.9.2/24 vif1=10.0.9.11/24 vif2=10.0.9.12/24"
    lab_run echo-xen-domu-dhcp domu "$out/echo.elf" --cmdline "dhcp"
    test_controller_lab
    # The hosted tools dom0 runs, as release builds: the debug ones (with the REST and
    # metrics servers linked in) no longer fit the lab's dom0 together.
    local log=$out/lab-switch.log status=0 release
    release=$(swift build -c release --show-bin-path)
    swift build -c release --product ofswitch > "$out/release-ofswitch.log" 2>&1 || status=1
    ((status)) || bash scripts/xen-lab/switch-lab.sh "$out/switch.elf" --tools "$release" > "$log" 2>&1 || status=1
    check switch-xen-domu "$status" "$(tail -1 "$log") (log: $log)"
    grep -a -E '^(check|result|  \|)' "$log" | sed 's/^/  /' || true
    echo "unikernel: $passed passed, $failed failed"
    [[ $failed == 0 ]]
}

case "${1:-build}" in
build) shift $(($# > 0)); build "$@" ;;
test) build && run_tests ;;
*) echo "usage: $0 build [NAME...] | test" >&2; exit 2 ;;
esac
