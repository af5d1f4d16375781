package plans

import (
	"testing"
	"time"
)

// SetClock makes the workflow see now as the current time until the test ends.
func SetClock(t testing.TB, now time.Time) {
	t.Helper()
	old := clockNow
	clockNow = func() time.Time { return now }
	t.Cleanup(func() { clockNow = old })
}
