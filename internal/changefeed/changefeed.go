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
	"errors"
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

// Listener is a Signal fed by PostgreSQL notifications on Channel. The same connection serves
// the other channels a hub listens on ([Listener.Watch]): one LISTEN connection per hub.
type Listener struct {
	*Signal
	l    *pq.Listener
	done chan struct{}

	ready    chan struct{} // closed when the first LISTEN returned
	readyErr error

	mu       sync.Mutex
	up       bool // LISTENing on every channel: connected, and not lost since
	watchers map[string][]*Watcher
}

// Watcher follows one notification channel besides the ledger's. Its functions run on the
// listener's goroutines, one at a time, and must not block.
type Watcher struct {
	// Notify is called with the payload of each notification on the channel.
	Notify func(payload string)
	// Up is called when the connection LISTENs on the channel: at once when Watch finds it
	// connected, and again after every reconnection. Notifications sent while it was down are
	// lost: Up is where a watcher forgets what they might have changed.
	Up func()
	// Down is called when the connection is lost or closed: from then until the next Up,
	// notifications may be missed.
	Down func()
}

// Listen opens a LISTEN connection to the primary at dsn and returns the signal it feeds, once
// it LISTENs. The connection reconnects by itself (between 100 ms and 10 s apart); after a
// reconnection the readers are woken once, since notifications sent meanwhile were lost.
func Listen(dsn string, log *slog.Logger) (*Listener, error) {
	l := Open(dsn, log)
	if err := l.Ready(); err != nil {
		l.Close()
		return nil, err
	}
	return l, nil
}

// Open is Listen without the wait: it returns at once, and connects in the background; Ready
// waits for the connection to LISTEN. Close stops it, connected or not.
func Open(dsn string, log *slog.Logger) *Listener {
	if log == nil {
		log = slog.Default()
	}
	l := &Listener{Signal: NewSignal(), done: make(chan struct{}), ready: make(chan struct{}), watchers: map[string][]*Watcher{}}
	l.l = pq.NewListener(dsn, 100*time.Millisecond, 10*time.Second, func(ev pq.ListenerEventType, err error) {
		switch ev {
		case pq.ListenerEventDisconnected, pq.ListenerEventConnectionAttemptFailed:
			log.Warn("change feed: LISTEN connection lost; subscriptions poll until it is back", "event", ev.String(), "err", err)
			l.setUp(false)
		case pq.ListenerEventReconnected:
			log.Info("change feed: LISTEN connection restored")
			l.setUp(true)
		case pq.ListenerEventConnected:
			l.setUp(true)
		}
	})
	go func() {
		// Blocks until the connection is made (or Close).
		l.readyErr = l.l.Listen(Channel)
		close(l.ready)
	}()
	go l.run()
	return l
}

// Ready waits until the connection LISTENs on Channel, or fails to, or is closed.
func (l *Listener) Ready() error {
	<-l.ready
	return l.readyErr
}

// setUp records the connection's state and tells the watchers. pq emits its events after
// LISTENing again on every channel, in the order they happen, from one goroutine.
func (l *Listener) setUp(up bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.up == up && !up {
		return
	}
	l.up = up
	for _, ws := range l.watchers {
		for _, w := range ws {
			if up {
				w.Up()
			} else {
				w.Down()
			}
		}
	}
}

// Watch LISTENs on channel over the listener's connection and calls w as notifications and
// connection events arrive. A channel may have several watchers.
func (l *Listener) Watch(channel string, w *Watcher) error {
	if err := l.l.Listen(channel); err != nil && !errors.Is(err, pq.ErrChannelAlreadyOpen) {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.watchers[channel] = append(l.watchers[channel], w)
	if l.up {
		w.Up()
	}
	return nil
}

func (l *Listener) run() {
	defer close(l.done)
	for n := range l.l.Notify {
		if n != nil && n.Channel != Channel {
			l.mu.Lock()
			for _, w := range l.watchers[n.Channel] {
				w.Notify(n.Extra)
			}
			l.mu.Unlock()
			continue
		}
		// A nil notification follows a reconnection: wake the readers as well.
		l.Notify()
	}
}

// Close closes the LISTEN connection; the watchers are told it is down.
func (l *Listener) Close() error {
	err := l.l.Close()
	<-l.done
	<-l.ready
	l.setUp(false)
	return err
}
