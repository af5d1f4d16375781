package main

import (
	"context"
	"encoding/json"
	"github.com/ssgk/ssgk/internal/clock"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/inspectionteam"
	"github.com/ssgk/ssgk/ent/inspector"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/codes"
	"github.com/ssgk/ssgk/internal/demo"
	"github.com/ssgk/ssgk/internal/draws"
	"github.com/ssgk/ssgk/internal/library"
	"github.com/ssgk/ssgk/internal/testutil"
	"github.com/ssgk/ssgk/internal/testutil/world"
	"github.com/ssgk/ssgk/internal/txn"
	"github.com/ssgk/ssgk/internal/viewer"
)

// TestDraw_InsiderCannotSteerUnseen plays an insider against the draw (issue 18): re-freezing
// after the commitment, a failed draw and its redo, a run of recusals on one target, a
// replacement, cancelling a committed task and redoing it. Each step is refused or leaves a
// public event: the portal's task page shows it with its leaf, open data has the status, and
// `ssgk draw verify --url` checks the bundle against the log — and refuses it with a recusal
// dropped.
func TestDraw_InsiderCannotSteerUnseen(t *testing.T) {
	if testing.Short() {
		t.Skip("runs draws on the demo data")
	}
	h := newLedgerHub(t)
	ctx, client := testutil.System(), h.db.Client
	if err := codes.Seed(ctx, client); err != nil {
		t.Fatal(err)
	}
	w := world.Demo(t, h.db, demo.Options{Targets: 600, Inspectors: 150})
	d := draws.New(client).WithKeyDir(h.data)
	scjg, wj := w.SCJG, w.WJ
	as := func(dep *ent.Department, role string) context.Context {
		return w.Person(dep, strings.ToLower(role), 1, role)
	}
	admin, office := as(scjg, viewer.RoleDeptAdmin), as(wj, viewer.RoleOffice)
	newTask := func(name string) *ent.Task {
		tk := w.JointTask(world.Joint{Name: name, Start: time.Date(2026, 9, 1, 0, 0, 0, 0, clock.CST),
			End: time.Date(2026, 9, 25, 0, 0, 0, 0, clock.CST), Strata: [4]int{2, 2, 1, 1}})
		w.Announce(tk.ID)
		return tk
	}
	w.Confirm("")
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	refused := func(what, code string, err error) {
		t.Helper()
		if apperr.CodeOf(err) != code {
			t.Fatalf("%s: got %v, want %s", what, err, code)
		}
	}
	setTeamSize := func(tk *ent.Task, n int) {
		must("team size", txn.Run(ctx, client, func(tx *ent.Tx) error { return tx.Task.UpdateOneID(tk.ID).SetTeamSize(n).Exec(ctx) }))
	}

	// 1. Re-freeze after the commitment: allowed with a reason, and the first draw's secret is
	// published with its supersession, so that nobody gains by looking first.
	tk := newTask("内部人员情景：重冻结、失败重抽、回避与替换")
	dr1, err := d.Freeze(admin, tk.ID, "")
	must("freeze", err)
	_, err = d.Commit(admin, dr1.ID)
	must("commit", err)
	refused("re-freeze without a reason", draws.CodeReasonRequired, func() error { _, err := d.Freeze(admin, tk.ID, " "); return err }())
	// 2. … a pool that cannot fill the teams: the draw fails; its entropy, rule and secret are logged.
	setTeamSize(tk, 400)
	dr2, err := d.Freeze(admin, tk.ID, "参数调整：检查组人数")
	must("re-freeze", err)
	_, err = d.Commit(admin, dr2.ID)
	must("commit 2", err)
	_, err = d.Execute(admin, dr2.ID, "9 9 9 9")
	refused("draw with a short pool", "POOL_EXHAUSTED", err)
	setTeamSize(tk, 2)
	dr3, err := d.Freeze(admin, tk.ID, "第 2 次抽取失败（人员不足），按 2 人重新冻结")
	must("freeze 3", err)
	_, err = d.Commit(admin, dr3.ID)
	must("commit 3", err)
	_, err = d.Execute(admin, dr3.ID, "4 1 6 6 2 3 5 1 2 4")
	must("execute 3", err)

	// 3. Steering by recusals: each needs a reason code; two per target, then only the office.
	teams := client.InspectionTeam.Query().Where(inspectionteam.DrawID(dr3.ID)).WithTarget().Order(ent.Asc(inspectionteam.FieldID)).AllX(ctx)
	key := library.TargetKey(teams[0].Edges.Target)
	recuseFirst := func(c context.Context, code string) error {
		tm := client.InspectionTeam.Query().Where(inspectionteam.DrawID(dr3.ID), inspectionteam.TargetID(teams[0].TargetID),
			inspectionteam.StatusEQ(inspectionteam.StatusACTIVE)).WithMembers(func(q *ent.InspectorQuery) { q.Order(ent.Asc(inspector.FieldID)) }).OnlyX(ctx)
		_, err := d.Recuse(c, dr3.ID, key, []string{draws.InspectorKey(tm.Edges.Members[0])}, code, "当事企业申请回避")
		return err
	}
	refused("recusal without a reason code", draws.CodeReasonCodeRequired, recuseFirst(admin, ""))
	must("recusal 1", recuseFirst(admin, "KINSHIP"))
	must("recusal 2", recuseFirst(admin, "PRIOR_INVOLVEMENT"))
	refused("a third recusal by the department", draws.CodeRecusalLimit, recuseFirst(admin, "OTHER"))
	must("a third recusal by the office", recuseFirst(office, "DECLARED_CONFLICT"))
	// 4. Replacement: a reason code from the table.
	second := library.TargetKey(teams[1].Edges.Target)
	refused("replacement with a recusal code", draws.CodeReasonCodeRequired, func() error { _, err := d.Replace(admin, dr3.ID, second, "KINSHIP", "x"); return err }())
	_, err = d.Replace(admin, dr3.ID, second, "CLOSED", "实地核查发现已注销")
	must("replace", err)

	// Results published, the draw revealed.
	active := client.InspectionTeam.Query().Where(inspectionteam.DrawID(dr3.ID), inspectionteam.StatusEQ(inspectionteam.StatusACTIVE)).AllX(ctx)
	must("results", txn.Run(ctx, client, func(tx *ent.Tx) error {
		for _, tm := range active {
			for _, dep := range []*ent.Department{scjg, wj} {
				if err := tx.Result.Create().SetTaskID(tk.ID).SetTargetID(tm.TargetID).SetDepartmentID(dep.ID).
					SetTeamID(tm.ID).SetStatus("PUBLISHED").SetPublishedAt(time.Now()).Exec(ctx); err != nil {
					return err
				}
			}
		}
		return nil
	}))
	_, err = d.Reveal(admin, dr3.ID)
	must("reveal", err)

	// 5. Cancel-and-redo: after the announcement only the office cancels, with a reason; the
	// committed draw is superseded with its secret.
	tk2 := newTask("内部人员情景：承诺后撤销任务")
	c2, err := d.Freeze(admin, tk2.ID, "")
	must("freeze t2", err)
	_, err = d.Commit(admin, c2.ID)
	must("commit t2", err)
	refused("cancel by the initiating department", draws.CodeCancelForbidden, func() error { _, err := d.CancelTask(admin, tk2.ID, "重新来过"); return err }())
	refused("cancel without reason", draws.CodeReasonRequired, func() error { _, err := d.CancelTask(office, tk2.ID, ""); return err }())
	_, err = d.CancelTask(office, tk2.ID, "上级部署调整，任务并入专项检查")
	must("cancel t2", err)

	// The portal shows every step with its leaf.
	page := get(t, h.url+"/tasks/"+tk.Number)
	for _, want := range []string{"冻结抽取框", "公布承诺", "抽取失败", "POOL_EXHAUSTED", "被取代（公开密钥）", "参数调整：检查组人数",
		"输入外部熵并抽取", "4 1 6 6 2 3 5 1 2 4", "回避重组", "超过次数限制，经联席会议办公室办理", "对象替换", "CLOSED",
		"回避重组 3 次，对象替换 1 次", "当事企业申请回避", "实地核查发现已注销", `class="leaf-link"`} {
		if !strings.Contains(page, want) {
			t.Errorf("task page lacks %q", want)
		}
	}
	// Draw 1: FREEZE COMMIT SUPERSEDE; draw 2: FREEZE COMMIT FAIL; draw 3: FREEZE COMMIT EXECUTE,
	// three recusals, a replacement, REVEAL.
	if n := strings.Count(page, `<tr class="draw-event">`); n != 3+3+8 {
		t.Errorf("task page lists %d draw events, want 14", n)
	}
	page2 := get(t, h.url+"/tasks/"+tk2.Number)
	for _, want := range []string{"已撤销", "上级部署调整，任务并入专项检查", "任务撤销", "被取代（公开密钥）"} {
		if !strings.Contains(page2, want) {
			t.Errorf("cancelled task's page lacks %q", want)
		}
	}
	if strings.Contains(page2, "抽中的检查对象在本任务检查结果全部公示后随抽取揭示一并公开") {
		t.Error("the cancelled task's draw is still shown as pending")
	}
	var open []map[string]any
	if err := json.Unmarshal([]byte(get(t, h.url+"/open/tasks.json")), &open); err != nil {
		t.Fatal(err)
	}
	states := map[string]map[string]any{}
	for _, r := range open {
		states[r["task_number"].(string)] = r
	}
	if s := states[tk.Number]; s["draw_status"] != "REVEALED" || s["draws"] != float64(3) || s["recusals"] != float64(3) || s["replacements"] != float64(1) {
		t.Errorf("open data of the drawn task: %v", s)
	}
	if s := states[tk2.Number]; s["cancelled"] != true || s["draw_status"] != "SUPERSEDED" || !strings.Contains(s["cancel_reason"].(string), "专项检查") {
		t.Errorf("open data of the cancelled task: %v", s)
	}

	// The bundle verifies against the log; with a recusal dropped it verifies alone but not
	// against the log.
	dir := t.TempDir()
	bundle := filepath.Join(dir, "bundle.json")
	if err := os.WriteFile(bundle, []byte(get(t, h.url+"/draws/"+strconv.Itoa(dr3.ID)+"/bundle.json")), 0o644); err != nil {
		t.Fatal(err)
	}
	anchor := filepath.Join(dir, "anchor.json")
	out, code := h.cli("draw", "verify", bundle, "--url", h.url, "--save-anchor", anchor)
	if code != "" || !strings.Contains(out, "透明日志核验通过") || !strings.Contains(out, "RECUSE") || !strings.Contains(out, "REPLACE") {
		t.Fatalf("draw verify --url: %s %s", code, out)
	}
	t.Logf("ssgk draw verify --url:\n%s", out)
	if out, code := h.cli("draw", "verify", bundle, "--anchor", anchor); code != "" {
		t.Fatalf("draw verify --anchor (offline): %s %s", code, out)
	}
	dropped := editJSON(t, bundle, func(m map[string]any) {
		o := m["outcome"].(map[string]any)
		a := o["amendments"].([]any)
		o["amendments"] = append(a[:2:2], a[3:]...) // the office's third recusal
	})
	if out, code := h.cli("draw", "verify", dropped); code != "" {
		t.Fatalf("the bundle with a recusal dropped should pass the algorithm's own check: %s %s", code, out)
	}
	for _, args := range [][]string{{"--url", h.url}, {"--anchor", anchor}} {
		if out, code := h.cli(append([]string{"draw", "verify", dropped}, args...)...); code != "DRAW_LOG_MISMATCH" {
			t.Fatalf("dropped recusal against the log (%s): %s %s", args[0], code, out)
		}
	}
}

func get(t *testing.T, u string) string {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", u, resp.StatusCode, b)
	}
	return string(b)
}
