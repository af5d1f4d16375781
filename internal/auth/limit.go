package auth

import (
	"context"
	"net/netip"
	"sync"
	"time"
)

type clientKey struct{}

// WithClient records the network address of the caller (host, or host:port) in ctx; Login
// limits the attempts per client. IPv6 addresses count per /64, the block one subscriber holds.
func WithClient(ctx context.Context, addr string) context.Context {
	return context.WithValue(ctx, clientKey{}, clientID(addr))
}

func clientFrom(ctx context.Context) string {
	s, _ := ctx.Value(clientKey{}).(string)
	return s
}

func clientID(addr string) string {
	ap, err := netip.ParseAddrPort(addr)
	a := ap.Addr()
	if err != nil {
		if a, err = netip.ParseAddr(addr); err != nil {
			return addr
		}
	}
	a = a.Unmap()
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}

// clientLimiter is a token bucket per client: burst attempts at once, then one every `every`.
// It lives in memory; behind several replicas each replica limits on its own.
type clientLimiter struct {
	burst int
	every time.Duration
	mu    sync.Mutex
	m     map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

// maxClients bounds the limiter's memory: past it, full buckets are dropped first.
const maxClients = 100_000

func newClientLimiter(burst int, every time.Duration) *clientLimiter {
	if burst <= 0 || every <= 0 {
		return nil
	}
	return &clientLimiter{burst: burst, every: every, m: map[string]*bucket{}}
}

// take spends one attempt of client; it reports false, and how long to wait, when none is left.
func (l *clientLimiter) take(client string, now time.Time) (bool, time.Duration) {
	if l == nil || client == "" {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.m[client]
	if b == nil {
		if len(l.m) >= maxClients {
			l.prune(now)
		}
		b = &bucket{tokens: float64(l.burst), at: now}
		l.m[client] = b
	}
	l.refill(b, now)
	if b.tokens < 1 {
		return false, time.Duration((1 - b.tokens) * float64(l.every))
	}
	b.tokens--
	return true, 0
}

// giveBack returns the attempt of a successful login.
func (l *clientLimiter) giveBack(client string) {
	if l == nil || client == "" {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if b := l.m[client]; b != nil && b.tokens+1 <= float64(l.burst) {
		b.tokens++
	}
}

func (l *clientLimiter) refill(b *bucket, now time.Time) {
	if now.After(b.at) {
		b.tokens += float64(now.Sub(b.at)) / float64(l.every)
		if b.tokens > float64(l.burst) {
			b.tokens = float64(l.burst)
		}
	}
	b.at = now
}

// prune drops the clients whose bucket has refilled; if that frees nothing, it starts afresh
// (a flood of new addresses must not grow memory without bound).
func (l *clientLimiter) prune(now time.Time) {
	for k, b := range l.m {
		l.refill(b, now)
		if b.tokens >= float64(l.burst) {
			delete(l.m, k)
		}
	}
	if len(l.m) >= maxClients {
		l.m = map[string]*bucket{}
	}
}
