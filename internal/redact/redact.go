// Package redact keeps secrets out of the hub's logs. Handler wraps a log/slog handler: an
// attribute whose key names a secret (password, token, secret, authorization…) is replaced
// whole, and every string logged — message, attribute values, errors — has credentials the hub
// issues (API tokens, session tokens, bearer headers) and password- or token-named values
// written as JSON, GraphQL arguments or URL parameters masked. Request bodies are never logged
// in the first place; this is the net under every other log line.
package redact

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"
)

// Mask replaces a secret.
const Mask = "[REDACTED]"

// secretKey matches attribute keys and argument names that hold secrets.
var secretKey = regexp.MustCompile(`(?i)(pass(word|wd|phrase)?|口令|密码|token|secret|authorization|cookie|credential|api[_-]?key|private[_-]?key|entropy_secret)`)

var (
	apiToken     = regexp.MustCompile(`\b(ssgk_[0-9a-f]{4,32})_[0-9a-f]{8,}`)
	sessionToken = regexp.MustCompile(`\bssgs\.[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)?`)
	bearer       = regexp.MustCompile(`(?i)\b(bearer)\s+[^\s"',;]+`)
	// "password": "…", password: "…" (JSON, GraphQL arguments), with escaped quotes inside.
	quotedValue = regexp.MustCompile(`(?i)((?:\\?")?[A-Za-z_]*(?:pass(?:word|wd)?|token|secret|口令|密码)[A-Za-z_]*(?:\\?")?\s*[:=]\s*)(\\?")((?:[^"\\]|\\[^"])*)(\\?")`)
	// password=… in URLs and form bodies.
	paramValue = regexp.MustCompile(`(?i)\b([A-Za-z_]*(?:pass(?:word|wd)?|token|secret)[A-Za-z_]*=)[^&\s"']+`)
)

// String masks the secrets in s.
func String(s string) string {
	if s == "" || !mayHoldSecret(s) {
		return s
	}
	return mask(s)
}

// mask applies every pattern.
func mask(s string) string {
	s = apiToken.ReplaceAllString(s, "${1}_"+Mask)
	s = sessionToken.ReplaceAllString(s, "ssgs."+Mask)
	s = bearer.ReplaceAllString(s, "${1} "+Mask)
	s = quotedValue.ReplaceAllString(s, "${1}${2}"+Mask+"${4}")
	s = paramValue.ReplaceAllString(s, "${1}"+Mask)
	return s
}

// clues are literals of which every pattern String masks contains at least one, in ASCII
// lower case: apiToken "ssgk_", sessionToken "ssgs.", bearer "bearer", quotedValue and
// paramValue "pass", "token" or "secret" (their 口令 and 密码 are not ASCII, below).
var clues = []string{"ssgk_", "ssgs.", "bearer", "pass", "token", "secret"}

// mayHoldSecret is String's prefilter, so that the request log of every request does not run
// five regular expressions over strings that hold none of their literals (measured: an eighth
// of the CPU time of a small authenticated GraphQL request at the INFO level). A string with any
// non-ASCII byte always goes to the patterns: their case-insensitive matching folds letters
// such as ſ (U+017F) to s and K (U+212A) to k, which an ASCII comparison would miss.
func mayHoldSecret(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return true
		}
	}
	for _, c := range clues {
		if containsFoldASCII(s, c) {
			return true
		}
	}
	return false
}

// containsFoldASCII reports whether the ASCII string s contains lower, an ASCII lower-case
// literal, ignoring case.
func containsFoldASCII(s, lower string) bool {
	for i := 0; i+len(lower) <= len(s); i++ {
		j := 0
		for ; j < len(lower); j++ {
			c := s[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != lower[j] {
				break
			}
		}
		if j == len(lower) {
			return true
		}
	}
	return false
}

// keyIsSecret caches secretKey's verdict on attribute keys: they are the program's own
// constants, a bounded set, and every log record repeats them.
// A key built at run time would grow it without bound, so it stops growing at maxKeys.
var (
	keyIsSecret sync.Map // string → bool
	keysCached  atomic.Int32
)

const maxKeys = 4096

func secretKeyName(k string) bool {
	if v, ok := keyIsSecret.Load(k); ok {
		return v.(bool)
	}
	m := secretKey.MatchString(k)
	if keysCached.Load() < maxKeys {
		keysCached.Add(1)
		keyIsSecret.Store(k, m)
	}
	return m
}

// Handler returns h with every record redacted.
func Handler(h slog.Handler) slog.Handler { return &handler{next: h} }

type handler struct{ next slog.Handler }

func (h *handler) Enabled(ctx context.Context, l slog.Level) bool { return h.next.Enabled(ctx, l) }

func (h *handler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, String(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(attr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

func (h *handler) WithAttrs(as []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(as))
	for i, a := range as {
		clean[i] = attr(a)
	}
	return &handler{next: h.next.WithAttrs(clean)}
}

func (h *handler) WithGroup(name string) slog.Handler { return &handler{next: h.next.WithGroup(name)} }

func attr(a slog.Attr) slog.Attr {
	if secretKeyName(a.Key) {
		return slog.String(a.Key, Mask)
	}
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, String(v.String()))
	case slog.KindGroup:
		as := v.Group()
		clean := make([]any, len(as))
		for i, g := range as {
			clean[i] = attr(g)
		}
		return slog.Group(a.Key, clean...)
	case slog.KindAny:
		switch x := v.Any().(type) {
		case error:
			return slog.String(a.Key, String(x.Error()))
		case fmt.Stringer:
			return slog.String(a.Key, String(x.String()))
		case []byte:
			return slog.String(a.Key, String(string(x)))
		case map[string]any, []any:
			return slog.String(a.Key, String(fmt.Sprint(x)))
		}
		return slog.String(a.Key, String(fmt.Sprintf("%+v", v.Any())))
	}
	return slog.Attr{Key: a.Key, Value: v}
}

// Contains reports which of the secrets occur in s (tests grep logs with it).
func Contains(s string, secrets ...string) []string {
	var found []string
	for _, x := range secrets {
		if x != "" && strings.Contains(s, x) {
			found = append(found, x)
		}
	}
	return found
}
