// Package browser starts headless Debian Chromium for the hub's browser tests: skipped when
// Chromium is missing, unless SSGK_BROWSER_TESTS=1 says it must be there (CI). Screenshots go
// to $SSGK_ARTIFACTS (the CI keeps .ci/artifacts), or to the test's temporary directory.
package browser

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// ChromiumPath is Debian's Chromium, installed with fonts-noto-cjk.
const ChromiumPath = "/usr/bin/chromium"

// Options tune Start.
type Options struct {
	// Offline blocks every host but the loopback address in the browser's resolver, as on a
	// county intranet without internet.
	Offline bool
	Width   int64 // initial window, default 1280×900
	Height  int64
	Timeout time.Duration // whole session, default 3 minutes
}

// Browser is one headless Chromium tab.
type Browser struct {
	Ctx context.Context
	t   testing.TB

	mu       sync.Mutex
	requests []string
}

// Start launches Chromium or skips the test.
func Start(t testing.TB, o Options) *Browser {
	t.Helper()
	if _, err := os.Stat(ChromiumPath); err != nil {
		if os.Getenv("SSGK_BROWSER_TESTS") == "1" {
			t.Fatalf("SSGK_BROWSER_TESTS=1 but %s is missing: %v", ChromiumPath, err)
		}
		t.Skipf("%s not installed (set SSGK_BROWSER_TESTS=1 to require it)", ChromiumPath)
	}
	if o.Width == 0 {
		o.Width, o.Height = 1280, 900
	}
	if o.Timeout == 0 {
		o.Timeout = 3 * time.Minute
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(ChromiumPath), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.WindowSize(int(o.Width), int(o.Height)), chromedp.Flag("lang", "zh-CN"))
	if o.Offline {
		// Every name resolves to nothing except the loopback address the test server listens
		// on; no proxy, no background traffic to Google's services.
		opts = append(opts,
			chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"),
			chromedp.Flag("no-proxy-server", true),
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true))
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf))
	ctx, cancelTimeout := context.WithTimeout(ctx, o.Timeout)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	b := &Browser{Ctx: ctx, t: t}
	// chromedp enables the Network domain on every tab; the listener starts the browser.
	if err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok {
			b.mu.Lock()
			b.requests = append(b.requests, e.Request.URL)
			b.mu.Unlock()
		}
	}); err != nil {
		t.Fatal(err)
	}
	return b
}

// Requests are the URLs the page has requested so far.
func (b *Browser) Requests() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.requests...)
}

// ForeignRequests are the requested URLs that are not under base (data: and blob: URLs are
// the page's own).
func (b *Browser) ForeignRequests(base string) []string {
	var out []string
	for _, u := range b.Requests() {
		if strings.HasPrefix(u, base) || strings.HasPrefix(u, "data:") || strings.HasPrefix(u, "blob:") {
			continue
		}
		out = append(out, u)
	}
	return out
}

// Do runs steps or fails the test.
func (b *Browser) Do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.Ctx, steps...); err != nil {
		b.t.Fatalf("browser, %s: %v", what, err)
	}
}

// Eval evaluates a JavaScript expression.
func Eval[T any](b *Browser, what, js string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.Ctx, chromedp.Evaluate[T](js))
	if err != nil {
		b.t.Fatalf("browser, %s: %v", what, err)
	}
	return v
}

// Wait polls a JavaScript predicate until it is truthy.
func (b *Browser) Wait(what, js string, timeout time.Duration) {
	b.t.Helper()
	// A form submit or a link navigates while the condition is polled: the page's execution
	// context goes away under the poll. Poll again in the new page until the time is up.
	deadline := time.Now().Add(timeout)
	for {
		_, err := chromedp.Run(b.Ctx, chromedp.Poll[chromedp.Void](js, chromedp.WithPollingTimeout(time.Until(deadline))))
		if err == nil {
			return
		}
		msg := err.Error()
		navigating := strings.Contains(msg, "navigated or closed") || strings.Contains(msg, "Cannot find context") ||
			strings.Contains(msg, "Execution context was destroyed")
		if !navigating || time.Now().After(deadline) {
			b.t.Fatalf("browser, waiting for %s: %v", what, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Artifacts is the directory screenshots are kept in.
func Artifacts(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("SSGK_ARTIFACTS")
	if dir == "" {
		dir = t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// Screenshot saves the viewport (full page when full) as name under Artifacts. A capture is
// retried: on a loaded machine the first capture of a fresh browser can stall on fonts.
func (b *Browser) Screenshot(name string, full bool) string {
	b.t.Helper()
	var png []byte
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		sctx, cancel := context.WithTimeout(b.Ctx, 30*time.Second)
		if full {
			png, err = chromedp.Run(sctx, chromedp.FullScreenshot(100))
		} else {
			png, err = chromedp.Run(sctx, chromedp.CaptureScreenshot())
		}
		cancel()
		if err == nil {
			break
		}
		b.t.Logf("screenshot %s, attempt %d: %v", name, attempt+1, err)
	}
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(Artifacts(b.t), name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	return path
}
