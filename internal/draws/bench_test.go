package draws_test

import (
	"fmt"
	"github.com/ssgk/ssgk/internal/clock"
	"os"
	"strconv"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/internal/codes"
	"github.com/ssgk/ssgk/internal/demo"
	"github.com/ssgk/ssgk/internal/draws"
	"github.com/ssgk/ssgk/internal/hub"
	"github.com/ssgk/ssgk/internal/library"
	"github.com/ssgk/ssgk/internal/tasks"
	"github.com/ssgk/ssgk/internal/testutil"
	"github.com/ssgk/ssgk/internal/testutil/world"
	"github.com/ssgk/ssgk/internal/txn"
)

// benchFrameSize is the frame of BenchmarkDrawFromDatabase: SSGK_BENCH_FRAME or 1,000,000.
func benchFrameSize() int {
	if n, err := strconv.Atoi(os.Getenv("SSGK_BENCH_FRAME")); err == nil && n > 0 {
		return n
	}
	return 1_000_000
}

// fillLibrary inserts n targets (credit classes A 40 %, B 40 %, C 15 %, D 5 %, 2 % closed) into a
// new sub-library of the market regulator with plain SQL: the fixture, not the thing measured.
func fillLibrary(b *testing.B, db *hub.Hub, depID, n int) int {
	b.Helper()
	ctx := testutil.System()
	var lib *ent.TargetLibrary
	if err := txn.Run(ctx, db.Client, func(tx *ent.Tx) error {
		var err error
		lib, err = tx.TargetLibrary.Create().SetCode("BENCH").SetName("基准测试库").SetDepartmentID(depID).Save(ctx)
		return err
	}); err != nil {
		b.Fatal(err)
	}
	start := 900_000_000_000
	var stmts []string
	if db.Dialect == dialect.Postgres {
		stmts = []string{
			fmt.Sprintf(`INSERT INTO targets (id, created_at, updated_at, division_code, kind, uscc, name, status, credit_risk_class, abnormal_list, licences, tags)
SELECT %d + i, now(), now(), '370921', 'ENTERPRISE', 'B' || lpad(i::text, 17, '0'), '基准企业' || i,
 CASE WHEN i %% 50 = 0 THEN 'CANCELLED' ELSE 'EXISTING' END,
 CASE WHEN i %% 20 < 8 THEN 'A' WHEN i %% 20 < 16 THEN 'B' WHEN i %% 20 < 19 THEN 'C' ELSE 'D' END, false, '[]', '[]'
FROM generate_series(1, %d) AS i`, start, n),
			fmt.Sprintf(`INSERT INTO target_library_targets (target_library_id, target_id) SELECT %d, %d + i FROM generate_series(1, %d) AS i`, lib.ID, start, n),
			// A library is loaded well before it is drawn from: by then autovacuum has set the
			// rows' hint bits and visibility map, and the checkpoint has written them. Without
			// this the first read of the fresh rows in the timed freeze rewrites every page.
			`VACUUM (ANALYZE) targets`, `VACUUM (ANALYZE) target_library_targets`, `CHECKPOINT`,
		}
	} else {
		stmts = []string{
			fmt.Sprintf(`WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < %d)
INSERT INTO targets (id, created_at, updated_at, division_code, kind, uscc, name, status, credit_risk_class, abnormal_list, licences, tags)
SELECT %d + i, datetime('now'), datetime('now'), '370921', 'ENTERPRISE', 'B' || substr('00000000000000000' || i, -17, 17), '基准企业' || i,
 CASE WHEN i %% 50 = 0 THEN 'CANCELLED' ELSE 'EXISTING' END,
 CASE WHEN i %% 20 < 8 THEN 'A' WHEN i %% 20 < 16 THEN 'B' WHEN i %% 20 < 19 THEN 'C' ELSE 'D' END, false, '[]', '[]' FROM s`, n, start),
			fmt.Sprintf(`WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < %d)
INSERT INTO target_library_targets (target_library_id, target_id) SELECT %d, %d + i FROM s`, n, lib.ID, start),
			`ANALYZE`,
		}
	}
	for _, q := range stmts {
		if _, err := db.SQL.ExecContext(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	return lib.ID
}

// BenchmarkDrawFromDatabase is the whole draw of a task over a frame read from the database
// (issue 4): freeze (read the frame, exclusions, pool; Merkle root; commitment; snapshot) +
// commit + entropy, selection, team assignment and storing the teams. 3 % of each stratum is
// drawn (the minimum of the public-information checks): 30,000 teams for 1,000,000 targets.
func BenchmarkDrawFromDatabase(b *testing.B) {
	db := testutil.Open(b)
	ctx := testutil.System()
	if err := codes.Seed(ctx, db.Client); err != nil {
		b.Fatal(err)
	}
	w := world.Demo(b, db, demo.Options{Targets: 10, Inspectors: 300})
	scjg, item := w.SCJG, w.ItemS.ID
	n := benchFrameSize()
	lib := fillLibrary(b, db, scjg.ID, n)
	if _, err := library.Confirm(ctx, db.Client, scjg.ID, "", 0); err != nil {
		b.Fatal(err)
	}
	d := draws.New(db.Client).WithKeyDir(db.DataDir)
	ratio := []tasks.Stratum{{Name: "A", RatioPPM: 30_000}, {Name: "B", RatioPPM: 30_000}, {Name: "C", RatioPPM: 30_000}, {Name: "D", RatioPPM: 30_000}}
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		tk, err := tasks.Create(ctx, db.Client, tasks.Input{
			InitiatorID: scjg.ID, Name: fmt.Sprintf("基准抽查 %d", i),
			WindowStart: time.Date(2026, 9, 1, 0, 0, 0, 0, clock.CST), WindowEnd: time.Date(2026, 9, 30, 0, 0, 0, 0, clock.CST),
			Items: []tasks.ItemRef{{DepartmentID: scjg.ID, ItemID: item}}, LibraryIDs: []int{lib}, Strata: ratio,
			YearlyCap: new(int), RotationMonths: new(int),
		})
		if err == nil {
			_, err = tasks.Announce(ctx, db.Client, tk.ID)
		}
		if err != nil {
			b.Fatal(err)
		}
		w0 := walStats(b, db)
		b.StartTimer()
		t0 := time.Now()
		dr, err := d.Freeze(ctx, tk.ID, "")
		if err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		b.StopTimer()
		w1 := walStats(b, db)
		b.StartTimer()
		if _, err := d.Commit(ctx, dr.ID); err != nil {
			b.Fatal(err)
		}
		t2 := time.Now()
		if dr, err = d.Execute(ctx, dr.ID, "2026-11-27 "+strconv.Itoa(i)); err != nil {
			b.Fatal(err)
		}
		t3 := time.Now()
		b.StopTimer()
		if w0 != nil {
			// WAL written by the freeze and by commit + draw + store, and how many full-page
			// images in it: the first change to a page after a checkpoint logs the whole page
			// (the row locks of foreign-key checks included).
			w2 := walStats(b, db)
			b.ReportMetric(float64(w1[0]-w0[0])/1e6, "freeze-wal-MB")
			b.ReportMetric(float64(w2[0]-w1[0])/1e6, "store-wal-MB")
			b.ReportMetric(float64(w2[1]-w1[1]), "store-wal-fpi")
		}
		b.StartTimer()
		b.ReportMetric(t1.Sub(t0).Seconds(), "freeze-s")
		b.ReportMetric(t2.Sub(t1).Seconds(), "commit-s")
		b.ReportMetric(t3.Sub(t2).Seconds(), "draw+store-s")
		b.ReportMetric(float64(dr.FrameSize), "frame")
	}
}

// BenchmarkPostgresOrderByRandom is the naive alternative on PostgreSQL: per stratum,
// SELECT … ORDER BY random() LIMIT n over SSGK_BENCH_RANDOM_ROWS rows (default 10,000,000, the
// kernel benchmark's frame: A 4,000,000, B 4,000,000, C 1,500,000, D 500,000), drawing 3 %.
// It is unverifiable as well as slower; it is here only for the ratio in bench/README.md.
func BenchmarkPostgresOrderByRandom(b *testing.B) {
	if os.Getenv("SSGK_TEST_POSTGRES") == "" {
		b.Skip("PostgreSQL only: set SSGK_TEST_POSTGRES")
	}
	rows := 10_000_000
	if n, err := strconv.Atoi(os.Getenv("SSGK_BENCH_RANDOM_ROWS")); err == nil && n > 0 {
		rows = n
	}
	db := testutil.Open(b)
	ctx := testutil.System()
	for _, q := range []string{
		`CREATE TABLE frame (key text NOT NULL, stratum text NOT NULL)`,
		fmt.Sprintf(`INSERT INTO frame SELECT 'K' || lpad(i::text, 17, '0'),
 CASE WHEN i <= %[1]d * 0.4 THEN 'A' WHEN i <= %[1]d * 0.8 THEN 'B' WHEN i <= %[1]d * 0.95 THEN 'C' ELSE 'D' END
 FROM generate_series(1, %[1]d) AS i`, rows),
		`CREATE INDEX frame_stratum ON frame (stratum)`, `ANALYZE frame`,
	} {
		if _, err := db.SQL.ExecContext(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	sizes := map[string]int{"A": rows * 40 / 100, "B": rows * 40 / 100, "C": rows * 15 / 100, "D": rows * 5 / 100}
	b.ResetTimer()
	for range b.N {
		for _, s := range []string{"A", "B", "C", "D"} {
			n := (sizes[s]*3 + 99) / 100
			r, err := db.SQL.QueryContext(ctx, `SELECT key FROM frame WHERE stratum = $1 ORDER BY random() LIMIT $2`, s, n)
			if err != nil {
				b.Fatal(err)
			}
			got := 0
			for r.Next() {
				got++
			}
			r.Close()
			if got != n {
				b.Fatalf("stratum %s: %d rows, want %d", s, got, n)
			}
		}
	}
}

// walStats returns PostgreSQL's WAL bytes and full-page images written so far (pg_stat_wal,
// the whole server), nil on SQLite.
func walStats(b *testing.B, db *hub.Hub) []int64 {
	if db.Dialect != dialect.Postgres {
		return nil
	}
	var bytes, fpi int64
	if err := db.SQL.QueryRow(`SELECT wal_bytes::bigint, wal_fpi FROM pg_stat_wal`).Scan(&bytes, &fpi); err != nil {
		b.Fatal(err)
	}
	return []int64{bytes, fpi}
}
