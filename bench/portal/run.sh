#!/usr/bin/env bash
# Portal search benchmark (issue 7): /results?q=<USCC> and /results?q=<name fragment> over N
# published results, on SQLite and on PostgreSQL.
#
#   bench/portal/run.sh [N]        # default 1000000
#
# Runs BenchmarkPortalSearch (internal/portal/bench_test.go) once per database: a fresh
# database with the demo departments and items, N targets / results / RESULT publications
# inserted with plain SQL, then a Go client on loopback sends sequential requests (20 warm-ups,
# SSGK_BENCH_REQUESTS — default 500 — per query kind, fewer if a kind has used up
# SSGK_BENCH_BUDGET seconds, default 120) and reports p50/p99/max in ms.
set -euo pipefail
N="${1:-1000000}"
cd "$(dirname "$0")/../.."
export PATH="/usr/local/go/bin:$PATH"
PG="${SSGK_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}"

echo "date: $(date -Iseconds)"
echo "go: $(go version)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "results: $N"

run() {
	go test -run '^$' -bench '^BenchmarkPortalSearch$' -benchtime 1x -timeout 30m -v ./internal/portal/ |
		grep -E '^(Benchmark|PASS|FAIL|ok)|fixture:|--- FAIL|bench_test.go:[0-9]+: (GET|name search index)'
}

echo "== SQLite"
SSGK_TEST_POSTGRES= SSGK_BENCH_RESULTS="$N" run
echo "== PostgreSQL"
SSGK_TEST_POSTGRES="$PG" SSGK_BENCH_RESULTS="$N" run
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
