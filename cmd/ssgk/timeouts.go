package main

import (
	"fmt"
	"time"

	"github.com/ssgk/ssgk/internal/server"
)

// serveTimeouts reads WRITE_TIMEOUT (the longest a request may take to serve, 5m by default) and
// SHUTDOWN_TIMEOUT (how long a stopping hub lets requests in progress finish; by default the
// write timeout) into o.
func serveTimeouts(c *config, o *server.Options) error {
	for _, s := range []struct {
		key string
		dst *time.Duration
	}{{"WRITE_TIMEOUT", &o.WriteTimeout}, {"SHUTDOWN_TIMEOUT", &o.ShutdownTimeout}} {
		v := c.env(s.key, "")
		if v == "" {
			continue
		}
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return fmt.Errorf("%s=%q 不是有效的时长（如 5m、90s）", s.key, v)
		}
		*s.dst = d
	}
	return nil
}
