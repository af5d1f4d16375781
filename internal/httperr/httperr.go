// Package httperr is the JSON error of the hub's plain HTTP endpoints (files, exports, the
// transparency log, draw bundles, the portal's open data): the envelope
//
//	{"error":{"code":"NOT_FOUND","message":"…"}}
//
// with the HTTP status of its code, written by Write and read back by Parse (the verifiers'
// clients). GraphQL errors have their own envelope (internal/server/gate.go).
package httperr

import (
	"encoding/json"
	"net/http"

	"github.com/ssgk/ssgk/internal/apperr"
)

// Envelope is the body of an error response.
type Envelope struct {
	Error Body `json:"error"`
}

// Body is the error itself: its code (internal/apperr) and Chinese message.
type Body struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Status is the HTTP status of an error code: a fault has the status apperr.HTTPStatus gives it
// (503 BUSY and UNAVAILABLE, 507 DISK_FULL, 504 DEADLINE), then 401 for UNAUTHENTICATED, 403 for FORBIDDEN, 404
// for NOT_FOUND, 500 for INTERNAL and 400 for every other code.
func Status(code string) int {
	if s := apperr.HTTPStatus(code); s != 0 {
		return s // a fault of the database or the machine: the one table GraphQL answers with too
	}
	switch code {
	case apperr.Unauthenticated:
		return http.StatusUnauthorized
	case apperr.Forbidden:
		return http.StatusForbidden
	case apperr.NotFound:
		return http.StatusNotFound
	case apperr.Internal:
		return http.StatusInternalServerError
	}
	return http.StatusBadRequest
}

// Write writes the envelope with the given status; errors are never cached. encoding/json
// escapes <, > and &, so a value echoed in the message stays text.
func Write(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(Envelope{Error: Body{Code: code, Message: message}})
}

// WriteError writes err (apperr.From) with the status of its code.
func WriteError(w http.ResponseWriter, err error) {
	ae := apperr.From(err)
	Write(w, Status(ae.Code), ae.Code, ae.Message)
}

// Parse reads the envelope from the body of an error response; ok is false when the body is
// not one (a proxy's page, an empty body).
func Parse(body []byte) (b Body, ok bool) {
	var e Envelope
	if json.Unmarshal(body, &e) != nil || e.Error.Code == "" {
		return Body{}, false
	}
	return e.Error, true
}
