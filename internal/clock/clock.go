// Package clock is the hub's business clock: the time at which a plan is filed, a draw
// committed, a result published, a deadline judged. It is the wall clock, except in tests that
// run a whole year of the regime in minutes, which set it. The audit trail and row timestamps
// keep the real wall clock.
//
// The business clock belongs to a hub (hub.Options.Clock, Hub.Clock), not to the process, and
// travels in the context: the hub's entry points put it there with With — the server into every
// request context, the CLI and the demo loader into the context of their command, Hub.Context
// for anything else — and domain code reads it with Now(ctx). A context without one is on the
// wall clock. So two hubs in one process (parallel tests) can run on different business times.
package clock

import (
	"context"
	"sync/atomic"
	"time"
)

type ctxKey struct{}

// With returns a copy of ctx whose business clock is now; nil leaves ctx as it is.
func With(ctx context.Context, now func() time.Time) context.Context {
	if now == nil {
		return ctx
	}
	return context.WithValue(ctx, ctxKey{}, now)
}

// From returns the business clock of ctx: the one With put there, else time.Now.
func From(ctx context.Context) func() time.Time {
	if f, ok := ctx.Value(ctxKey{}).(func() time.Time); ok {
		return f
	}
	return time.Now
}

// Now is the business time of ctx.
func Now(ctx context.Context) time.Time { return From(ctx)() }

// Fixed returns a settable clock function that stays at t until moved.
type Fixed struct{ t atomic.Pointer[time.Time] }

// NewFixed returns a clock fixed at t.
func NewFixed(t time.Time) *Fixed {
	f := &Fixed{}
	f.Move(t)
	return f
}

// Now returns the fixed time.
func (f *Fixed) Now() time.Time { return *f.t.Load() }

// Move sets the fixed time.
func (f *Fixed) Move(t time.Time) { f.t.Store(&t) }

// CST is China Standard Time (Asia/Shanghai, UTC+8, no daylight saving since 1991), in which the
// hub keeps dates and shows times. A fixed zone, so that no time-zone database is needed. It is
// the one definition: every package uses this one.
var CST = time.FixedZone("CST", 8*3600)
