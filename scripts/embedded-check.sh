#!/usr/bin/env bash
# Compiles the core targets as Embedded Swift for a freestanding x86-64 target, as whole
# modules, the way the unikernel build will. Any error fails the check.
set -euo pipefail
cd "$(dirname "$0")/.."

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
flags=(-package-name SwiftOpenFlow -enable-experimental-feature Embedded -target x86_64-unknown-none-elf -wmo -parse-as-library -Osize)

# Core modules in dependency order: name, then its source folder.
modules=(Wire Scheduler OpenFlow Devices NetStack NetStackHost Controller ControllerHost Switch SwitchAppliance)
for module in "${modules[@]}"; do
    mapfile -t sources < <(find "Sources/$module" -name '*.swift' | sort)
    echo "embedded-check: $module (${#sources[@]} files)"
    swiftc "${flags[@]}" -module-name "$module" -I "$out" \
        -emit-module -emit-module-path "$out/$module.swiftmodule" \
        -c "${sources[@]}" -o "$out/$module.o"
done
echo "embedded-check: ok"
