package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/viewer"
)

// drawBundle serves the verification bundle of a revealed draw to anyone: after the reveal the
// bundle is public (design.md §4.7), and `ssgk draw verify` checks it offline.
func (s *Server) drawBundle(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.Atoi(chi.URLParam(r, "id"))
	if err != nil {
		s.writeError(w, apperr.New(apperr.NotFound, "抽取编号无效"))
		return
	}
	ctx := viewer.NewContext(r.Context(), viewer.NewSystem("portal"))
	b, err := s.drawer.Bundle(ctx, id)
	if err != nil {
		s.writeError(w, err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=\"draw-%d-bundle.json\"", id))
	w.Header().Set("Cache-Control", "public, max-age=3600")
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	if err := enc.Encode(b); err != nil {
		s.log.Error("write bundle", "err", err)
	}
}
