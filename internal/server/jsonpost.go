package server

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// postJSON serves GraphQL over POST with a JSON body as gqlgen's transport.POST does — the same
// content types, status codes and error responses — but writes each response itself (writeResponse).
// transport.POST hands the response to encoding/json, which validates and compacts the data a
// second time, byte by byte, after the executor has written it: a fifth of the hub's CPU on a
// read of 100 records (bench/README.md).
type postJSON struct{ transport.POST }

var _ graphql.Transport = postJSON{}

const (
	contentTypeJSON            = "application/json"
	contentTypeGraphQLResponse = "application/graphql-response+json"
)

// Do implements graphql.Transport.
func (postJSON) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	ctx := r.Context()
	contentType := responseContentType(r.Header.Get("Accept"))
	w.Header().Set("Content-Type", contentType)
	start := graphql.Now()
	body, err := io.ReadAll(r.Body)
	if err != nil {
		writeResponse(w, exec.DispatchError(ctx, gqlerror.List{gqlerror.Errorf("could not read request body: %+v", err)}))
		return
	}
	params := &graphql.RawParams{}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(params); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		writeResponse(w, exec.DispatchError(ctx, gqlerror.List{gqlerror.Errorf("json request body could not be decoded: %+v body:%s", err, body)}))
		return
	}
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}
	rc, opErr := exec.CreateOperationContext(ctx, params)
	if opErr != nil {
		w.WriteHeader(operationErrorStatus(contentType, opErr))
		writeResponse(w, exec.DispatchError(graphql.WithOperationContext(ctx, rc), opErr))
		return
	}
	responses, ctx := exec.DispatchOperation(ctx, rc)
	writeResponse(w, responses(ctx))
}

// responseContentType is the content type of the answer to a request that accepts accept: the
// first of application/json and application/graphql-response+json it names, application/json
// for any or none, else application/graphql-response+json (as transport.POST).
func responseContentType(accept string) string {
	if accept == "" {
		return contentTypeJSON
	}
	for part := range strings.SplitSeq(accept, ",") {
		mediaType, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch mediaType {
		case "*/*", "application/*", contentTypeJSON:
			return contentTypeJSON
		case contentTypeGraphQLResponse:
			return contentTypeGraphQLResponse
		}
	}
	return contentTypeGraphQLResponse
}

// operationErrorStatus is the status of a request whose operation cannot run (it does not
// parse or validate): 422 for application/json, 400 for application/graphql-response+json, 200
// for other failures.
func operationErrorStatus(contentType string, errs gqlerror.List) int {
	if errcode.GetErrorKind(errs) != errcode.KindProtocol {
		return http.StatusOK
	}
	if contentType == contentTypeGraphQLResponse {
		return http.StatusBadRequest
	}
	return http.StatusUnprocessableEntity
}

// writeResponse writes resp as encoding/json would — the same members in the same order, the
// same bytes — but copies the data, which the executor has written as compact JSON already,
// rather than parsing it again: only <, >, & and U+2028/U+2029 are escaped in it, as
// encoding/json escapes them, and only when there are any.
func writeResponse(w io.Writer, resp *graphql.Response) {
	if resp == nil {
		resp = &graphql.Response{}
	}
	var b bytes.Buffer
	b.Grow(len(resp.Data) + 64)
	b.WriteByte('{')
	if len(resp.Errors) > 0 {
		b.WriteString(`"errors":`)
		writeJSONValue(&b, resp.Errors)
		b.WriteByte(',')
	}
	b.WriteString(`"data":`)
	switch {
	case len(resp.Data) == 0:
		b.WriteString("null")
	case needsHTMLEscape(resp.Data):
		json.HTMLEscape(&b, resp.Data)
	default:
		b.Write(resp.Data)
	}
	if resp.Label != "" {
		b.WriteString(`,"label":`)
		writeJSONValue(&b, resp.Label)
	}
	if len(resp.Path) > 0 {
		b.WriteString(`,"path":`)
		writeJSONValue(&b, resp.Path)
	}
	if resp.HasNext != nil {
		b.WriteString(`,"hasNext":`)
		writeJSONValue(&b, resp.HasNext)
	}
	if len(resp.Extensions) > 0 {
		b.WriteString(`,"extensions":`)
		writeJSONValue(&b, resp.Extensions)
	}
	b.WriteByte('}')
	_, _ = w.Write(b.Bytes())
}

// writeJSONValue appends v as encoding/json encodes it (a value that cannot be encoded becomes
// null rather than a broken document).
func writeJSONValue(b *bytes.Buffer, v any) {
	enc, err := json.Marshal(v)
	if err != nil {
		b.WriteString("null")
		return
	}
	b.Write(enc)
}

var lineSep, paraSep = []byte("\u2028"), []byte("\u2029")

// needsHTMLEscape reports whether data holds a byte encoding/json would escape in it.
func needsHTMLEscape(data []byte) bool {
	return bytes.IndexAny(data, "<>&") >= 0 || bytes.Contains(data, lineSep) || bytes.Contains(data, paraSep)
}
