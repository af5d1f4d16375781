package main

import (
	"fmt"
	"os"
	"testing"

	"github.com/ssgk/ssgk/internal/testutil"
)

// runMainEnv makes the test binary run as the ssgk program (main) instead of the tests: the
// end-to-end tests run the real program — its flags, its exit codes, its output — without
// compiling it again. (Compiling a second, cgo-free binary inside a test took minutes with a
// cold build cache on a busy 2-core machine, longer than go test's default timeout; the
// cgo-free build itself is checked by .ci/run.)
const runMainEnv = "SSGK_TEST_RUN_MAIN"

// TestMain runs main for the end-to-end tests (runMainEnv); otherwise it runs the tests, then
// greps every log line the suite's in-process hubs wrote (ledger, insider, site, backup) for
// the demo password and anything shaped like a token — the end-to-end tests grep the
// program's log themselves.
func TestMain(m *testing.M) {
	if os.Getenv(runMainEnv) == "1" {
		main()
		os.Exit(0)
	}
	code := m.Run()
	if found, lines := testutil.CheckLogs(); len(found) > 0 {
		fmt.Fprintf(os.Stderr, "FAIL: secrets in the %d log lines of the suite: %q\n", lines, found)
		code = 1
	}
	os.Exit(code)
}
