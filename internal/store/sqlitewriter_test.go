package store_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/internal/bulk"
	"github.com/ssgk/ssgk/internal/testutil"
	"github.com/ssgk/ssgk/internal/txn"
)

// On SQLite a transaction holds the one writer connection from its first statement to its
// end; meanwhile reads outside it are answered from the read pool (the last committed state),
// another writer waits in the queue on its own context — never failing with BUSY — and a write
// sent to the read pool fails instead of passing the queue.
func TestSQLiteWriter_ReadsBesideAWriter(t *testing.T) {
	if os.Getenv(testutil.PostgresEnv) != "" {
		t.Skip("SQLite only")
	}
	sys := testutil.System()
	db := testutil.Open(t)
	create := func(tx *ent.Tx, name string) error {
		return tx.Target.Create().SetName(name).SetKind("PRODUCT").SetObjectCode(name).SetDivisionCode("370921").Exec(sys)
	}
	if err := txn.Run(sys, db.Client, func(tx *ent.Tx) error { return create(tx, "P-1") }); err != nil {
		t.Fatal(err)
	}
	before := db.WriterQueue()

	tx, err := db.Client.Tx(sys)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if q := db.WriterQueue(); q.Held || q.Granted != before.Granted {
		t.Fatalf("a transaction that ran nothing holds the writer: %+v", q)
	}
	if err := create(tx, "P-2"); err != nil {
		t.Fatal(err)
	}
	if q := db.WriterQueue(); !q.Held {
		t.Fatalf("the writing transaction does not hold the writer: %+v", q)
	}
	if bulk.SQLTx(tx) == nil {
		t.Fatal("bulk.SQLTx finds no *sql.Tx in a SQLite transaction: imports lose their prepared statements")
	}
	// Reads beside it: the committed state, at once.
	if n, err := db.Client.Target.Query().Count(sys); err != nil || n != 1 {
		t.Fatalf("read beside the writer: %d, %v; want 1", n, err)
	}
	// Reads in it: its own writes.
	if n, err := tx.Target.Query().Count(sys); err != nil || n != 2 {
		t.Fatalf("read in the transaction: %d, %v; want 2", n, err)
	}
	// Another writer waits on its context, and gives up with the context's error, not BUSY.
	short, cancel := context.WithTimeout(sys, 50*time.Millisecond)
	defer cancel()
	err = txn.Run(short, db.Client, func(tx *ent.Tx) error { return create(tx, "P-3") })
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second writer: %v; want context.DeadlineExceeded", err)
	}
	if q := db.WriterQueue(); !q.Held || q.Waiting != 0 {
		t.Fatalf("after the second writer gave up: %+v", q)
	}
	// The read pool is read-only: a write that looks like a read fails there.
	rows, err := db.Client.QueryContext(sys, `WITH n(v) AS (SELECT 'x') INSERT INTO targets (name) SELECT v FROM n RETURNING id`)
	if err == nil {
		rows.Close()
		t.Fatal("a write reached the read pool and succeeded")
	} else if !strings.Contains(err.Error(), "readonly") && !strings.Contains(err.Error(), "read-only") {
		t.Fatalf("write on the read pool: %v", err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if q := db.WriterQueue(); q.Held {
		t.Fatalf("the writer is still held after commit: %+v", q)
	}
	if n, err := db.Client.Target.Query().Count(sys); err != nil || n != 2 {
		t.Fatalf("after commit: %d, %v; want 2", n, err)
	}
	// Writers that queued behind it all get their turn.
	errs := make(chan error, 4)
	for i := range 4 {
		go func() {
			errs <- txn.Run(sys, db.Client, func(tx *ent.Tx) error { return create(tx, "Q-"+string(rune('a'+i))) })
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if n, err := db.Client.Target.Query().Count(sys); err != nil || n != 6 {
		t.Fatalf("after the queued writers: %d, %v; want 6", n, err)
	}
}
