#!/usr/bin/env bash
# Fails when a hot path allocates. Runs every benchmark in Benchmarks/ (codec, controller
# core, switch datapath, NetStack segments) in release, counting only mallocs in the
# measured region: 20 iterations of 1000 messages or packets after 10 warm-up ones.
# The benchmark plugin writes each benchmark's p90 count per iteration; every one must
# be 0 (one allocation per message or packet reads 1000). Exit 0: none allocates; 1: the
# ones that do are named (`scripts/bench.sh --filter NAME --allocation-stacks` shows
# where); 2: the benchmarks did not run.
# Usage: scripts/alloc-check.sh [--filter REGEX]
set -euo pipefail
cd "$(dirname "$0")/../Benchmarks"
counts=$(mktemp -d)
trap 'rm -rf "$counts"' EXIT
BENCH_ALLOCATIONS_ONLY=1 swift package --allow-writing-to-directory "$counts" \
    benchmark thresholds update --path "$counts" --no-progress "$@" ||
    { echo "alloc-check: the benchmarks did not run" >&2; exit 2; }
checked=0 allocating=0
for file in "$counts"/*.p90.json; do
    [ -e "$file" ] || break
    name=$(basename "$file" .p90.json)
    count=$(tr -d ' \n' <"$file" | sed -n 's/.*"mallocCountTotal":\([0-9]*\).*/\1/p')
    checked=$((checked + 1))
    if [ "${count:-missing}" != 0 ]; then
        allocating=$((allocating + 1))
        echo "alloc-check: $name: ${count:-no count} mallocs per 1000 (p90)" >&2
    fi
done
((checked > 0)) || { echo "alloc-check: no benchmark reported a count" >&2; exit 2; }
((allocating == 0)) || { echo "alloc-check: $allocating of $checked benchmarks allocate" >&2; exit 1; }
echo "alloc-check: $checked benchmarks, 0 mallocs per message or packet in each"
