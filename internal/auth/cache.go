package auth

import (
	"crypto/sha256"
	"sync"
	"time"

	"github.com/ssgk/ssgk/internal/viewer"
)

// The viewer cache (issue 22) spares an authenticated request the statement that reads its
// credential's token or account: on PostgreSQL that round trip is a visible part of a 1 ms
// request. It is used on PostgreSQL only, and only while the hub LISTENs for changes:
//
//   - An entry is keyed by the SHA-256 of the whole credential, the secret or the signature
//     included: a credential with the right prefix and a wrong secret is another key, and is
//     checked against the database as before.
//   - Expiry is never cached away: an entry keeps the token's or session's expiry, and a hit
//     past it is a miss, which the database path refuses as before.
//   - Every statement that changes what a viewer is made of — a token updated or deleted, an
//     account's username, active flag, roles or department changed or the account deleted, a
//     department's code changed or the department deleted — runs pg_notify on [NotifyChannel]
//     through a trigger (InstallNotify), on whichever hub or command it comes from; every hub
//     LISTENs on it and empties its cache at the notification. A change made through this hub's
//     own client empties the cache as well, synchronously after its commit (Hook).
//   - While the LISTEN connection is down the cache is empty and unused; it is emptied again
//     when the connection is back, since notifications sent meanwhile are lost.
//   - An entry lives for CacheTTL at most, a second guard against a notification that never
//     comes (a connection that died without a word).
//
// A lookup that started before an emptying does not store what it read (generation): the row it
// read may be the one the change replaced.

// CacheTTL is how long a cached viewer is used at most.
const CacheTTL = 5 * time.Second

// cacheMax bounds the cache; when full it starts over.
const cacheMax = 10_000

type cacheKey [sha256.Size]byte

type cacheEntry struct {
	v       viewer.Viewer
	expires time.Time // zero: no expiry
	stored  time.Time // monotonic, for the TTL
}

// viewerCache is safe for concurrent use. The zero value is disabled.
type viewerCache struct {
	mu      sync.Mutex
	on      bool // LISTENing: entries may be used and stored
	gen     uint64
	m       map[cacheKey]cacheEntry
	ttl     time.Duration
	hits    uint64
	flushes uint64
}

func newViewerCache() *viewerCache {
	return &viewerCache{m: map[cacheKey]cacheEntry{}, ttl: CacheTTL}
}

func keyOf(cred string) cacheKey { return sha256.Sum256([]byte(cred)) }

// get returns a copy of the viewer cached under k if it is fresh and not expired at now, and
// otherwise the generation a lookup must store its result under.
func (c *viewerCache) get(k cacheKey, now time.Time) (*viewer.Viewer, uint64) {
	if c == nil {
		return nil, 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.on {
		return nil, c.gen
	}
	e, ok := c.m[k]
	if !ok {
		return nil, c.gen
	}
	if time.Since(e.stored) >= c.ttl || (!e.expires.IsZero() && !now.Before(e.expires)) {
		delete(c.m, k)
		return nil, c.gen
	}
	c.hits++
	v := e.v
	v.Roles = append([]string(nil), e.v.Roles...)
	return &v, c.gen
}

// put stores v under k when nothing emptied the cache since the lookup started (gen).
func (c *viewerCache) put(k cacheKey, gen uint64, v *viewer.Viewer, expires time.Time) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.on || c.gen != gen {
		return
	}
	if len(c.m) >= cacheMax {
		c.m = map[cacheKey]cacheEntry{}
	}
	e := cacheEntry{v: *v, expires: expires, stored: time.Now()}
	e.v.Roles = append([]string(nil), v.Roles...)
	c.m[k] = e
}

// flush empties the cache; on false it also stops using it until the next flush(true).
func (c *viewerCache) flush(on bool) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.on = on
	c.gen++
	c.flushes++
	clear(c.m)
}

// Empty empties the cache, as a change notification does.
func (c *viewerCache) Empty() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.flushes++
	clear(c.m)
}

// CacheStats tells how the viewer cache fared (tests, metrics).
type CacheStats struct {
	On      bool   // in use: enabled and LISTENing
	Entries int    // viewers held
	Hits    uint64 // requests answered from the cache
	Flushes uint64 // times it was emptied
}

func (c *viewerCache) stats() CacheStats {
	if c == nil {
		return CacheStats{}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return CacheStats{On: c.on, Entries: len(c.m), Hits: c.hits, Flushes: c.flushes}
}
