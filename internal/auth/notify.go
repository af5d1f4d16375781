package auth

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"entgo.io/ent/dialect"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/account"
	"github.com/ssgk/ssgk/ent/apitoken"
	"github.com/ssgk/ssgk/ent/department"
	"github.com/ssgk/ssgk/internal/changefeed"
	"github.com/ssgk/ssgk/internal/viewer"
)

// NotifyChannel is the PostgreSQL notification channel of changes to what a viewer is made of
// (cache.go); the payload is the table's name, for logs only.
const NotifyChannel = "ssgk_auth"

// viewerColumns are, per table, the columns a viewer is built from: an UPDATE that sets one of
// them — whatever the value — a DELETE or a TRUNCATE notifies. A login's counters and
// timestamps (accounts.failed_logins, last_login_at…) do not.
var viewerColumns = []struct {
	table string
	cols  []string
}{
	{apitoken.Table, []string{apitoken.FieldID, apitoken.FieldName, apitoken.FieldPrefix, apitoken.FieldSecretHash, apitoken.FieldRoles,
		apitoken.FieldScopes, apitoken.FieldExpiresAt, apitoken.FieldRevokedAt, apitoken.FieldDepartmentID}},
	{account.Table, []string{account.FieldID, account.FieldUsername, account.FieldRoles, account.FieldActive, account.FieldDepartmentID}},
	{department.Table, []string{department.FieldID, department.FieldCode}},
}

func notifyStmts() []string {
	out := []string{fmt.Sprintf(`CREATE OR REPLACE FUNCTION ssgk_notify_auth() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			PERFORM pg_notify('%s', TG_TABLE_NAME);
			RETURN NULL;
		END $$`, NotifyChannel)}
	for _, t := range viewerColumns {
		out = append(out, fmt.Sprintf(`CREATE OR REPLACE TRIGGER ssgk_notify_auth AFTER UPDATE OF %s OR DELETE OR TRUNCATE ON %s
			FOR EACH STATEMENT EXECUTE FUNCTION ssgk_notify_auth()`, strings.Join(t.cols, ", "), t.table))
	}
	return out
}

const pgNotifyLock = 0x5353_4156 // "SSAV"

// InstallNotify creates the triggers that notify NotifyChannel on PostgreSQL (nothing on
// SQLite, which has no notifications and no viewer cache). It is idempotent; hub.Migrate has
// store.Migrate call it after the migrations.
func InstallNotify(ctx context.Context, db *sql.DB, dialectName string) error {
	if dialectName != dialect.Postgres {
		return nil
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck
	// Replicas starting at once would race on CREATE OR REPLACE.
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("SELECT pg_advisory_xact_lock(%d)", pgNotifyLock)); err != nil {
		return err
	}
	for _, s := range notifyStmts() {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("auth: installing the change notification: %w", err)
		}
	}
	return tx.Commit()
}

// DropNotify does nothing: PostgreSQL keeps the triggers through migrations, and SQLite has
// none. (It is there for store.Extra.)
func DropNotify(context.Context, *sql.DB, string) error { return nil }

