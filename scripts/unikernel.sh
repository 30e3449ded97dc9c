#!/usr/bin/env bash
# Builds the unikernel images and boots them in the lab.
#
#   bash scripts/unikernel.sh build    writes .build/unikernel/NAME.elf (stripped) and prints
#                                      each image's size, section by section
#   bash scripts/unikernel.sh test     boots selftest.elf under QEMU microvm and as a Xen PVH
#                                      dom0, then the network image as a domU (scripts/xen-lab.sh);
#                                      ends with "N passed, M failed"
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
    "selftest:Wire Scheduler Devices UnikernelHost:Images/selftest"
    "echo:Wire Scheduler Devices NetStack NetStackHost UnikernelHost:Images/echo"
)

swift_flags=(-package-name SwiftOpenFlow -enable-experimental-feature Embedded -target x86_64-unknown-none-elf
    -wmo -parse-as-library -Osize -Xfrontend -function-sections -Xcc -mno-red-zone
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
    "$bin/ld.lld" -T "$boot/unikernel.ld" --gc-sections -nostdlib -static --no-pie -z noexecstack \
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

build() {
    build_boot
    for image in "${images[@]}"; do build_image "$image"; done
}

case "${1:-build}" in
build) build ;;
test)
    build
    exec bash scripts/unikernel-test.sh
    ;;
*) echo "usage: $0 build|test" >&2; exit 2 ;;
esac
