#!/usr/bin/env bash
# Benchmarks of the draw selection kernel (internal/draw, docs/draw-algorithm.md §14).
# Prints the machine context next to the figures, because on a shared 2-core machine the
# results move with the load. Usage: bench/draw/run.sh [count]   (default count 3)
set -euo pipefail
cd "$(dirname "$0")/../.."
count="${1:-3}"
echo "# $(date -u +%FT%TZ)  $(go version)  nproc=$(nproc)  loadavg before: $(cut -d' ' -f1-3 /proc/loadavg)"
grep -m1 'model name' /proc/cpuinfo || true
go test -run '^$' -bench 'BenchmarkTicket$' -benchmem -count "$count" ./internal/draw/
go test -run '^$' -bench 'BenchmarkSelect' -benchtime 3x -benchmem -count "$count" ./internal/draw/
echo "# loadavg after: $(cut -d' ' -f1-3 /proc/loadavg)"
