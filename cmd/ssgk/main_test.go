package main_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/ssgk/ssgk/internal/testutil"
)

// TestMain greps every log line the suite's in-process hubs wrote (year, ledger, authorisation
// matrix) for the demo password and anything shaped like a token; the end-to-end tests grep the
// real binary's log themselves.
func TestMain(m *testing.M) {
	code := m.Run()
	if found, lines := testutil.CheckLogs(); len(found) > 0 {
		fmt.Fprintf(os.Stderr, "FAIL: secrets in the %d log lines of the suite: %q\n", lines, found)
		code = 1
	}
	os.Exit(code)
}
