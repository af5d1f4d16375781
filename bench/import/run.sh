#!/usr/bin/env bash
# Import benchmark (issue: bulk import of the target library).
#
#   bench/import/run.sh [ROWS]        # default 1000000
#
# In one run, on the same generated CSV of ROWS targets (valid, unique USCCs):
#   1. PostgreSQL's own COPY of the rows into a plain table of text columns (the baseline);
#   2. `ssgk import targets` into PostgreSQL (validation, upsert by USCC, library membership,
#      audit trail) — wall time and peak RSS;
#   3. the same into SQLite.
# Each ssgk import runs on a fresh database holding the demo data.
set -euo pipefail
ROWS="${1:-1000000}"
cd "$(dirname "$0")/../.."
export PATH="/usr/local/go/bin:$PATH"
PG_BASE="${PG_URL:-postgres://postgres@127.0.0.1:5432}"
OUT="$(mktemp -d /tmp/ssgk-bench-import.XXXXXX)"
trap 'rm -rf "$OUT"' EXIT

command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }

echo "building ssgk and generating $ROWS rows…" >&2
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
go build -o "$OUT/ssgk" ./cmd/ssgk
go run ./internal/importer/gen -kind targets -rows "$ROWS" -out "$OUT/targets.csv" >/dev/null
size=$(du -h "$OUT/targets.csv" | cut -f1)

db="ssgk_bench_$$"
psql "$PG_BASE/postgres" -qc "CREATE DATABASE $db" >/dev/null
cleanup_db() { psql "$PG_BASE/postgres" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null; rm -rf "$OUT"; }
trap cleanup_db EXIT

# 1. COPY baseline: a table with as many text columns as the CSV.
ncols=$(head -1 "$OUT/targets.csv" | tr ',' '\n' | wc -l)
cols=$(seq 1 "$ncols" | sed 's/^/c/; s/$/ text/' | paste -sd, -)
psql "$PG_BASE/$db" -qc "CREATE TABLE copy_baseline ($cols)"
start=$(date +%s.%N)
psql "$PG_BASE/$db" -qc "\\copy copy_baseline FROM '$OUT/targets.csv' WITH (FORMAT csv, HEADER true)"
copy_s=$(echo "$(date +%s.%N) - $start" | bc)

run_import() { # $1 = label, $2 = DATABASE_URL ('' for SQLite), $3 = data dir
  DATABASE_URL="$2" "$OUT/ssgk" demo --data-dir "$3" >/dev/null
  DATABASE_URL="$2" /usr/bin/time -f "%e %M" -o "$OUT/time.$1" \
    "$OUT/ssgk" import targets "$OUT/targets.csv" --department SCJG --data-dir "$3" >"$OUT/log.$1" 2>&1 || { cat "$OUT/log.$1"; exit 1; }
  tail -1 "$OUT/log.$1" >&2
}
run_import pg "$PG_BASE/$db?sslmode=disable" "$OUT/pgdata"
run_import sqlite "" "$OUT/sqlite"

read -r pg_s pg_kb < "$OUT/time.pg"
read -r sq_s sq_kb < "$OUT/time.sqlite"
printf '\nrows=%s file=%s cpu=%s cores %s\n' "$ROWS" "$size" "$(nproc)" "$(go version | cut -d' ' -f3)"
printf 'load average before: %s  after: %s\n' "$load_before" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-34s %10s %12s\n' "run" "seconds" "peak RSS MB"
printf '%-34s %10.2f %12s\n' "PostgreSQL COPY (baseline)" "$copy_s" "-"
printf '%-34s %10.2f %12d\n' "ssgk import → PostgreSQL" "$pg_s" "$((pg_kb / 1024))"
printf '%-34s %10.2f %12d\n' "ssgk import → SQLite" "$sq_s" "$((sq_kb / 1024))"
printf 'ratio ssgk/COPY on PostgreSQL: %.2f×\n' "$(echo "$pg_s / $copy_s" | bc -l)"