// UseCache turns the viewer cache on (PostgreSQL; see cache.go). watch follows NotifyChannel
// over the hub's LISTEN connection (store.DB.Watch); it is called once, in the background, at
// the first request that carries a credential — a command that authenticates nobody never
// LISTENs.
//
// The cache is used only once the connection has heard its own probe: each time it LISTENs
// (again), the hub sends a notification with a fresh nonce through its ordinary pool, and turns
// the cache on when that very notification comes back. A LISTEN that cannot hear — through a
// pgBouncer in transaction mode, say, where it succeeds and then receives nothing — leaves the
// cache off, and every request reads its credential as before.
//
// send sends a notification through the hub's ordinary pool; nil means pg_notify through the
// auth service's client.
func (s *Service) UseCache(watch func(channel string, w *changefeed.Watcher) error, send func(ctx context.Context, channel, payload string) error, log *slog.Logger) {
	if log == nil {
		log = slog.Default()
	}
	if send == nil {
		send = func(ctx context.Context, channel, payload string) error {
			_, err := s.client.ExecContext(ctx, "SELECT pg_notify($1, $2)", channel, payload)
			return err
		}
	}
	c := newViewerCache()
	var (
		mu    sync.Mutex
		nonce string // the probe awaited; "" when none
	)
	probe := func() {
		mu.Lock()
		n := probePrefix + randomHex(8)
		nonce = n
		mu.Unlock()
		sys := viewer.NewContext(context.Background(), viewer.NewSystem("auth"))
		ctx, cancel := context.WithTimeout(sys, probeWait)
		defer cancel()
		if err := send(ctx, NotifyChannel, n); err != nil {
			log.Warn("auth: cannot probe the LISTEN connection; every request reads its credential", "err", err)
			return
		}
		time.Sleep(probeWait)
		mu.Lock()
		lost := nonce == n
		mu.Unlock()
		if lost && !c.stats().On {
			log.Warn("auth: the LISTEN connection does not hear its own notification (pgBouncer in transaction mode?); every request reads its credential")
		}
	}
	w := &changefeed.Watcher{
		Notify: func(payload string) {
			if !strings.HasPrefix(payload, probePrefix) {
				c.Empty()
				return
			}
			mu.Lock()
			heard := payload == nonce
			if heard {
				nonce = ""
			}
			mu.Unlock()
			if heard {
				c.flush(true)
			}
		},
		Up: func() {
			c.flush(false)
			go probe()
		},
		Down: func() {
			mu.Lock()
			nonce = ""
			mu.Unlock()
			c.flush(false)
		},
	}
	var once sync.Once
	s.cache = c
	s.watch = func() {
		once.Do(func() {
			go func() {
				if err := watch(NotifyChannel, w); err != nil {
					log.Warn("auth: cannot LISTEN for credential changes; every request reads its credential", "err", err)
				}
			}()
		})
	}
}

// probePrefix starts the payload of the probe UseCache sends itself; probeWait is how long it
// waits for it before logging that the connection hears nothing.
const (
	probePrefix = "probe:"
	probeWait   = 5 * time.Second
)

// SetCacheTTL changes how long a cached viewer is used at most (tests).
func (s *Service) SetCacheTTL(d time.Duration) {
	if s.cache != nil {
		s.cache.mu.Lock()
		s.cache.ttl = d
		s.cache.mu.Unlock()
	}
}

// CacheStats reports on the viewer cache; the zero value when there is none.
func (s *Service) CacheStats() CacheStats {
	if s.watch != nil {
		s.watch()
	}
	return s.cache.stats()
}

// cached looks the credential up in the viewer cache: the key and generation to store a viewer
// read from the database under, or the cached viewer.
func (s *Service) cached(cred string, now time.Time) (cacheKey, uint64, *viewer.Viewer) {
	if s.cache == nil {
		return cacheKey{}, 0, nil
	}
	s.watch()
	k := keyOf(cred)
	v, gen := s.cache.get(k, now)
	return k, gen, v
}

// Hook empties the viewer cache after a commit that changed a token, an account's viewer
// fields or a department's code through this hub's client: such a change is seen by this hub's
// next request without waiting for its own notification to come back.
func (s *Service) Hook() ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			v, err := next.Mutate(ctx, m)
			if err != nil || s.cache == nil || !changesViewer(m) {
				return v, err
			}
			if txm, ok := m.(interface{ Tx() (*ent.Tx, error) }); ok {
				if tx, terr := txm.Tx(); terr == nil {
					tx.OnCommit(func(next ent.Committer) ent.Committer {
						return ent.CommitFunc(func(ctx context.Context, tx *ent.Tx) error {
							err := next.Commit(ctx, tx)
							s.cache.Empty()
							return err
						})
					})
					return v, err
				}
			}
			s.cache.Empty()
			return v, err
		})
	}
}

// changesViewer reports whether m is a change the triggers notify.
func changesViewer(m ent.Mutation) bool {
	if m.Op().Is(ent.OpCreate) {
		return false
	}
	for _, t := range viewerColumns {
		if t.table != tableOf(m.Type()) {
			continue
		}
		if m.Op().Is(ent.OpDelete) || m.Op().Is(ent.OpDeleteOne) {
			return true
		}
		for _, c := range t.cols {
			if _, set := m.Field(c); set || m.FieldCleared(c) {
				return true
			}
		}
		// A department edge set from either side writes a department_id.
		if len(m.AddedEdges())+len(m.RemovedEdges())+len(m.ClearedEdges()) > 0 {
			return true
		}
	}
	return false
}

func tableOf(typ string) string {
	switch typ {
	case ent.TypeApiToken:
		return apitoken.Table
	case ent.TypeAccount:
		return account.Table
	case ent.TypeDepartment:
		return department.Table
	}
	return ""
}
