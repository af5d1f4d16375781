package redact_test

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/ssgk/ssgk/internal/redact"
)

func TestString_MasksCredentialsAndPasswordValues(t *testing.T) {
	const pw, tok, sess = "ssgk-demo-2026", "ssgk_0a1b2c3d4e5f_00112233445566778899aabbccddeeff0011223344556677", "ssgs.AAAAAAAAAAEAAAAAaXV4Zw.c2lnbmF0dXJlLXNpZ25hdHVyZQ"
	for _, in := range []string{
		`{"query":"mutation { login(username: \"office\", password: \"` + pw + `\") { token } }"}`,
		`mutation { login(username: "office", password: "` + pw + `") { token } }`,
		`{"variables":{"password":"` + pw + `"}}`,
		`{"p":"x","newPassword": "` + pw + `"}`,
		`password=` + pw + `&user=office`,
		`Authorization: Bearer ` + tok,
		`token ` + tok + ` used`,
		`session ` + sess,
		`correctResult(password: "` + pw + `")`,
	} {
		out := redact.String(in)
		if found := redact.Contains(out, pw, tok[len("ssgk_0a1b2c3d4e5f_"):], sess[5:]); len(found) > 0 {
			t.Errorf("%q\n  -> %q still holds %q", in, out, found)
		}
	}
	// Ordinary text is left alone.
	if s := "导入任务 12 已完成：新增 3 行"; redact.String(s) != s {
		t.Fatalf("changed %q", s)
	}
}

func TestHandler_RedactsKeysValuesAndErrors(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(redact.Handler(slog.NewJSONHandler(&buf, nil)))
	log.With("token", "abc").Error("login failed for body {\"password\":\"hunter2-secret\"}",
		"password", "hunter2-secret", "err", errors.New(`decode "password": "hunter2-secret"`),
		slog.Group("req", "Authorization", "Bearer xyz-secret", "body", `{"token":"t0k3n-secret"}`))
	out := buf.String()
	for _, s := range []string{"hunter2-secret", "xyz-secret", "t0k3n-secret", `"abc"`} {
		if strings.Contains(out, s) {
			t.Errorf("log holds %q: %s", s, out)
		}
	}
	if !strings.Contains(out, "login failed") {
		t.Fatalf("message lost: %s", out)
	}
}
