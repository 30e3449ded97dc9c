#!/usr/bin/env bash
# Runs the codec benchmarks (Benchmarks/, a package of its own) in release and prints
# the table: per-message throughput, time and mallocs (the `*` columns are scaled by
# the 1000 messages each iteration handles). Extra arguments go to the benchmark
# plugin, e.g. `--filter 'PACKET_IN decode'`, `--format markdown`, `--allocation-stacks`.
set -euo pipefail
cd "$(dirname "$0")/.."
exec swift package --package-path Benchmarks benchmark --no-progress "$@"
