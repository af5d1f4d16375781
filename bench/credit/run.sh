#!/usr/bin/env bash
# Credit-centre API benchmarks (issue 6, item 11), on SQLite and then on PostgreSQL:
#   - entityHistory(uscc:) of an enterprise with 50 published results among N (p50/p99 ms);
#   - one 10,000-change page of changes(first: 10000) (ms per page);
#   - field authorisation + access logging on targets(first: 1000) with contactPhone and
#     legalRepPhone read under an approved grant, against the same query on a hub built with
#     DisableSharingForBenchmark (ns/op both ways, overhead %).
#
#   bench/credit/run.sh [N]        # default 1000000 published results
#
# Runs BenchmarkCreditCentre (internal/credit/bench_test.go) once per database: a fresh
# database with the demo departments and items, the fixture inserted with plain SQL outside the
# timer (bench_fixture_test.go), then a Go client on loopback sends sequential GraphQL requests
# with a department token of 县发改局 (CREDIT_CENTER). Knobs: SSGK_BENCH_REQUESTS (default 500
# entityHistory requests), SSGK_BENCH_PAGES (10 change pages), SSGK_BENCH_ROUNDS (200 rounds of
# checked + unchecked), SSGK_BENCH_BUDGET (120 s per measurement).
set -euo pipefail
N="${1:-1000000}"
cd "$(dirname "$0")/../.."
export PATH="/usr/local/go/bin:$PATH"
PG="${SSGK_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}"

echo "date: $(date -Iseconds)"
echo "go: $(go version)"
echo "cores: $(nproc)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "results: $N"

run() {
	go test -run '^$' -bench '^BenchmarkCreditCentre$' -benchtime 1x -timeout 60m -v ./internal/credit/ |
		grep -E '^(Benchmark|PASS|FAIL|ok)|fixture:|--- FAIL|PRODUCT PROBLEM|latencies|bench_test.go:[0-9]+: '
}

echo "== SQLite"
SSGK_TEST_POSTGRES= SSGK_BENCH_RESULTS="$N" run
echo "load average between: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== PostgreSQL"
SSGK_TEST_POSTGRES="$PG" SSGK_BENCH_RESULTS="$N" run
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
