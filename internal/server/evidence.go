package server

import (
	"errors"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/evidence"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/results"
	"github.com/ssgk/ssgk/internal/sharing"
	"github.com/ssgk/ssgk/internal/viewer"
)

// evidenceFields are the fields of an evidence record a download hands out: the bytes stand
// for the digest, and the name and type come with them.
var evidenceFields = []string{evidence.FieldSha256, evidence.FieldFileName, evidence.FieldContentType, evidence.FieldSize}

// evidenceFile serves GET /evidence/{id}: the file of an evidence record, under the same read
// rule as the record's fields in GraphQL (conditional sharing, group "evidence": the owning
// department, or another with an approved grant). A cross-department download is written to the
// access log before a byte goes out; a refused one gets FORBIDDEN, an invisible one NOT_FOUND.
func (s *Server) evidenceFile(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := viewer.FromContext(ctx)
	if v.IsAnonymous() {
		s.writeError(w, apperr.New(apperr.Unauthenticated, "请先登录或使用部门接口令牌后再下载证据材料"))
		return
	}
	id, err := strconv.Atoi(chi.URLParam(r, "id"))
	if err != nil {
		s.writeError(w, apperr.New(apperr.NotFound, "证据材料不存在"))
		return
	}
	e, err := s.db.Client.Evidence.Get(ctx, id)
	if ent.IsNotFound(err) {
		s.writeError(w, apperr.New(apperr.NotFound, "证据材料不存在"))
		return
	} else if err != nil {
		s.writeError(w, err)
		return
	}
	sr := sharing.NewReader(s.db.Client, v)
	if err := sr.Prefetch(ctx, ent.TypeEvidence, []int{e.ID}); err != nil {
		s.writeError(w, err)
		return
	}
	refused, err := sr.Refused(ctx, ent.TypeEvidence, e, evidenceFields...)
	if err != nil {
		s.writeError(w, err)
		return
	}
	if len(refused) > 0 {
		s.writeError(w, apperr.New(apperr.Forbidden, "证据材料属有条件共享数据：须为录入结果的部门，或持有经批准的共享申请（证据材料）"))
		return
	}
	f, err := os.Open(results.EvidencePath(s.db.DataDir, e.Sha256))
	if errors.Is(err, fs.ErrNotExist) {
		s.writeError(w, apperr.New(apperr.NotFound, "证据文件缺失，请联系运维人员"))
		return
	} else if err != nil {
		s.writeError(w, err)
		return
	}
	defer f.Close()
	if err := sr.Flush(ctx); err != nil {
		s.writeError(w, err)
		return
	}
	w.Header().Set("Content-Type", e.ContentType)
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(e.FileName))
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	http.ServeContent(w, r, "", e.CreatedAt, f)
}
