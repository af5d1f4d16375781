package apperr

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"

	"github.com/lib/pq"
	sqlite3 "modernc.org/sqlite/lib"
)

// Codes of failures of the database or the machine rather than of the request (issue 25). A
// request that fails with one of them wrote nothing; retrying it later is safe.
const (
	// Busy: the database is busy with other writers (SQLite's lock not granted within the busy
	// timeout, a PostgreSQL deadlock or serialisation failure, a lock timeout).
	Busy = "BUSY"
	// DiskFull: the database's disk (or the data directory's) is full.
	DiskFull = "DISK_FULL"
	// Deadline: the request took longer than its time limit, or its caller went away.
	Deadline = "DEADLINE"
)

// PostgreSQL SQLSTATE codes classified as faults (Appendix A of the PostgreSQL manual).
const (
	pgDeadlock           = "40P01"
	pgSerialization      = "40001"
	pgLockNotAvailable   = "55P03"
	pgDiskFull           = "53100"
	pgOutOfMemory        = "53200"
	pgTooManyConnections = "53300"
	pgQueryCanceled      = "57014"
	pgAdminShutdown      = "57P01"
	pgCrashShutdown      = "57P02"
	pgCannotConnectNow   = "57P03"
	pgReadOnlyTx         = "25006" // a standby, or a primary being demoted
)

// Fault classifies err as a failure of the database or the machine — BUSY, DISK_FULL,
// UNAVAILABLE or DEADLINE, each with a Chinese message — or returns nil when err is not one
// (a constraint violation, a validation error, a bug). It is the one place that reads driver
// errors of both databases; From calls it before falling back to INTERNAL.
func Fault(err error) *Error {
	if err == nil {
		return nil
	}
	if code := faultCode(err); code != "" {
		return Wrap(err, code, "%s", faultMessages[code])
	}
	return nil
}

// faultMessages are the messages of the fault codes: what happened and what to do.
var faultMessages = map[string]string{
	Busy:        "数据库正忙（其他修改正在写入），本次请求未保存任何内容，请稍后重试",
	DiskFull:    "服务器磁盘已满，本次修改未保存（已全部撤销）；请联系系统管理员清理磁盘后重试",
	Unavailable: "数据库暂时无法连接，本次请求未保存任何内容，请稍后重试",
	Deadline:    "请求超过时限或已被取消，本次修改未保存（已全部撤销），请稍后重试",
}

// IsFault reports whether code is one of the fault codes.
func IsFault(code string) bool {
	_, ok := faultMessages[code]
	return ok
}

// HTTPStatus is the HTTP status of a response whose error has code: 503 for a database that
// cannot serve now (with Retry-After), 507 for a full disk, 504 for a request over its time;
// 0 for every other code (the caller's own choice stands).
func HTTPStatus(code string) int {
	switch code {
	case Unavailable, Busy:
		return http.StatusServiceUnavailable
	case DiskFull:
		return http.StatusInsufficientStorage
	case Deadline:
		return http.StatusGatewayTimeout
	}
	return 0
}

func faultCode(err error) string {
	var pe *pq.Error
	if errors.As(err, &pe) {
		switch c := string(pe.Code); {
		case c == pgDeadlock, c == pgSerialization, c == pgLockNotAvailable:
			return Busy
		case c == pgDiskFull:
			return DiskFull
		case c == pgQueryCanceled:
			return Deadline
		case c == pgAdminShutdown, c == pgCrashShutdown, c == pgCannotConnectNow, c == pgTooManyConnections,
			c == pgOutOfMemory, c == pgReadOnlyTx, strings.HasPrefix(c, "08"): // class 08: connection exception
			return Unavailable
		}
		return ""
	}
	if c, ok := sqliteCode(err); ok {
		switch c & 0xff { // the primary result code
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return Busy
		case sqlite3.SQLITE_FULL:
			return DiskFull
		case sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_NOMEM:
			if errors.Is(err, syscall.ENOSPC) || c == sqlite3.SQLITE_IOERR_WRITE && strings.Contains(err.Error(), "no space") {
				return DiskFull
			}
			return Unavailable
		}
		return ""
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return Deadline
	case errors.Is(err, syscall.ENOSPC):
		return DiskFull
	case errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.Is(err, driver.ErrBadConn), errors.Is(err, sql.ErrConnDone), errors.Is(err, io.ErrUnexpectedEOF):
		return Unavailable
	}
	var ne net.Error
	if errors.As(err, &ne) {
		if ne.Timeout() {
			return Deadline
		}
		return Unavailable
	}
	// Some driver paths flatten the cause into text (e.g. "cannot create transaction: …").
	msg := err.Error()
	switch {
	case strings.Contains(msg, "database is locked"), strings.Contains(msg, "SQLITE_BUSY"),
		strings.Contains(msg, "database table is locked"):
		return Busy
	case strings.Contains(msg, "database or disk is full"), strings.Contains(msg, "SQLITE_FULL"),
		strings.Contains(msg, "no space left on device"):
		return DiskFull
	case strings.Contains(msg, "connection refused"), strings.Contains(msg, "connection reset by peer"),
		strings.Contains(msg, "broken pipe"), strings.Contains(msg, "the database system is shutting down"),
		strings.Contains(msg, "the database system is starting up"), strings.Contains(msg, "driver: bad connection"):
		return Unavailable
	case strings.Contains(msg, "context deadline exceeded"), strings.Contains(msg, "context canceled"):
		return Deadline
	}
	return ""
}
