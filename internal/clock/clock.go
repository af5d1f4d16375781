// Package clock is the hub's business clock: the time at which a plan is filed, a draw
// committed, a result published, a deadline judged. It is the wall clock, except in tests that
// run a whole year of the regime in minutes, which set it. The audit trail and row timestamps
// keep the real wall clock.
package clock

import (
	"sync/atomic"
	"time"
)

var override atomic.Pointer[func() time.Time]

// Now is the business time.
func Now() time.Time {
	if f := override.Load(); f != nil {
		return (*f)()
	}
	return time.Now()
}

// Set makes Now return f() until the returned restore function is called. For tests only.
func Set(f func() time.Time) (restore func()) {
	prev := override.Swap(&f)
	return func() { override.Store(prev) }
}

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
