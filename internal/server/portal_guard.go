package server

import (
	"net/http"
	"strings"

	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/httperr"
)

// refuseControlChars answers a portal request whose query holds a control character (NUL and
// the like; tab, line feed and carriage return aside) with a coded 400 before the portal reads
// it: a NUL cut a SQLite search short, so that "%00" matched every enterprise, and is an error
// in PostgreSQL.
func refuseControlChars(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, vs := range r.URL.Query() {
			for _, v := range vs {
				if hasControl(v) {
					msg := "查询参数含有控制字符（如 NUL），请删除后重试"
					w.Header().Set("Cache-Control", "no-store")
					if strings.HasSuffix(r.URL.Path, ".json") {
						httperr.Write(w, http.StatusBadRequest, apperr.Invalid, msg)
						return
					}
					w.Header().Set("Content-Type", "text/plain; charset=utf-8")
					w.WriteHeader(http.StatusBadRequest)
					_, _ = w.Write([]byte(msg + "（错误代码 " + apperr.Invalid + "）\n"))
					return
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}

func hasControl(s string) bool {
	for i := 0; i < len(s); i++ {
		if b := s[i]; (b < 0x20 && b != '\t' && b != '\n' && b != '\r') || b == 0x7f {
			return true
		}
	}
	return false
}
