// Package portal is the public portal (公示门户) of the hub: published item lists, plans, task
// announcements with their draws, results and corrections, each enterprise's published history,
// how to verify a draw and a publication, and open data (CSV and JSON). Pages are rendered on
// the server in Simplified Chinese from the publications' public payloads; they need no
// JavaScript and load nothing from elsewhere. Every read goes through data.go.
package portal

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/ssgk/ssgk/internal/calendar"
	"github.com/ssgk/ssgk/internal/clock"
	"github.com/ssgk/ssgk/internal/httperr"
	"github.com/ssgk/ssgk/internal/hub"
	"github.com/ssgk/ssgk/internal/logging"
	"github.com/ssgk/ssgk/internal/settings"
)

//go:embed templates/*.html
var templateFS embed.FS

// version is part of every ETag, so that a new release of the portal is not answered from
// caches filled by the previous one.
const version = "portal/2"

// pageSize is the number of results or tasks per page.
const pageSize = 20

type handler struct {
	d     *data
	pages map[string]*template.Template
	log   *slog.Logger
	site  *siteCache
	// dataDir holds the hub's ledger key, whose public half /verify shows.
	dataDir string
}

// Option configures the portal.
type Option func(*handler)

// WithLogger makes the portal log through l instead of the hub's logger.
func WithLogger(l *slog.Logger) Option { return func(h *handler) { h.log = l } }

// Handler serves the portal. Mount it at "/"; the hub's other routes (GraphQL, draws, ledger…)
// are matched before it.
func Handler(hb *hub.Hub, opts ...Option) http.Handler {
	h := &handler{d: &data{client: hb.Client}, log: hb.Log, pages: map[string]*template.Template{},
		site: &siteCache{client: hb.Client}, dataDir: hb.DataDir}
	for _, o := range opts {
		o(h)
	}
	pages, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		panic(err)
	}
	for _, p := range pages {
		name := strings.TrimSuffix(strings.TrimPrefix(p, "templates/"), ".html")
		if name == "layout" {
			continue
		}
		h.pages[name] = template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", p))
	}
	r := chi.NewRouter()
	// Pages, open data and the dictionary are text: compressed for visitors on slow links.
	r.Use(middleware.GetHead, middleware.Compress(5, "text/html", "text/csv", "application/json", "text/plain", "image/svg+xml"))
	r.Get("/", h.cached(h.home))
	r.Get("/lists", h.cached(h.lists))
	r.Get("/lists/{id}", h.cached(h.listVersion))
	r.Get("/plans", h.cached(h.plans))
	r.Get("/tasks", h.cached(h.tasks))
	r.Get("/tasks/{number}", h.cached(h.taskPage))
	r.Get("/results", h.cached(h.results))
	r.Get("/enterprises/{uscc}", h.cached(h.enterprise))
	r.Get("/verify", h.cached(h.verify))
	r.Get("/open", h.cached(h.open))
	r.Get("/open/results.{format}", h.cached(h.openResults))
	r.Get("/open/tasks.{format}", h.cached(h.openTasks))
	r.Get("/open/dictionary", h.cached(h.dictionary))
	r.Get("/glossary", h.cached(h.glossary))
	r.Get("/stats", h.statistics)
	r.Get("/favicon.ico", favicon)
	r.Get("/favicon.svg", favicon)
	r.NotFound(func(w http.ResponseWriter, r *http.Request) {
		h.fail(w, r, notFound("页面不存在：%s", r.URL.Path))
	})
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		h.fail(w, r, &pageError{Status: http.StatusMethodNotAllowed, Code: "METHOD_NOT_ALLOWED", Message: "公示网站只提供查阅，不接受提交"})
	})
	// The pages are of the hub's business date: its clock goes into every request's context.
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.ServeHTTP(w, req.WithContext(hb.Context(req.Context())))
	})
}

var funcs = template.FuncMap{
	"join": strings.Join,
	"inc":  func(i int) int { return i + 1 },
	"pathEscape": func(s string) string {
		return strings.ReplaceAll(template.URLQueryEscaper(s), "+", "%20")
	},
}

// pageError is an error the visitor caused or can act on; it is shown with its code.
type pageError struct {
	Status  int
	Code    string
	Message string
}

func (e *pageError) Error() string { return e.Code + ": " + e.Message }

func notFound(format string, a ...any) *pageError {
	return &pageError{Status: http.StatusNotFound, Code: "NOT_FOUND", Message: fmt.Sprintf(format, a...)}
}

