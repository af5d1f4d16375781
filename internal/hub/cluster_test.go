package hub_test

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/publication"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/changefeed"
	"github.com/ssgk/ssgk/internal/credit"
	"github.com/ssgk/ssgk/internal/hub"
	"github.com/ssgk/ssgk/internal/publish"
	"github.com/ssgk/ssgk/internal/testutil"
	"github.com/ssgk/ssgk/internal/txn"
)

// twoHubs opens the same database twice, as two hub processes would (SQLite: the same file).
func twoHubs(t *testing.T) (a, b *hub.Hub) {
	t.Helper()
	url, dir := testutil.DatabaseURL(t), t.TempDir()
	for _, p := range []**hub.Hub{&a, &b} {
		db, err := hub.Open(context.Background(), hub.Options{DatabaseURL: url, DataDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		*p = db
	}
	return a, b
}

// publishOne records one public act through db and returns its ledger index.
func publishOne(ctx context.Context, db *hub.Hub, subject int) (int64, error) {
	var idx int64
	err := txn.Run(ctx, db.Client, func(tx *ent.Tx) error {
		p, err := publish.Record(ctx, tx, publish.Act{Kind: publication.KindPLAN, Title: "多实例测试", SubjectType: ent.TypePlan,
			SubjectID: subject, Payload: map[string]any{"n": subject}})
		if err != nil {
			return err
		}
		idx = *p.LedgerIndex
		return nil
	})
	return idx, err
}

// Publications through two hubs at once keep the log and the change feed gap-free and in
// order: a reader following the feed through the second hub while they are written never sees
// a later index before an earlier one, and finds every acknowledged publication exactly once.
func TestTwoHubsFeedGapFree(t *testing.T) {
	a, b := twoHubs(t)
	ctx := testutil.System()
	const writers, each = 4, 15
	var (
		mu    sync.Mutex
		acked = map[int64]int{} // ledger index → subject
		wg    sync.WaitGroup
		errs  = make(chan error, writers)
	)
	for w := range writers {
		hub := a
		if w%2 == 1 {
			hub = b
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				subject := w*1000 + i + 1
				idx, err := publishOne(ctx, hub, subject)
				if err != nil {
					errs <- fmt.Errorf("writer %d: %w", w, err)
					return
				}
				mu.Lock()
				if prev, dup := acked[idx]; dup {
					errs <- fmt.Errorf("index %d given to subjects %d and %d", idx, prev, subject)
				}
				acked[idx] = subject
				mu.Unlock()
			}
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()

	// Follow the feed through hub b while the writers run, then to the end.
	next, cursor := int64(0), ""
	follow := func() {
		for {
			page, err := credit.Changes(ctx, b.Reads().Client, cursor, 7, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range page.Changes {
				if c.LedgerIndex != next {
					t.Fatalf("feed: change %d where %d was due", c.LedgerIndex, next)
				}
				mu.Lock()
				subject, ok := acked[c.LedgerIndex]
				mu.Unlock()
				// A change can be read before its writer got the acknowledgement, never with
				// another subject than the one acknowledged.
				if ok && c.Publication.SubjectID != subject {
					t.Fatalf("feed: change %d is subject %d, acknowledged as %d", c.LedgerIndex, c.Publication.SubjectID, subject)
				}
				next++
			}
			cursor = page.EndCursor
			if !page.HasNext {
				return
			}
		}
	}
	for running := true; running; {
		select {
		case <-done:
			running = false
		case <-time.After(5 * time.Millisecond):
		}
		follow()
	}
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	follow()
	if next != writers*each || len(acked) != writers*each {
		t.Fatalf("feed delivered %d changes; %d acknowledged, %d published", next, len(acked), writers*each)
	}
	for i := range int64(writers * each) {
		if _, ok := acked[i]; !ok {
			t.Errorf("index %d was not acknowledged to any writer", i)
		}
	}
}

// A publication committed through one hub wakes the feed readers of the other: through
// LISTEN/NOTIFY on PostgreSQL (each hub its own listener, not the process's signal), through
// the process's signal on SQLite.
func TestFeedSignalAcrossHubs(t *testing.T) {
	a, b := twoHubs(t)
	ctx := testutil.System()
	sig := b.FeedSignal()
	if sig == nil {
		t.Fatal("no feed signal")
	}
	if a.Dialect == "postgres" && (sig == changefeed.Local() || sig == a.FeedSignal()) {
		t.Fatal("on PostgreSQL each hub must listen on its own connection")
	}
	// A rolled-back publication wakes nobody; the next committed one does.
	woken := sig.Wait()
	errRollback := fmt.Errorf("rolled back")
	err := txn.Run(ctx, a.Client, func(tx *ent.Tx) error {
		if _, err := publish.Record(ctx, tx, publish.Act{Kind: publication.KindPLAN, Title: "撤销", SubjectType: ent.TypePlan, SubjectID: 1}); err != nil {
			return err
		}
		return errRollback
	})
	if err != errRollback {
		t.Fatal(err)
	}
	if _, err := publishOne(ctx, a, 2); err != nil {
		t.Fatal(err)
	}
	select {
	case <-woken:
	case <-time.After(30 * time.Second):
		t.Fatal("hub b was not woken by a publication through hub a")
	}
	page, err := credit.Changes(ctx, b.Client, "", 10, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Changes) != 1 || page.Changes[0].Publication.SubjectID != 2 || page.Changes[0].Cursor != strconv.Itoa(0) {
		t.Fatalf("feed after a rollback and a commit: %+v", page.Changes)
	}
}

// DATABASE_READ_URL: Reads is the other database, and its client refuses writes. (A second
// database stands in for the standby: the test cannot start one; bench/replica/run.sh does.)
func TestReadURL(t *testing.T) {
	primary := testutil.DatabaseURL(t)
	if primary == "" {
		if _, err := hub.Open(context.Background(), hub.Options{DataDir: t.TempDir(), ReadURL: "postgres://x@127.0.0.1/x"}); err == nil {
			t.Fatal("DATABASE_READ_URL accepted with SQLite")
		}
		t.Skip("DATABASE_READ_URL needs PostgreSQL")
	}
	standby := testutil.DatabaseURL(t)
	ctx := testutil.System()
	sdb, err := hub.Open(ctx, hub.Options{DatabaseURL: standby, DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer sdb.Close()
	if _, err := publishOne(ctx, sdb, 77); err != nil {
		t.Fatal(err)
	}
	db, err := hub.Open(ctx, hub.Options{DatabaseURL: primary, DataDir: t.TempDir(), ReadURL: standby})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := publishOne(ctx, db, 1); err != nil {
		t.Fatal(err)
	}
	page, err := credit.Changes(ctx, db.Reads().Client, "", 10, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Changes) != 1 || page.Changes[0].Publication.SubjectID != 77 {
		t.Fatalf("reads did not go to DATABASE_READ_URL: %+v", page.Changes)
	}
	_, err = db.Reads().Client.Publication.Create().SetKind(publication.KindPLAN).SetTitle("x").SetPublishedAt(time.Now()).
		SetSubjectType(ent.TypePlan).SetSubjectID(1).SetDigest("x").Save(ctx)
	if ae := apperr.From(err); err == nil || ae.Code != hub.CodeReadOnly {
		t.Fatalf("write through the read-only client: %v", err)
	}
	if _, err := hub.Open(ctx, hub.Options{DatabaseURL: primary, DataDir: t.TempDir(), ReadURL: "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=2"}); err == nil {
		t.Fatal("an unreachable DATABASE_READ_URL was accepted")
	}
}
