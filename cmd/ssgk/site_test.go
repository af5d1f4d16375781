package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestSiteCommand: `ssgk site set` stores the portal's identity; only the flags given change;
// the portal shows it in its header and footer.
func TestSiteCommand(t *testing.T) {
	h := newLedgerHub(t)
	db := []string{"--database-url", h.dbURL, "--data-dir", h.data}
	out, code := h.cli(append([]string{"site", "set", "--county", "宁阳县", "--sponsor", "宁阳县市场监督管理局", "--icp", "鲁ICP备12345678号-1"}, db...)...)
	if code != "" || !strings.Contains(out, `"county": "宁阳县"`) {
		t.Fatalf("site set: %s %s", code, out)
	}
	out, code = h.cli(append([]string{"site", "set", "--site-code", "3709210001", "--icp="}, db...)...)
	if code != "" || !strings.Contains(out, `"sponsor": "宁阳县市场监督管理局"`) || strings.Contains(out, "ICP") || !strings.Contains(out, "3709210001") {
		t.Fatalf("a second site set: %s %s", code, out)
	}
	if out, code := h.cli(append([]string{"site", "show"}, db...)...); code != "" || !strings.Contains(out, "3709210001") {
		t.Fatalf("site show: %s %s", code, out)
	}
	if out, code := h.cli(append([]string{"site", "wipe"}, db...)...); code != CodeUsage || !strings.Contains(out, "未知命令 wipe") {
		t.Errorf("an unknown site subcommand: %q %s", code, out)
	}
	resp, err := http.Get(h.url + "/")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	for _, want := range []string{`id="site-county">宁阳县`, "主办单位：宁阳县市场监督管理局", "网站标识码：3709210001"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("the portal lacks %q", want)
		}
	}
}
