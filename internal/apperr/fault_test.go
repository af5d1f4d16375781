package apperr

import (
	"context"
	"errors"
	"fmt"
	"net"
	"syscall"
	"testing"

	"github.com/lib/pq"
)

func TestFault(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want string
	}{
		{"pg deadlock", &pq.Error{Code: "40P01"}, Busy},
		{"pg serialisation", fmt.Errorf("ent: %w", &pq.Error{Code: "40001"}), Busy},
		{"pg disk full", &pq.Error{Code: "53100"}, DiskFull},
		{"pg admin shutdown", &pq.Error{Code: "57P01"}, Unavailable},
		{"pg cannot connect now", &pq.Error{Code: "57P03"}, Unavailable},
		{"pg connection failure", &pq.Error{Code: "08006"}, Unavailable},
		{"pg statement timeout", &pq.Error{Code: "57014"}, Deadline},
		{"pg unique violation is no fault", &pq.Error{Code: "23505"}, ""},
		{"refused", &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}, Unavailable},
		{"reset", fmt.Errorf("read: %w", syscall.ECONNRESET), Unavailable},
		{"deadline", fmt.Errorf("query: %w", context.DeadlineExceeded), Deadline},
		{"no space", fmt.Errorf("write evidence: %w", syscall.ENOSPC), DiskFull},
		{"sqlite busy text", errors.New("cannot create transaction: database is locked (5) (SQLITE_BUSY)"), Busy},
		{"sqlite full text", errors.New("database or disk is full (13)"), DiskFull},
		{"a bug", errors.New("nil pointer"), ""},
	}
	for _, c := range cases {
		got := ""
		if f := Fault(c.err); f != nil {
			got = f.Code
			if f.Message == "" {
				t.Errorf("%s: no message", c.name)
			}
		}
		if got != c.want {
			t.Errorf("%s: Fault = %q, want %q", c.name, got, c.want)
		}
		if c.want != "" && From(c.err).Code != c.want {
			t.Errorf("%s: From = %q, want %q", c.name, From(c.err).Code, c.want)
		}
	}
}
