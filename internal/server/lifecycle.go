package server

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// DefaultWriteTimeout bounds the time to serve one request (WRITE_TIMEOUT): a large import or
// export must fit in it.
const DefaultWriteTimeout = 5 * time.Minute

// HTTPServer is the hub's http.Server with its timeouts: headers within 10 s, a body within
// 2 min, a response within Options.WriteTimeout.
func (s *Server) HTTPServer() *http.Server {
	return &http.Server{
		Handler:           s,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      s.opts.WriteTimeout,
		IdleTimeout:       2 * time.Minute,
	}
}

// ShutdownTimeout is how long Serve lets requests in progress finish once asked to stop.
func (s *Server) ShutdownTimeout() time.Duration { return s.opts.ShutdownTimeout }

// Serve serves srv on ln until ctx ends, then shuts down gracefully: it stops accepting, lets
// the requests in progress finish for up to drain (SHUTDOWN_TIMEOUT, by default the write
// timeout, so that any request the server would have completed is completed), and then closes
// what is left — such a request's transaction rolls back, and the stop is still a clean one
// (nil: exit status 0). A failure of the listener is returned.
func Serve(ctx context.Context, srv *http.Server, ln net.Listener, drain time.Duration, log *slog.Logger) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests in progress", "drain", drain.String())
	start := time.Now()
	sctx, cancel := context.WithTimeout(context.Background(), drain)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		log.Warn("requests still in progress after the drain time were cut off; their changes rolled back",
			"drain", drain.String(), "err", err)
		_ = srv.Close()
		return nil
	}
	log.Info("shut down", "took", time.Since(start).Round(time.Millisecond).String())
	return nil
}
