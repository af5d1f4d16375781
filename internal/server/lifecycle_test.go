package server_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/ssgk/ssgk/internal/server"
	"github.com/ssgk/ssgk/internal/testutil"
)

// TestServe_DrainsOnShutdown: a request in progress when the hub is told to stop is completed
// within the drain time, and the stop is clean; one longer than the drain time is cut off, and
// the stop is still clean (nil, exit status 0).
func TestServe_DrainsOnShutdown(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name      string
		work      time.Duration
		drain     time.Duration
		completes bool
	}{
		{"within the drain time", 800 * time.Millisecond, 5 * time.Second, true},
		{"longer than the drain time", 3 * time.Second, 300 * time.Millisecond, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			started := make(chan struct{})
			srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				close(started)
				time.Sleep(c.work)
				_, _ = io.WriteString(w, "done")
			})}
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			ctx, stop := context.WithCancel(context.Background())
			served := make(chan error, 1)
			go func() { served <- server.Serve(ctx, srv, ln, c.drain, testutil.Logger()) }()
			got := make(chan string, 1)
			go func() {
				resp, err := http.Get("http://" + ln.Addr().String() + "/")
				if err != nil {
					got <- "error: " + err.Error()
					return
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				got <- string(b)
			}()
			<-started
			stop() // SIGTERM
			if err := <-served; err != nil {
				t.Fatalf("Serve = %v, want a clean stop", err)
			}
			body := <-got
			if (body == "done") != c.completes {
				t.Fatalf("response %q; completes = %v", body, c.completes)
			}
		})
	}
}

// TestServe_DrainMatchesWriteTimeout: by default the hub drains as long as it lets a request run.
func TestServe_DrainMatchesWriteTimeout(t *testing.T) {
	t.Parallel()
	h := newTestHubWith(t, func(o *server.Options) { o.WriteTimeout = 7 * time.Minute })
	if got := h.server.ShutdownTimeout(); got != 7*time.Minute {
		t.Fatalf("ShutdownTimeout = %v, want the write timeout 7m", got)
	}
	if got := h.server.HTTPServer().WriteTimeout; got != 7*time.Minute {
		t.Fatalf("WriteTimeout = %v", got)
	}
}
