package main_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/internal/hub"
	"github.com/ssgk/ssgk/internal/testutil"
	"github.com/ssgk/ssgk/internal/testutil/xlsxbomb"
	"github.com/ssgk/ssgk/internal/txn"
)

// TestEndToEnd_BombUploadKeepsHubSmallAndAlive runs the real binary and sends it the hostile
// requests of issue 19 — decompression bombs, query and body bombs, sixteen parallel logins:
// each is refused with a code, the hub's peak memory (VmHWM) stays under 300 MB (issue 19:
// 80 MB → 4.3 GB for one bomb) and /healthz answers throughout. The times are logged for
// bench/README.md, not asserted.
func TestEndToEnd_BombUploadKeepsHubSmallAndAlive(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dataDir := t.TempDir()
	dbURL := testutil.DatabaseURL(t)
	ctx := testutil.System()
	db, err := hub.Open(ctx, hub.Options{DatabaseURL: dbURL, DataDir: dataDir})
	if err != nil {
		t.Fatal(err)
	}
	var depID int
	err = txn.Run(ctx, db.Client, func(tx *ent.Tx) error {
		dep, err := tx.Department.Create().SetCode("SCJG").SetName("宁阳县市场监督管理局").Save(ctx)
		if err != nil {
			return err
		}
		depID = dep.ID
		return tx.TargetLibrary.Create().SetCode("MAIN").SetName("市场主体库").SetDepartmentID(dep.ID).Exec(ctx)
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "SSGK_TEST_RUN_MAIN=1", "DATABASE_URL="+dbURL, "SSGK_PASSWORD="+testutil.DemoPassword)
	acc := exec.Command(os.Args[0], "admin", "account", "create", "--username", "office", "--name", "办公室", "--department", "SCJG", "--roles", "OFFICE", "--data-dir", dataDir)
	acc.Env = env
	if out, err := acc.CombinedOutput(); err != nil {
		t.Fatalf("account create: %v\n%s", err, out)
	}
	mk := exec.Command(os.Args[0], "admin", "token", "create", "--department", "SCJG", "--name", "业务系统", "--roles", "DEPT_ADMIN", "--data-dir", dataDir)
	mk.Env = env
	out, err := mk.CombinedOutput()
	token := regexp.MustCompile(`ssgk_[0-9a-f]+_[0-9a-f]+`).FindString(string(out))
	if err != nil || token == "" {
		t.Fatalf("token create: %v\n%s", err, out)
	}

	addrFile := filepath.Join(dataDir, "addr")
	var stderr bytes.Buffer
	srv := exec.Command(os.Args[0], "serve", "--listen", "127.0.0.1:0", "--addr-file", addrFile, "--data-dir", dataDir)
	srv.Env = env
	srv.Stderr = &stderr
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer srv.Process.Kill() //nolint:errcheck
	var base string
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if b, err := os.ReadFile(addrFile); err == nil && len(b) > 0 {
			base = "http://" + string(b)
			break
		}
	}
	if base == "" {
		t.Fatalf("server did not start:\n%s", stderr.String())
	}
	rss := func(field string) int {
		b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", srv.Process.Pid))
		m := regexp.MustCompile(field + `:\s+(\d+) kB`).FindSubmatch(b)
		if m == nil {
			return 0
		}
		kb, _ := strconv.Atoi(string(m[1]))
		return kb / 1024
	}
	startRSS := rss("VmRSS")

	// /healthz throughout.
	stop := make(chan struct{})
	var mu sync.Mutex
	var probes, failures int
	var slowest time.Duration
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		c := &http.Client{Timeout: 5 * time.Second}
		for {
			select {
			case <-stop:
				return
			case <-time.After(25 * time.Millisecond):
			}
			st := time.Now()
			resp, err := c.Get(base + "/healthz")
			took := time.Since(st)
			mu.Lock()
			probes++
			slowest = max(slowest, took)
			if err != nil || resp.StatusCode != http.StatusOK {
				failures++
			}
			mu.Unlock()
			if resp != nil {
				resp.Body.Close()
			}
		}
	}()

	unit := `<row><c t="inlineStr"><is><t>AAAAAAAAAAAAAAAA</t></is></c></row>`
	for _, c := range []struct {
		name string
		data []byte
		code string
	}{
		{"1 GiB bomb", xlsxbomb.New(1<<30, 1<<30, unit), "IMPORT_FILE_TOO_LARGE"},
		{"1 GiB bomb declaring 200 MiB", xlsxbomb.New(1<<30, 200<<20, unit), "IMPORT_CORRUPT_FILE"},
		{"200 MiB in one cell", xlsxbomb.New(200<<20, 200<<20, strings.Repeat("A", 1<<16)), "IMPORT_FILE_TOO_LARGE"},
	} {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		ops, _ := json.Marshal(map[string]any{"query": `mutation($f: Upload!, $d: ID!) { importFile(kind: TARGETS, departmentID: $d, file: $f) { job { status } } }`,
			"variables": map[string]any{"f": nil, "d": depID}})
		_ = mw.WriteField("operations", string(ops))
		_ = mw.WriteField("map", `{"0": ["variables.f"]}`)
		fw, _ := mw.CreateFormFile("0", "名录.xlsx")
		_, _ = fw.Write(c.data)
		_ = mw.Close()
		req, _ := http.NewRequest(http.MethodPost, base+"/graphql", &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Authorization", "Bearer "+token)
		st := time.Now()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		took := time.Since(st)
		var r struct {
			Errors []struct {
				Message    string
				Extensions struct{ Code string }
			}
		}
		_ = json.Unmarshal(raw, &r)
		if len(r.Errors) == 0 || r.Errors[0].Extensions.Code != c.code {
			t.Errorf("%s: %s", c.name, raw)
		}
		t.Logf("%-30s %5.1f MB upload → %s in %v; hub RSS %d MB (peak %d MB)", c.name, float64(len(c.data))/1e6, c.code,
			took.Round(time.Millisecond), rss("VmRSS"), rss("VmHWM"))
	}

	// Query and body bombs.
	post := func(token string, body []byte) (string, time.Duration) {
		req, _ := http.NewRequest(http.MethodPost, base+"/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		st := time.Now()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		took := time.Since(st)
		var r struct {
			Errors []struct{ Extensions struct{ Code string } }
		}
		_ = json.Unmarshal(raw, &r)
		if len(r.Errors) == 0 {
			return "", took
		}
		return r.Errors[0].Extensions.Code, took
	}
	query := func(q string) []byte { b, _ := json.Marshal(map[string]any{"query": q}); return b }
	var aliases strings.Builder
	aliases.WriteString("{ ")
	for i := range 1000 {
		fmt.Fprintf(&aliases, "a%d: viewer { kind } ", i)
	}
	aliases.WriteString("}")
	for _, c := range []struct {
		name string
		body []byte
		code string
	}{
		{"4,000 copies of a field", query("{ viewer { " + strings.Repeat("kind ", 4000) + "} }"), "QUERY_TOO_LARGE"},
		{"20,000 copies of a field", query("{ viewer { " + strings.Repeat("kind ", 20000) + "} }"), "QUERY_TOO_LARGE"},
		{"500 copies of a field", query("{ viewer { " + strings.Repeat("kind ", 500) + "} }"), "QUERY_TOO_COMPLEX"},
		{"1,000 aliases", query(aliases.String()), "QUERY_TOO_LARGE"},
		{"5,000 directives", query("{ viewer { kind " + strings.Repeat("@include(if: true) ", 5000) + "} }"), "QUERY_TOO_LARGE"},
		{"5 logins", query("mutation { a: login(username: \"office\", password: \"x\") { token } b: login(username: \"office\", password: \"y\") { token } }"), "INVALID"},
		{"batch of 100", []byte("[" + strings.TrimSuffix(strings.Repeat(`{"query":"{ viewer { kind } }"},`, 100), ",") + "]"), "BATCH_NOT_SUPPORTED"},
		{"variable nested 5,000 levels", []byte(`{"query":"query($v: String) { viewer { kind } }","variables":{"v":` + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + `}}`), "INVALID"},
		{"2 MiB body", []byte(`{"query":"{ viewer { kind } }","variables":{"p":"` + strings.Repeat("x", 2<<20) + `"}}`), "REQUEST_TOO_LARGE"},
	} {
		code, took := post("", c.body)
		if code != c.code {
			t.Errorf("%s: %q, want %s", c.name, code, c.code)
		}
		t.Logf("%-30s → %-20s %v", c.name, code, took.Round(100*time.Microsecond))
	}
	// Sixteen wrong passwords at once: the account locks (the first ten come from one client;
	// the others are rate limited), the right password is refused afterwards.
	var lwg sync.WaitGroup
	st := time.Now()
	for i := range 16 {
		lwg.Add(1)
		go func() {
			defer lwg.Done()
			post("", query(fmt.Sprintf(`mutation { login(username: "office", password: "guess-%d") { token } }`, i)))
		}()
	}
	lwg.Wait()
	t.Logf("16 parallel logins answered in %v; hub RSS %d MB (peak %d MB)", time.Since(st).Round(time.Millisecond), rss("VmRSS"), rss("VmHWM"))
	if code, _ := post("", query(`mutation { login(username: "office", password: "`+testutil.DemoPassword+`") { token } }`)); code == "" {
		t.Error("the right password logged in right after the race")
	}

	close(stop)
	wg.Wait()
	peak := rss("VmHWM")
	t.Logf("hub memory: %d MB at start, peak %d MB; /healthz %d probes, %d failed, slowest %v", startRSS, peak, probes, failures, slowest.Round(time.Millisecond))
	if peak >= 300 {
		t.Errorf("the hub peaked at %d MB while refusing bombs", peak)
	}
	if failures > 0 {
		t.Errorf("/healthz failed %d of %d times", failures, probes)
	}
	if strings.Contains(stderr.String(), "panic") {
		t.Errorf("the hub logged a panic:\n%s", stderr.String())
	}
	if strings.Contains(stderr.String(), testutil.DemoPassword) || strings.Contains(stderr.String(), token[len(token)-20:]) {
		t.Errorf("a secret in the hub's log:\n%s", stderr.String())
	}
}
