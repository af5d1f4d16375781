package main

import (
	"os"
	"testing"
)

// runMainEnv makes the test binary run as the ssgk program (main) instead of the tests: the
// end-to-end tests run the real program — its flags, its exit codes, its output — without
// compiling it again. (Compiling a second, cgo-free binary inside a test took minutes with a
// cold build cache on a busy 2-core machine, longer than go test's default timeout; the
// cgo-free build itself is checked by .ci/run.)
const runMainEnv = "SSGK_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runMainEnv) == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}
