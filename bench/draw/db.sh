#!/usr/bin/env bash
# The whole draw from the database (issue 4): freeze + commit + select + teams + store over a
# frame of 1,000,000 targets, on SQLite and on PostgreSQL, and — in the same run — PostgreSQL's
# ORDER BY random() LIMIT n per stratum over 10,000,000 rows for the ratio.
# Usage: bench/draw/db.sh [frame] [random-rows]   (defaults 1000000 and 10000000)
# Needs PostgreSQL on 127.0.0.1:5432 (trust auth), as in .ci/run.
set -euo pipefail
cd "$(dirname "$0")/../.."
frame="${1:-1000000}"
rows="${2:-10000000}"
pg="${SSGK_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}"
echo "# $(date -u +%FT%TZ)  $(go version)  nproc=$(nproc)  loadavg before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "## SQLite, frame $frame"
SSGK_BENCH_FRAME="$frame" go test -run '^$' -bench 'BenchmarkDrawFromDatabase$' -benchtime 1x -count 3 ./internal/draws/
echo "## PostgreSQL, frame $frame"
SSGK_TEST_POSTGRES="$pg" SSGK_BENCH_FRAME="$frame" go test -run '^$' -bench 'BenchmarkDrawFromDatabase$' -benchtime 1x -count 3 ./internal/draws/
echo "## PostgreSQL ORDER BY random() LIMIT n per stratum, $rows rows"
SSGK_TEST_POSTGRES="$pg" SSGK_BENCH_RANDOM_ROWS="$rows" go test -run '^$' -bench 'BenchmarkPostgresOrderByRandom$' -benchtime 1x -count 3 -timeout 30m ./internal/draws/
echo "## Kernel over 10,000,000 candidates in 4 strata (3 % per stratum)"
go test -run '^$' -bench 'BenchmarkSelect$/ratio' -benchtime 3x -count 3 ./internal/draw/
echo "# loadavg after: $(cut -d' ' -f1-3 /proc/loadavg)"
