package store

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// The writer queue hands the writer to interactive waiters before bulk ones, each class in
// arrival order, and a waiter that gives up leaves the queue.
func TestWriteQueue_Order(t *testing.T) {
	q := &writeQueue{}
	ctx := context.Background()
	first, err := q.acquire(ctx, true) // a bulk writer has it
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	done := make(chan string)
	wait := func(name string, bulk bool, want WriterQueue) {
		go func() {
			rel, err := q.acquire(ctx, bulk)
			if err != nil {
				done <- "error " + err.Error()
				return
			}
			order = append(order, name) // while holding the writer: in grant order
			rel()
			done <- name
		}()
		for q.snapshot() != want { // until it is queued
			time.Sleep(time.Millisecond)
		}
	}
	wait("bulk 2", true, WriterQueue{Held: true, BulkWaiting: 1, Granted: 1})
	wait("interactive 1", false, WriterQueue{Held: true, Waiting: 1, BulkWaiting: 1, Granted: 1})
	wait("interactive 2", false, WriterQueue{Held: true, Waiting: 2, BulkWaiting: 1, Granted: 1})

	// One that gives up leaves the queue and gets its context's error.
	gone, cancel := context.WithCancel(ctx)
	errc := make(chan error)
	go func() { _, err := q.acquire(gone, false); errc <- err }()
	for q.snapshot().Waiting != 3 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled waiter: %v", err)
	}
	if s := q.snapshot(); s.Waiting != 2 {
		t.Fatalf("after the cancelled waiter left: %+v", s)
	}

	first()
	first() // releasing twice is harmless
	for range 3 {
		<-done
	}
	want := []string{"interactive 1", "interactive 2", "bulk 2"}
	for i := range want {
		if order[i] != want[i] {
			t.Fatalf("order %v, want %v", order, want)
		}
	}
	if s := q.snapshot(); s.Held || s.Waiting != 0 || s.BulkWaiting != 0 || s.Granted != 4 {
		t.Fatalf("queue after all released: %+v", s)
	}
	// Free again: a new writer gets it at once.
	rel, err := q.acquire(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	rel()
}

// A waiter without a deadline gives up after the queue's maxWait with BUSY.
func TestWriteQueue_MaxWait(t *testing.T) {
	q := &writeQueue{maxWait: 10 * time.Millisecond}
	rel, err := q.acquire(context.Background(), false)
	if err != nil {
		t.Fatal(err)
	}
	defer rel()
	if _, err := q.acquire(context.Background(), false); err == nil || !strings.Contains(err.Error(), "数据库正忙") {
		t.Fatalf("err = %v, want BUSY", err)
	}
	if s := q.snapshot(); s.Waiting != 0 {
		t.Fatalf("the waiter that gave up is still queued: %+v", s)
	}
}

func contains(s, sub string) bool {
	return len(sub) == 0 || len(s) >= len(sub) && (s[:len(sub)] == sub || contains(s[1:], sub))
}

func TestIsRead(t *testing.T) {
	for q, want := range map[string]bool{
		"SELECT 1":                                  true,
		"  select `id` FROM targets":                true,
		"WITH x AS (SELECT 1) SELECT * FROM x":      true,
		"-- comment\nSELECT 1":                      true,
		"/* c */ SELECT 1":                          true,
		"INSERT INTO t (a) VALUES (1) RETURNING id": false,
		"UPDATE t SET a = 1":                        false,
		"DELETE FROM t":                             false,
		"PRAGMA foreign_keys = 1":                   false,
		"SELECTED":                                  false,
		"":                                          false,
		"/* unterminated SELECT":                    false,
	} {
		if got := isRead(q); got != want {
			t.Errorf("isRead(%q) = %v, want %v", q, got, want)
		}
	}
}