func badRequest(code, format string, a ...any) *pageError {
	return &pageError{Status: http.StatusBadRequest, Code: code, Message: fmt.Sprintf(format, a...)}
}

// view is what every page template gets.
type view struct {
	Title   string
	Section string // the navigation entry to highlight
	D       any
	// Filled by render: the site identity for the header and footer, and the request ID.
	Site      settings.Site
	RequestID string
}

type pageFunc func(w http.ResponseWriter, r *http.Request, st stamp) error

// cached answers conditional requests: the ETag is a hash of the state of the published
// record (stamp), the path and the query; Last-Modified is when the newest publication was
// stored. Published records only ever grow, so an unchanged stamp means an unchanged page.
func (h *handler) cached(fn pageFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		st, err := h.d.stamp(r.Context())
		if err != nil {
			h.fail(w, r, err)
			return
		}
		site, err := h.site.get(r.Context())
		if err != nil {
			h.fail(w, r, err)
			return
		}
		// The business date is part of the ETag: what is current (a list version reaching its
		// effective date) changes with the date, not only with new publications.
		today := calendar.DateOf(clock.Now(r.Context())).Format(time.DateOnly)
		sum := sha256.Sum256([]byte(fmt.Sprintf("%s|%d|%d|%d|%s|%s|%s|%s", version, st.LatestID, st.LedgerIndex, st.CheckpointID, r.URL.Path, r.URL.RawQuery, site.hash, today)))
		etag := `"` + hex.EncodeToString(sum[:16]) + `"`
		w.Header().Set("ETag", etag)
		w.Header().Set("Cache-Control", "public, no-cache")
		if !st.LatestAt.IsZero() {
			w.Header().Set("Last-Modified", st.LatestAt.UTC().Format(http.TimeFormat))
		}
		if notModified(r, etag, st.LatestAt) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		if err := fn(w, r, st); err != nil {
			h.fail(w, r, err)
		}
	}
}

// notModified applies RFC 9110 §13.1: If-None-Match wins over If-Modified-Since.
func notModified(r *http.Request, etag string, modified time.Time) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		for _, t := range strings.Split(inm, ",") {
			t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
			if t == etag || t == "*" {
				return true
			}
		}
		return false
	}
	if ims := r.Header.Get("If-Modified-Since"); ims != "" && !modified.IsZero() {
		if t, err := http.ParseTime(ims); err == nil && !modified.Truncate(time.Second).After(t) {
			return true
		}
	}
	return false
}

// render executes a page template into a buffer first, so that a failure is a clean 500.
func (h *handler) render(w http.ResponseWriter, r *http.Request, status int, name string, v view) error {
	t, ok := h.pages[name]
	if !ok {
		return fmt.Errorf("portal: no template %q", name)
	}
	if site, err := h.site.get(r.Context()); err == nil {
		v.Site = site.Site
	}
	v.RequestID = logging.RequestID(r.Context())
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

// fail shows the Chinese error page; an internal error is logged and shown without its cause.
func (h *handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	var pe *pageError
	if !errors.As(err, &pe) {
		h.log.ErrorContext(r.Context(), "portal", "path", r.URL.Path, "err", err)
		pe = &pageError{Status: http.StatusInternalServerError, Code: "INTERNAL", Message: "服务器内部错误，请稍后再试"}
	}
	// Errors are not cached: the validators belong to the page that was asked for.
	for _, k := range []string{"ETag", "Last-Modified", "Cache-Control"} {
		w.Header().Del(k)
	}
	w.Header().Set("Cache-Control", "no-store")
	if strings.HasPrefix(r.URL.Path, "/open/") {
		if strings.HasSuffix(r.URL.Path, ".json") {
			httperr.Write(w, pe.Status, pe.Code, pe.Message)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(pe.Status)
		fmt.Fprintf(w, "%s（错误代码 %s）\n", pe.Message, pe.Code)
		return
	}
	title := "出错了"
	switch pe.Status {
	case http.StatusNotFound:
		title = "没有找到这个页面"
	case http.StatusBadRequest:
		title = "查询条件有误"
	case http.StatusMethodNotAllowed:
		title = "不支持的操作"
	case http.StatusInternalServerError:
		title = "服务暂时出现问题"
	}
	if rerr := h.render(w, r, pe.Status, "error", view{Title: title, D: pe}); rerr != nil {
		h.log.ErrorContext(r.Context(), "portal error page", "err", rerr)
		http.Error(w, pe.Message, pe.Status)
	}
}
