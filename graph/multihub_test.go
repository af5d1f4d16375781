package graph

import (
	"context"
	"testing"
	"time"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/publication"
	"github.com/ssgk/ssgk/internal/hub"
	"github.com/ssgk/ssgk/internal/publish"
	"github.com/ssgk/ssgk/internal/testutil"
	"github.com/ssgk/ssgk/internal/txn"
)

// A resultPublished subscription on hub B delivers a result published through hub A without
// waiting for its poll (set to an hour here): on PostgreSQL the NOTIFY of A's transaction wakes
// B's LISTEN connection; on SQLite the process's signal does.
func TestSubscriptionSeesOtherHub(t *testing.T) {
	url, dir := testutil.DatabaseURL(t), t.TempDir()
	open := func() *hub.Hub {
		db, err := hub.Open(context.Background(), hub.Options{DatabaseURL: url, DataDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	a, b := open(), open()
	defer func(p time.Duration) { SubscriptionPoll = p }(SubscriptionPoll)
	SubscriptionPoll = time.Hour

	ctx, cancel := context.WithTimeout(testutil.System(), 60*time.Second)
	defer cancel()
	r := &Resolver{Client: b.Client, DB: b.SQL, Feed: b.FeedSignal}
	events, err := r.Subscription().ResultPublished(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond) // let the subscription make its first (empty) read
	for i := 1; i <= 3; i++ {
		err := txn.Run(ctx, a.Client, func(tx *ent.Tx) error {
			_, err := publish.Record(ctx, tx, publish.Act{Kind: publication.KindRESULT, Title: "跨实例订阅", SubjectType: ent.TypeResult,
				SubjectID: 1000 + i, Payload: map[string]any{"target_code": "X"}})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		select {
		case c := <-events:
			if c == nil || c.LedgerIndex != int64(i-1) || c.Publication.SubjectID != 1000+i {
				t.Fatalf("event %d: %+v", i, c)
			}
		case <-ctx.Done():
			t.Fatalf("the subscription on hub B did not see publication %d through hub A", i)
		}
	}
}
