package server

import (
	"context"
	"database/sql"
	"sync"
)

// healthConn is a database connection kept for /healthz alone: when a burst of requests holds
// every pooled connection (sixteen logins waiting for SQLite's writer, say), the health check
// still answers at once instead of queueing behind them — the hub is alive, only busy.
type healthConn struct {
	mu   sync.Mutex
	conn *sql.Conn
}

// pingDatabase pings the database on the health connection, opening (or reopening) it as
// needed.
func (s *Server) pingDatabase(ctx context.Context) error {
	h := &s.health
	h.mu.Lock()
	defer h.mu.Unlock()
	for attempt := 0; attempt < 2; attempt++ {
		if h.conn == nil {
			c, err := s.db.SQL.Conn(ctx)
			if err != nil {
				return err
			}
			h.conn = c
		}
		err := h.conn.PingContext(ctx)
		if err == nil {
			return nil
		}
		_ = h.conn.Close() // a broken connection: try a fresh one once
		h.conn = nil
		if attempt == 1 || ctx.Err() != nil {
			return err
		}
	}
	return nil
}
