package httperr

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/ssgk/ssgk/internal/apperr"
)

func TestWriteParse(t *testing.T) {
	for _, c := range []struct {
		err    error
		status int
	}{
		{apperr.New(apperr.NotFound, "叶子序号无效"), http.StatusNotFound},
		{apperr.New(apperr.Forbidden, "无权"), http.StatusForbidden},
		{apperr.New(apperr.Unauthenticated, "请先登录"), http.StatusUnauthorized},
		{apperr.New(apperr.Internal, "内部"), http.StatusInternalServerError},
		{apperr.New("LEDGER_SIZE_OUT_OF_RANGE", "超出 <日志> & 范围"), http.StatusBadRequest},
	} {
		rec := httptest.NewRecorder()
		WriteError(rec, c.err)
		if rec.Code != c.status {
			t.Errorf("%v: status %d, want %d", c.err, rec.Code, c.status)
		}
		if ct, cc := rec.Header().Get("Content-Type"), rec.Header().Get("Cache-Control"); ct != "application/json; charset=utf-8" || cc != "no-store" {
			t.Errorf("%v: Content-Type %q, Cache-Control %q", c.err, ct, cc)
		}
		ae := apperr.From(c.err)
		b, ok := Parse(rec.Body.Bytes())
		if !ok || b.Code != ae.Code || b.Message != ae.Message {
			t.Errorf("%v: parsed %+v (%v) from %s", c.err, b, ok, rec.Body.String())
		}
	}
	rec := httptest.NewRecorder()
	Write(rec, http.StatusBadRequest, apperr.Invalid, "<script>")
	if got := rec.Body.String(); got != `{"error":{"code":"`+apperr.Invalid+`","message":"\u003cscript\u003e"}}`+"\n" {
		t.Errorf("body %s", got)
	}
	for _, body := range []string{"", "<html>502 Bad Gateway</html>", `{"error":{}}`, `{"errors":[{"message":"x"}]}`} {
		if _, ok := Parse([]byte(body)); ok {
			t.Errorf("Parse(%q) took it for an error envelope", body)
		}
	}
}

// A file endpoint or the portal answers a database fault as GraphQL does: the client is told to
// retry later (503), that the disk is full (507) or that the database timed out (504), never
// that its request was bad (400).
func TestStatus_FaultsAreNotBadRequests(t *testing.T) {
	for code, want := range map[string]int{
		apperr.Busy: http.StatusServiceUnavailable, apperr.Unavailable: http.StatusServiceUnavailable,
		apperr.DiskFull: http.StatusInsufficientStorage, apperr.Deadline: http.StatusGatewayTimeout,
		apperr.Unauthenticated: http.StatusUnauthorized, apperr.Forbidden: http.StatusForbidden,
		apperr.NotFound: http.StatusNotFound, apperr.Internal: http.StatusInternalServerError,
		"BAD_YEAR": http.StatusBadRequest,
	} {
		if got := Status(code); got != want {
			t.Errorf("Status(%s) = %d, want %d", code, got, want)
		}
	}
}
