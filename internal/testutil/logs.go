package testutil

import (
	"bytes"
	"io"
	"log/slog"
	"regexp"
	"sync"

	"github.com/ssgk/ssgk/internal/redact"
)

// DemoPassword is the password of the demo accounts; no log line may ever hold it.
const DemoPassword = "ssgk-demo-2026"

var captured struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	secrets []string
}

type captureWriter struct{}

func (captureWriter) Write(p []byte) (int, error) {
	captured.mu.Lock()
	defer captured.mu.Unlock()
	return captured.buf.Write(p)
}

// Logger returns a logger built as the hub builds its own (every record redacted) that writes
// to the process-wide capture, at debug level, so that a suite's TestMain can grep every line
// its hubs logged (CheckLogs).
func Logger() *slog.Logger { return TeeLogger(io.Discard) }

// TeeLogger is Logger that also writes to w (a test's log, shown when it fails).
func TeeLogger(w io.Writer) *slog.Logger {
	return slog.New(redact.Handler(slog.NewTextHandler(io.MultiWriter(captureWriter{}, w), &slog.HandlerOptions{Level: slog.LevelDebug})))
}

// credentialShapes are what the hub's API and session tokens look like: none may be logged,
// registered or not.
var credentialShapes = regexp.MustCompile(`ssgk_[0-9a-f]{12}_[0-9a-f]{48}|ssgs\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}`)

// RegisterSecret records a secret (a token, a password) the suite used: CheckLogs looks for it.
func RegisterSecret(s string) {
	captured.mu.Lock()
	defer captured.mu.Unlock()
	captured.secrets = append(captured.secrets, s)
}

// CapturedLogs returns everything logged through Logger so far.
func CapturedLogs() string {
	captured.mu.Lock()
	defer captured.mu.Unlock()
	return captured.buf.String()
}

// CheckLogs returns the registered secrets, and the demo password, that occur in the logs
// captured so far, and the number of lines looked at.
func CheckLogs() (found []string, lines int) {
	captured.mu.Lock()
	defer captured.mu.Unlock()
	logs := captured.buf.String()
	found = redact.Contains(logs, append([]string{DemoPassword}, captured.secrets...)...)
	found = append(found, credentialShapes.FindAllString(logs, 3)...)
	return found, bytes.Count(captured.buf.Bytes(), []byte("\n"))
}
