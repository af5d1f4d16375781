package server

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"strings"

	"github.com/ssgk/ssgk/internal/apperr"
)

// writeJSONError is the one JSON error body of the hub's HTTP edge: a code and a Chinese
// message, encoded by encoding/json (which escapes <, > and &, so input echoed in a message
// cannot become markup). The request ID, already set on the response by the requestID
// middleware, goes into the extensions too, so that a caller can quote it.
func writeJSONError(w http.ResponseWriter, status int, code, message string) {
	ext := map[string]any{"code": code}
	if id := w.Header().Get(RequestIDHeader); id != "" {
		ext["requestId"] = id
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"errors": []any{map[string]any{
		"message": message, "extensions": ext}}})
}

// gate bounds a GraphQL HTTP request before gqlgen reads it: the body's size (separate limits
// for JSON and for file uploads), one operation per request (a JSON array — a batch — is
// refused), a JSON object nested no deeper than the variables may be, and JSON that decodes at
// all — so that the transport's own error, which quotes the whole body, is never produced.
// Any other error the transports write without a code gets one.
func (s *Server) gate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Upgrade") != "" {
			next.ServeHTTP(w, r)
			return
		}
		if r.Method != http.MethodPost {
			serveCoded(next, w, r)
			return
		}
		mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		switch mediaType {
		case "multipart/form-data":
			limit := s.opts.MaxUploadBytes
			if r.ContentLength < 0 {
				writeJSONError(w, http.StatusLengthRequired, apperr.BadRequest, "上传文件的请求须带 Content-Length 头")
				return
			}
			if r.ContentLength > limit {
				writeJSONError(w, http.StatusRequestEntityTooLarge, apperr.UploadTooLarge,
					fmt.Sprintf("上传的文件过大：请求 %s，上限 %s（设置 UPLOAD_MAX_SIZE）", formatSize(r.ContentLength), formatSize(limit)))
				return
			}
		case "application/json":
			body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.opts.MaxBodyBytes))
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				writeJSONError(w, http.StatusRequestEntityTooLarge, apperr.RequestTooLarge,
					fmt.Sprintf("请求体超过上限 %s（设置 GRAPHQL_MAX_BODY）；上传文件请用 multipart 请求", formatSize(s.opts.MaxBodyBytes)))
				return
			}
			if err != nil {
				writeJSONError(w, http.StatusBadRequest, apperr.BadRequest, "读取请求体失败")
				return
			}
			if code, msg := checkJSONBody(body, s.opts.Limits.MaxVarDepth+2); code != "" {
				writeJSONError(w, http.StatusBadRequest, code, msg)
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		serveCoded(next, w, r)
	})
}

// serveCoded serves r so that an error response a transport writes without extensions.code (a
// malformed multipart upload, a GET without a query…) goes out with BAD_REQUEST and a Chinese
// lead; responses with a code, and all successful ones, pass through untouched.
func serveCoded(next http.Handler, w http.ResponseWriter, r *http.Request) {
	e := &errorRewriter{ResponseWriter: w}
	next.ServeHTTP(e, r)
	e.finish()
}

// checkJSONBody returns a code and message for a body gqlgen's POST transport would fail on.
func checkJSONBody(body []byte, maxDepth int) (string, string) {
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	switch {
	case len(trimmed) == 0:
		return apperr.BadRequest, "请求体为空：应为 JSON 对象 {\"query\": …, \"variables\": …}"
	case trimmed[0] == '[':
		return apperr.BatchNotSupported, "不支持批量请求（JSON 数组）：每个请求只能包含一个操作，请逐个发送"
	case trimmed[0] != '{':
		return apperr.BadRequest, "请求体应为 JSON 对象 {\"query\": …, \"variables\": …}"
	}
	if d := jsonDepth(trimmed); d > maxDepth {
		return apperr.Invalid, fmt.Sprintf("请求体 JSON 嵌套超过 %d 层", maxDepth)
	}
	var shape struct {
		Query         string         `json:"query"`
		OperationName string         `json:"operationName"`
		Variables     map[string]any `json:"variables"`
		Extensions    map[string]any `json:"extensions"`
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.UseNumber()
	if err := dec.Decode(&shape); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return apperr.BadRequest, fmt.Sprintf("请求体字段“%s”的类型不对：应为 %s", te.Field, jsonKind(te.Type.Kind().String()))
		}
		return apperr.BadRequest, "请求体不是有效的 JSON"
	}
	return "", ""
}

func jsonKind(k string) string {
	switch k {
	case "string":
		return "字符串"
	case "map":
		return "对象"
	}
	return k
}

// jsonDepth is the deepest nesting of objects and arrays in a JSON text (strings skipped), read
// without decoding: a 5,000-level variable is refused before any decoder recurses into it.
func jsonDepth(b []byte) int {
	depth, deepest, inString := 0, 0, false
	for i := 0; i < len(b); i++ {
		c := b[i]
		if inString {
			switch c {
			case '\\':
				i++
			case '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '{', '[':
			depth++
			deepest = max(deepest, depth)
		case '}', ']':
			depth--
		}
	}
	return deepest
}

func formatSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d 字节", n)
}

type errorRewriter struct {
	http.ResponseWriter
	status    int
	buf       *bytes.Buffer // the body of an error response, held until Flush
	finalized bool
}

func (e *errorRewriter) WriteHeader(code int) {
	if e.status != 0 {
		return // gqlgen's POST transport may set the status twice
	}
	e.status = code
	if code >= 400 {
		e.buf = &bytes.Buffer{}
		return
	}
	e.ResponseWriter.WriteHeader(code)
}

func (e *errorRewriter) Write(p []byte) (int, error) {
	if e.status == 0 {
		e.WriteHeader(http.StatusOK)
	}
	if e.buf != nil {
		if e.buf.Len()+len(p) > 1<<20 {
			return 0, errors.New("server: error response too large")
		}
		return e.buf.Write(p)
	}
	return e.ResponseWriter.Write(p)
}

// Unwrap gives http.ResponseController the underlying writer.
func (e *errorRewriter) Unwrap() http.ResponseWriter { return e.ResponseWriter }

// Hijack is never used here (upgrades are not wrapped) but keeps the interface of the writer.
func (e *errorRewriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	h, ok := e.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("server: the response writer cannot be hijacked")
	}
	return h.Hijack()
}

// finish writes a held error response, coded.
func (e *errorRewriter) finish() {
	if e.buf == nil || e.finalized {
		return
	}
	e.finalized = true
	var resp struct {
		Errors []struct {
			Message    string         `json:"message"`
			Extensions map[string]any `json:"extensions"`
		} `json:"errors"`
	}
	body := e.buf.Bytes()
	if json.Unmarshal(body, &resp) == nil && len(resp.Errors) > 0 {
		coded := true
		for _, er := range resp.Errors {
			if er.Extensions["code"] == nil {
				coded = false
			}
		}
		if coded {
			e.ResponseWriter.WriteHeader(e.status)
			_, _ = e.ResponseWriter.Write(body)
			return
		}
		msg := resp.Errors[0].Message
		if i := strings.Index(msg, " body:"); i >= 0 {
			msg = msg[:i] // never echo a request body
		}
		writeJSONError(e.ResponseWriter, e.status, apperr.BadRequest, "请求格式错误："+msg)
		return
	}
	writeJSONError(e.ResponseWriter, e.status, apperr.BadRequest, "请求格式错误")
}
