package server

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"

	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/stats"
	"github.com/ssgk/ssgk/internal/viewer"
)

// dutyRecords serves the inspectors' duty records of a year as XLSX: the office sees every
// department, a department its own (the rule is in stats.DutyRecords).
func (s *Server) dutyRecords(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if viewer.FromContext(ctx).IsAnonymous() {
		s.writeError(w, apperr.New(apperr.Unauthenticated, "请先登录或使用接口令牌"))
		return
	}
	year, err := strconv.Atoi(r.URL.Query().Get("year"))
	if err != nil {
		s.writeError(w, apperr.New(apperr.Invalid, "请用 year 参数指定年度，如 ?year=2026"))
		return
	}
	dep := 0
	if d := r.URL.Query().Get("departmentID"); d != "" {
		if dep, err = strconv.Atoi(d); err != nil {
			s.writeError(w, apperr.New(apperr.Invalid, "departmentID 参数无效"))
			return
		}
	}
	recs, err := stats.DutyRecords(ctx, s.db.Client, year, dep)
	if err != nil {
		s.writeError(w, err)
		return
	}
	var buf bytes.Buffer
	if err := stats.WriteDutyRecordsXLSX(&buf, year, recs); err != nil {
		s.writeError(w, err)
		return
	}
	attachment(w, fmt.Sprintf("执法检查人员履职记录-%d.xlsx", year))
	_, _ = w.Write(buf.Bytes())
}
