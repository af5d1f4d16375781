#!/usr/bin/env bash
# Two hubs on one PostgreSQL primary, a third reading from a streaming standby, then a failover
# (issue 25, item 7). Creates its OWN clusters — never touches 15/main:
#   rprimary (port 5497) and rstandby (port 5498), the standby made with pg_basebackup and kept
#   in synchronous replication (synchronous_standby_names, synchronous_commit = on: a commit is
#   acknowledged once the standby has the WAL on disk).
# Then:
#   1. `ssgk demo` loads the demo data into the primary;
#   2. hub A (:18491) and hub B (:18492) on the primary, hub C (:18493) with
#      DATABASE_READ_URL = the standby; one DATA_DIR and one SSGK_SECRET_FILE for all three;
#   3. bench/replica/load: createTarget clients and item-list publishers through A and B (an
#      office session from A used on B too), a change-feed reader and entityHistory /
#      resultAggregate readers through C — for DURATION seconds; the feed reader checks that the
#      feed from the standby is gap-free and records when each publication shows up;
#   4. at 3/4 of the run the primary is stopped with `-m immediate` (a crash) while the clients
#      still write; the standby is promoted;
#   5. every acknowledged target and publication is looked up on the promoted standby, and
#      `ssgk audit verify` and `ssgk ledger audit` run on it.
# Prints a table; exits non-zero on any lost acknowledged write, feed gap, log gap or failed verifier.
#
#   bench/replica/run.sh [DURATION_SECONDS]     # default 60; needs root (pg_createcluster)
set -euo pipefail
DURATION="${1:-60}"
cd "$(dirname "$0")/../.."
export PATH="/usr/local/go/bin:/usr/lib/postgresql/15/bin:$PATH"
V=15 P=rprimary S=rstandby PP=5497 SP=5498
WORK="$(mktemp -d /tmp/ssgk-replica.XXXXXX)"
chmod 755 "$WORK"
PIDS=()

