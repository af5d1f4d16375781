// Package changefeed wakes the readers of the change feed — the resultPublished subscriptions —
// when a public act is committed, in this process or in any other hub on the same database.
//
// A wake-up carries nothing a reader relies on: a reader always reads the feed itself, from its
// cursor, in ledger order (credit.Changes), so a lost or duplicated wake-up costs at most one
// poll interval or one empty read, never a skipped or repeated change.
//
//   - On PostgreSQL every transaction that appends a leaf to the transparency log also runs
//     NOTIFY on [Channel] (ledger.Append). PostgreSQL delivers a notification only when — and if —
//     the transaction commits, to every session listening on the channel on that server, whichever
//     process opened it: each hub keeps one LISTEN connection to the primary ([Listen]). A
//     standby neither sends nor relays notifications, so the LISTEN connection must go to the
//     primary (DATABASE_URL), and through pgBouncer only in session mode.
//   - On SQLite there is one hub process; ledger.Append signals [Committed] after the commit, and
//     the process-wide [Local] signal wakes the readers.
package changefeed

import (
	"log/slog"
	"sync"
	"time"

	"github.com/lib/pq"
)

// Channel is the PostgreSQL notification channel of committed leaves; the payload is the leaf
// index (decimal), for logs only.
const Channel = "ssgk_ledger"

// Signal is a broadcast: Wait returns a channel that is closed at the next Notify.
type Signal struct {
	mu sync.Mutex
	ch chan struct{}
}

// NewSignal returns a signal nobody waits on yet.
func NewSignal() *Signal { return &Signal{ch: make(chan struct{})} }

// Wait returns a channel closed at the next Notify. Take it before reading the feed: an act
// committed between the read and the wait then still wakes the reader.
func (s *Signal) Wait() <-chan struct{} {
	if s == nil {
		return nil // never closed: the reader polls
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ch
}

// Notify wakes everyone waiting.
func (s *Signal) Notify() {
	s.mu.Lock()
	defer s.mu.Unlock()
	close(s.ch)
	s.ch = make(chan struct{})
}

var local = NewSignal()

// Local is the process's signal of leaves committed on SQLite.
func Local() *Signal { return local }

// Committed tells the readers of this process that a leaf was committed (SQLite: called after
// the commit by ledger.Append's commit hook).
func Committed() { local.Notify() }

// Listener is a Signal fed by PostgreSQL notifications on Channel.
type Listener struct {
	*Signal
	l    *pq.Listener
	done chan struct{}
}

// Listen opens a LISTEN connection to the primary at dsn and returns the signal it feeds. The
// connection reconnects by itself (between 100 ms and 10 s apart); after a reconnection the
// readers are woken once, since notifications sent meanwhile were lost.
func Listen(dsn string, log *slog.Logger) (*Listener, error) {
	if log == nil {
		log = slog.Default()
	}
	sig := NewSignal()
	pl := pq.NewListener(dsn, 100*time.Millisecond, 10*time.Second, func(ev pq.ListenerEventType, err error) {
		switch ev {
		case pq.ListenerEventDisconnected, pq.ListenerEventConnectionAttemptFailed:
			log.Warn("change feed: LISTEN connection lost; subscriptions poll until it is back", "event", ev.String(), "err", err)
		case pq.ListenerEventReconnected:
			log.Info("change feed: LISTEN connection restored")
		}
	})
	if err := pl.Listen(Channel); err != nil {
		pl.Close()
		return nil, err
	}
	l := &Listener{Signal: sig, l: pl, done: make(chan struct{})}
	go l.run()
	return l, nil
}

func (l *Listener) run() {
	defer close(l.done)
	for range l.l.Notify {
		// A nil notification follows a reconnection: wake the readers as well.
		l.Notify()
	}
}

// Close closes the LISTEN connection.
func (l *Listener) Close() error {
	err := l.l.Close()
	<-l.done
	return err
}
