package server

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/ledger"
	"github.com/ssgk/ssgk/internal/viewer"
)

// ledgerRoutes serve the transparency log (design.md §6) to anyone, without authentication:
//
//	GET /ledger/checkpoint                           latest signed checkpoint (+ public key)
//	GET /ledger/public-key                           the hub's Ed25519 public key (base64)
//	GET /ledger/leaves/{index}                       leaf, leaf hash and the publication's public payload
//	GET /ledger/proof/inclusion?index=&size=         inclusion proof (size: latest checkpoint if omitted)
//	GET /ledger/proof/consistency?first=&second=     consistency proof (second: latest checkpoint if omitted)
//
// Answers are JSON with an ETag; those fixed by their parameters are cacheable for a long time.
func (s *Server) ledgerRoutes(r chi.Router) {
	r.Get("/checkpoint", s.ledgerCheckpoint)
	r.Get("/public-key", s.ledgerPublicKey)
	r.Get("/leaves/{index}", s.ledgerLeaf)
	r.Get("/proof/inclusion", s.ledgerInclusion)
	r.Get("/proof/consistency", s.ledgerConsistency)
}

const (
	cacheImmutable = "public, max-age=31536000, immutable"
	cacheRevalid   = "public, no-cache"
)

// ledgerKey is the hub's checkpoint signing key, DataDir/ledger.key (created on first use).
func (s *Server) ledgerKey() (ed25519.PrivateKey, error) {
	k, err := s.db.Ledger.Key()
	if err != nil {
		return nil, apperr.Wrap(err, apperr.Internal, "透明日志签名密钥不可用")
	}
	return k, nil
}

func ledgerContext(r *http.Request) context.Context {
	return viewer.NewContext(r.Context(), viewer.NewSystem("portal ledger"))
}

func (s *Server) latestCheckpoint(ctx context.Context) (*ledger.SignedCheckpoint, error) {
	key, err := s.ledgerKey()
	if err != nil {
		return nil, err
	}
	return ledger.Checkpoint(ctx, s.db.Ledger.Client, key)
}

func (s *Server) ledgerCheckpoint(w http.ResponseWriter, r *http.Request) {
	cp, err := s.latestCheckpoint(ledgerContext(r))
	if err != nil {
		s.writeError(w, err)
		return
	}
	s.writeLedgerJSON(w, r, cp, cacheRevalid)
}

func (s *Server) ledgerPublicKey(w http.ResponseWriter, r *http.Request) {
	key, err := s.ledgerKey()
	if err != nil {
		s.writeError(w, err)
		return
	}
	pub := key.Public().(ed25519.PublicKey)
	s.writeLedgerJSON(w, r, map[string]string{"algorithm": "Ed25519", "keyId": ledger.KeyID(pub), "publicKey": ledger.EncodePublicKey(pub)}, cacheRevalid)
}

func (s *Server) ledgerLeaf(w http.ResponseWriter, r *http.Request) {
	index, err := strconv.ParseInt(chi.URLParam(r, "index"), 10, 64)
	if err != nil || index < 0 {
		s.writeError(w, apperr.New(apperr.NotFound, "叶子序号无效"))
		return
	}
	rec, err := ledger.GetRecord(ledgerContext(r), s.db.Client, index)
	if err != nil {
		s.writeError(w, err)
		return
	}
	s.writeLedgerJSON(w, r, rec, "public, max-age=3600")
}

// sizeParam reads an optional size parameter; when absent it is the latest checkpoint's size.
func (s *Server) sizeParam(ctx context.Context, r *http.Request, name string) (size int64, defaulted bool, err error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		cp, err := s.latestCheckpoint(ctx)
		if err != nil {
			return 0, false, err
		}
		return cp.Size, true, nil
	}
	size, err = strconv.ParseInt(v, 10, 64)
	if err != nil || size < 0 {
		return 0, false, apperr.New(apperr.Invalid, "参数 %s 应为非负整数", name)
	}
	return size, false, nil
}

func intParam(r *http.Request, name string) (int64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, apperr.New(apperr.Invalid, "缺少参数 %s", name)
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, apperr.New(apperr.Invalid, "参数 %s 应为非负整数", name)
	}
	return n, nil
}

func (s *Server) ledgerInclusion(w http.ResponseWriter, r *http.Request) {
	ctx := ledgerContext(r)
	index, err := intParam(r, "index")
	if err != nil {
		s.writeError(w, err)
		return
	}
	size, defaulted, err := s.sizeParam(ctx, r, "size")
	if err != nil {
		s.writeError(w, err)
		return
	}
	p, err := ledger.InclusionProof(ctx, s.db.Client, index, size)
	if err != nil {
		s.writeError(w, err)
		return
	}
	s.writeLedgerJSON(w, r, p, cacheFor(defaulted))
}

func (s *Server) ledgerConsistency(w http.ResponseWriter, r *http.Request) {
	ctx := ledgerContext(r)
	first, err := intParam(r, "first")
	if err != nil {
		s.writeError(w, err)
		return
	}
	second, defaulted, err := s.sizeParam(ctx, r, "second")
	if err != nil {
		s.writeError(w, err)
		return
	}
	p, err := ledger.ConsistencyProof(ctx, s.db.Client, first, second)
	if err != nil {
		s.writeError(w, err)
		return
	}
	s.writeLedgerJSON(w, r, p, cacheFor(defaulted))
}

func cacheFor(defaulted bool) string {
	if defaulted {
		return cacheRevalid
	}
	return cacheImmutable
}

// writeLedgerJSON writes v as JSON with a strong ETag, answering 304 to a matching If-None-Match.
func (s *Server) writeLedgerJSON(w http.ResponseWriter, r *http.Request, v any, cacheControl string) {
	body, err := json.Marshal(v)
	if err != nil {
		s.writeError(w, err)
		return
	}
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:16]) + `"`
	h := w.Header()
	h.Set("ETag", etag)
	h.Set("Cache-Control", cacheControl)
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Expose-Headers", "ETag")
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		for _, t := range strings.Split(inm, ",") {
			if t = strings.TrimSpace(t); t == etag || t == "W/"+etag || t == "*" {
				w.WriteHeader(http.StatusNotModified)
				return
			}
		}
	}
	h.Set("Content-Type", "application/json; charset=utf-8")
	_, _ = w.Write(append(body, '\n'))
}