cleanup() {
	set +e
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	for c in "$S" "$P"; do
		if pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$V $c"; then
			pg_dropcluster --stop "$V" "$c"
		fi
	done
	rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

for c in "$P" "$S"; do
	if pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$V $c"; then
		echo "cluster $V/$c exists (left over?): dropping it" >&2
		pg_dropcluster --stop "$V" "$c"
	fi
done

echo "date: $(date -Iseconds)"
echo "cores: $(nproc); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

# --- primary -------------------------------------------------------------------------------
pg_createcluster "$V" "$P" --port "$PP" >/dev/null
cat >"/etc/postgresql/$V/$P/pg_hba.conf" <<HBA
local all all trust
host all all 127.0.0.1/32 trust
local replication all trust
host replication all 127.0.0.1/32 trust
HBA
cat >>"/etc/postgresql/$V/$P/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
wal_level = replica
max_wal_senders = 5
synchronous_standby_names = 'rstandby'
synchronous_commit = on
CONF
pg_ctlcluster "$V" "$P" start

# --- standby: a base backup of the primary, streaming from it --------------------------------
pg_createcluster "$V" "$S" --port "$SP" >/dev/null
SDATA="/var/lib/postgresql/$V/$S"
find "$SDATA" -mindepth 1 -delete # pg_basebackup needs it empty (and owned by postgres)
su postgres -c "pg_basebackup -h 127.0.0.1 -p $PP -U postgres -D $SDATA -X stream -R" >/dev/null
# -R wrote standby.signal and primary_conninfo; name the standby for synchronous_standby_names.
echo "primary_conninfo = 'host=127.0.0.1 port=$PP user=postgres application_name=rstandby'" >>"$SDATA/postgresql.auto.conf"
cp "/etc/postgresql/$V/$P/pg_hba.conf" "/etc/postgresql/$V/$S/pg_hba.conf"
cat >>"/etc/postgresql/$V/$S/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
hot_standby = on
CONF
pg_ctlcluster "$V" "$S" start
for _ in $(seq 60); do
	st=$(psql -h 127.0.0.1 -p "$PP" -U postgres -Atc "SELECT sync_state FROM pg_stat_replication WHERE application_name = 'rstandby'" 2>/dev/null || true)
	[ "$st" = sync ] && break
	sleep 1
done
[ "$st" = sync ] || { echo "the standby is not in synchronous replication ($st)" >&2; exit 1; }
psql -h 127.0.0.1 -p "$PP" -U postgres -qc "CREATE DATABASE ssgk"
PRIMARY="postgres://postgres@127.0.0.1:$PP/ssgk?sslmode=disable"
STANDBY="postgres://postgres@127.0.0.1:$SP/ssgk?sslmode=disable"

# --- the hubs --------------------------------------------------------------------------------
go build -o "$WORK/ssgk" ./cmd/ssgk
go build -o "$WORK/load" ./bench/replica/load
DATA="$WORK/data"
mkdir -p "$DATA"
head -c 48 /dev/urandom >"$WORK/secret"
export SSGK_SECRET_FILE="$WORK/secret" DATA_DIR="$DATA" LOG_LEVEL=warn
DATABASE_URL="$PRIMARY" "$WORK/ssgk" demo >"$WORK/demo.log" 2>&1
start_hub() { # name port [read url]
	DATABASE_URL="$PRIMARY" DATABASE_READ_URL="${3:-}" LISTEN_ADDR="127.0.0.1:$2" \
		"$WORK/ssgk" serve >"$WORK/hub-$1.log" 2>&1 &
	PIDS+=($!)
}
start_hub A 18491
start_hub B 18492
start_hub C 18493 "$STANDBY"
for port in 18491 18492 18493; do
	for _ in $(seq 60); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.5; done
	curl -fs "http://127.0.0.1:$port/healthz" >/dev/null || { echo "hub on :$port did not start" >&2; cat "$WORK"/hub-*.log >&2; exit 1; }
done

# --- load, crash, promote ------------------------------------------------------------------
"$WORK/load" load -write http://127.0.0.1:18491,http://127.0.0.1:18492 -read http://127.0.0.1:18493 \
	-duration "${DURATION}s" -acks "$WORK/acks.json" 2>"$WORK/load.log" &
LOAD=$!
standby_xacts() { psql -h 127.0.0.1 -p "$SP" -U postgres -Atc "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = 'ssgk'"; }
X0=$(standby_xacts)
PIDS+=("$LOAD")
sleep $((DURATION * 3 / 4))
X1=$(standby_xacts)
echo "transactions the standby served to hub C during the load: $((X1 - X0))"
lag=$(psql -h 127.0.0.1 -p "$PP" -U postgres -Atc "SELECT coalesce(extract(epoch FROM replay_lag) * 1000, 0)::int FROM pg_stat_replication WHERE application_name = 'rstandby'")
echo "standby replay_lag at the crash (pg_stat_replication): ${lag} ms"
echo "load average at the crash: $(cut -d' ' -f1-3 /proc/loadavg)"
kill -USR1 "$LOAD"
pg_ctlcluster "$V" "$P" stop -m immediate
echo "primary stopped (immediate) at $(date -Iseconds)"
wait "$LOAD" || { echo "the load client failed:" >&2; cat "$WORK/load.log" >&2; exit 1; }
pg_ctlcluster "$V" "$S" promote
for _ in $(seq 60); do
	[ "$(psql -h 127.0.0.1 -p "$SP" -U postgres -Atc 'SELECT pg_is_in_recovery()')" = f ] && break
	sleep 0.5
done
echo "standby promoted at $(date -Iseconds)"
echo "first errors of the load client:"; cat "$WORK/load.log"
for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
"$WORK/load" verify -db "$STANDBY" -acks "$WORK/acks.json" || FAILED=1
# The promoted database as a whole: the audit chain and the transparency log re-verified.
if DATABASE_URL="$STANDBY" "$WORK/ssgk" audit verify >"$WORK/audit.txt" 2>&1; then
	echo "ssgk audit verify on the promoted standby: OK ($(tail -1 "$WORK/audit.txt"))"
else
	echo "ssgk audit verify on the promoted standby FAILED:"; tail -5 "$WORK/audit.txt"; FAILED=1
fi
if DATABASE_URL="$STANDBY" "$WORK/ssgk" ledger audit >"$WORK/ledger.txt" 2>&1; then
	echo "ssgk ledger audit on the promoted standby: OK ($(tail -1 "$WORK/ledger.txt"))"
else
	echo "ssgk ledger audit on the promoted standby FAILED:"; tail -5 "$WORK/ledger.txt"; FAILED=1
fi
exit "${FAILED:-0}"
