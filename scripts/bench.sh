#!/usr/bin/env bash
# Runs the codec, controller-core and datapath benchmarks (Benchmarks/, a package of its
# own) in release and prints the table: per-message (per-packet) throughput, time and
# mallocs (the `*` columns are scaled by the 1000 messages or packets each iteration
# handles, and round down: 1 malloc per iteration shows as 0, so prove zero with
# `--allocation-stacks`, which lists every allocating stack). Extra arguments go to the benchmark plugin, e.g.
# `--filter 'Datapath.*'` (a regex over the whole name), `--format markdown`.
set -euo pipefail
cd "$(dirname "$0")/.."
exec swift package --package-path Benchmarks benchmark --no-progress "$@"
