#!/usr/bin/env bash
# Import benchmark (issue: bulk import of the target library).
#
#   bench/import/run.sh [ROWS]        # default 1000000
#
# In one run, on the same generated CSV of ROWS targets (valid, unique USCCs):
#   1. PostgreSQL's own COPY of the rows into a plain table of text columns (baseline A);
#   2. `ssgk import targets` into PostgreSQL (validation, upsert by USCC, library membership,
#      audit trail) — wall time and peak RSS;
#   3. PostgreSQL's own COPY of exactly the rows step 2 wrote (targets, their audit events and
#      library memberships, exported from that database) into the same tables of a second fresh
#      database with the demo data, every index, trigger and foreign key in place, in one
#      transaction (baseline B); and the targets alone — the CSV's rows as stored — into the
#      targets table of a third fresh demo database (baseline C);
#   4. `ssgk import` into SQLite.
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
go run ./tools/officegen -kind targets -rows "$ROWS" -out "$OUT/targets.csv" >/dev/null
size=$(du -h "$OUT/targets.csv" | cut -f1)

db="ssgk_bench_$$"
psql "$PG_BASE/postgres" -qc "CREATE DATABASE $db" >/dev/null
db2="${db}_copy"
psql "$PG_BASE/postgres" -qc "CREATE DATABASE $db2" >/dev/null
db3="${db}_copyc"
psql "$PG_BASE/postgres" -qc "CREATE DATABASE $db3" >/dev/null
cleanup_db() {
  psql "$PG_BASE/postgres" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null
  psql "$PG_BASE/postgres" -qc "DROP DATABASE IF EXISTS $db2 WITH (FORCE)" >/dev/null
  psql "$PG_BASE/postgres" -qc "DROP DATABASE IF EXISTS $db3 WITH (FORCE)" >/dev/null
  rm -rf "$OUT"
}
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

# 3. Baseline B: the rows the import wrote, exported, then COPYed into a second fresh database
# with the demo data (the same schema; the demo gives both databases the same ids).
DATABASE_URL="$PG_BASE/$db2?sslmode=disable" "$OUT/ssgk" demo --data-dir "$OUT/pgdata2" >/dev/null
max_target=$(psql "$PG_BASE/$db2" -Atc "SELECT COALESCE(max(id), 0) FROM targets")
max_audit=$(psql "$PG_BASE/$db2" -Atc "SELECT COALESCE(max(id), 0) FROM audit_events")
psql "$PG_BASE/$db" -v ON_ERROR_STOP=1 -q <<SQL
\copy (SELECT * FROM targets WHERE id > $max_target ORDER BY id) TO '$OUT/b_targets.csv' WITH (FORMAT csv)
\copy (SELECT * FROM audit_events WHERE id > $max_audit ORDER BY id) TO '$OUT/b_audit.csv' WITH (FORMAT csv)
\copy (SELECT * FROM target_library_targets WHERE target_id > $max_target) TO '$OUT/b_members.csv' WITH (FORMAT csv)
SQL
copied=$(wc -l < "$OUT/b_targets.csv")
psql "$PG_BASE/$db2" -qc "CHECKPOINT" >/dev/null 2>&1 || true
start=$(date +%s.%N)
psql "$PG_BASE/$db2" -v ON_ERROR_STOP=1 -q -1 -f - <<SQL
\copy targets FROM '$OUT/b_targets.csv' WITH (FORMAT csv)
\copy audit_events FROM '$OUT/b_audit.csv' WITH (FORMAT csv)
\copy target_library_targets FROM '$OUT/b_members.csv' WITH (FORMAT csv)
SQL
copy_b_s=$(echo "$(date +%s.%N) - $start" | bc)
# Baseline C: only the target rows — the CSV's rows as the library stores them — copied into
# the targets table (every index and trigger in place) of a third fresh demo database.
DATABASE_URL="$PG_BASE/$db3?sslmode=disable" "$OUT/ssgk" demo --data-dir "$OUT/pgdata3" >/dev/null
psql "$PG_BASE/$db3" -qc "CHECKPOINT" >/dev/null 2>&1 || true
start=$(date +%s.%N)
psql "$PG_BASE/$db3" -v ON_ERROR_STOP=1 -q -1 -c "\\copy targets FROM '$OUT/b_targets.csv' WITH (FORMAT csv)"
copy_c_s=$(echo "$(date +%s.%N) - $start" | bc)
echo "baseline B: $copied targets, $(wc -l < "$OUT/b_audit.csv") audit events, $(wc -l < "$OUT/b_members.csv") memberships" >&2

run_import sqlite "" "$OUT/sqlite"

read -r pg_s pg_kb < "$OUT/time.pg"
read -r sq_s sq_kb < "$OUT/time.sqlite"
printf '\nrows=%s file=%s cpu=%s cores %s\n' "$ROWS" "$size" "$(nproc)" "$(go version | cut -d' ' -f3)"
printf 'load average before: %s  after: %s\n' "$load_before" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-50s %10s %12s\n' "run" "seconds" "peak RSS MB"
printf '%-50s %10.2f %12s\n' "A: PostgreSQL COPY into a text table" "$copy_s" "-"
printf '%-50s %10.2f %12s\n' "B: PostgreSQL COPY of the same rows, same tables" "$copy_b_s" "-"
printf '%-50s %10.2f %12s\n' "C: PostgreSQL COPY of the target rows alone" "$copy_c_s" "-"
printf '%-50s %10.2f %12d\n' "ssgk import → PostgreSQL" "$pg_s" "$((pg_kb / 1024))"
printf '%-50s %10.2f %12d\n' "ssgk import → SQLite" "$sq_s" "$((sq_kb / 1024))"
printf 'ratio ssgk/COPY on PostgreSQL: %.2f× against A, %.2f× against B, %.2f× against C\n' "$(echo "$pg_s / $copy_s" | bc -l)" "$(echo "$pg_s / $copy_b_s" | bc -l)" "$(echo "$pg_s / $copy_c_s" | bc -l)"
