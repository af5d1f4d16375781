package server_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/ssgk/ssgk/internal/testutil"
)

// TestMain greps every log line the suite's hubs wrote for the demo password and the token
// secrets the tests used (issue 19: a malformed body with a login password was logged whole).
func TestMain(m *testing.M) {
	code := m.Run()
	found, lines := testutil.CheckLogs()
	if len(found) > 0 {
		fmt.Fprintf(os.Stderr, "FAIL: %d secret(s) appear in the %d log lines of the suite: %q\n", len(found), lines, found)
		code = 1
	}
	os.Exit(code)
}
