package credit_test

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/department"
	"github.com/ssgk/ssgk/ent/followupoption"
	"github.com/ssgk/ssgk/ent/resultcode"
	"github.com/ssgk/ssgk/ent/sharegrant"
	"github.com/ssgk/ssgk/ent/targetlibrary"
	"github.com/ssgk/ssgk/internal/hub"
	"github.com/ssgk/ssgk/internal/testutil"
	"github.com/ssgk/ssgk/internal/txn"
	"github.com/ssgk/ssgk/internal/uscc"
)

// The fixture of the credit-centre benchmarks (issue 6, item 11), inserted with plain SQL
// outside the timer:
//
//   - NT = N − 49 enterprises (targets) with valid, unique USCCs, contact person and phones, all
//     members of a sub-library of 县市场监管局 (SCJG), so that SCJG owns every one of them;
//   - one published result of SCJG per enterprise in one task (N − 49 results), each with one
//     item (checked, one result code) and one result code;
//   - the enterprise in the middle (index creditHist) has 49 more published results: one in each
//     of 47 further tasks, plus a version 2 in the main task and in the first further task —
//     50 published results in 48 tasks — with 2 published corrections (v1 → v2) and
//     3 follow-up actions;
//   - one publication per result (RESULT; CORRECTION for the two version-2 results) with a
//     payload of the shape the publishing workflow writes and ledger_index L0 … L0+N−1 in id
//     order, after the L0 leaves of the demo's published item lists (0 … L0−1).
//
// Result offsets 1 … N: the results of the enterprises first (offset = enterprise index), then
// the 49 extra results of the history enterprise. Every id is its table's ent id range
// (type << 32, from the migrations) plus 2^31, far above the demo's rows.
const (
	creditOffset       = 1 << 31
	creditTargetBase   = 111669149696 + creditOffset
	creditResultBase   = 98784247808 + creditOffset
	creditItemBase     = 107374182400 + creditOffset
	creditPubBase      = 94489280512 + creditOffset
	creditTaskBase     = 120259084288 + creditOffset
	creditCorrBase     = 17179869184 + creditOffset
	creditFollowUpBase = 163208757248 + creditOffset
	creditHistExtra    = 49 // results of the history enterprise besides its one in the main task
	creditHistTasks    = 47 // further tasks of the history enterprise
	creditUSCCPrefix   = "913709220"
)

// creditBenchResults is N, the number of published results: SSGK_BENCH_RESULTS or 1,000,000.
func creditBenchResults() int {
	if n, err := strconv.Atoi(os.Getenv("SSGK_BENCH_RESULTS")); err == nil && n > creditHistExtra+1 {
		return n
	}
	return 1_000_000
}

// creditUSCC is the USCC of enterprise i: prefix + 8 digits of i + the GB 32100 check character.
func creditUSCC(i int) string {
	s := fmt.Sprintf("%s%08d", creditUSCCPrefix, i)
	return s + string(uscc.CheckChar(s))
}

func creditName(i int) string {
	return "宁阳县信用基准企业" + strconv.Itoa(i) + "号有限公司"
}

func creditContactPhone(i int) string { return fmt.Sprintf("138%08d", i) }

func creditLegalRepPhone(i int) string { return fmt.Sprintf("139%08d", i) }

// creditUSCCSQL is the SQL of creditUSCC for the integer expression i.
func creditUSCCSQL(d, i string) string {
	weights := [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}
	p := 0
	for k := range len(creditUSCCPrefix) {
		p += strings.IndexByte(uscc.Charset(), creditUSCCPrefix[k]) * weights[k]
	}
	sum := []string{strconv.Itoa(p)}
	div := 10_000_000
	for k := range 8 {
		sum = append(sum, fmt.Sprintf("((%s / %d) %% 10) * %d", i, div, weights[9+k]))
		div /= 10
	}
	return fmt.Sprintf("'%s' || %s || substr('%s', ((31 - (%s) %% 31) %% 31) + 1, 1)",
		creditUSCCPrefix, creditPad8(d, i), uscc.Charset(), strings.Join(sum, " + "))
}

func creditPad8(d, i string) string {
	if d == dialect.Postgres {
		return fmt.Sprintf("lpad((%s)::text, 8, '0')", i)
	}
	return fmt.Sprintf("substr('00000000' || (%s), -8, 8)", i)
}

// creditFixture describes what creditFill inserted.
type creditFixture struct {
	N, NT      int    // results; enterprises
	Hist       int    // index of the enterprise with 50 results
	HistUSCC   string // its USCC
	SCJG, FG   int    // department ids: owner of the data; the credit centre's department
	ResultCode string // the code every result and item carries
	ItemCode   string // the inspection item of every result
	ItemName   string
	GrantID    int // FG's approved grant for SCJG's "contact" group
	L0         int // leaves of the transparency log before the fixture's (the demo's item lists)
}

// histResultTasks lists the task (0: main task, k: further task k) and version of the history
// enterprise's extra results, by extra index 1 … 49.
func histExtra(k int) (task, version int) {
	switch {
	case k <= creditHistTasks:
		return k, 1
	case k == creditHistTasks+1:
		return 0, 2
	default:
		return 1, 2
	}
}

// creditFill builds the fixture on a database that already holds the demo organisation.
func creditFill(b *testing.B, db *hub.Hub, n int) *creditFixture {
	b.Helper()
	ctx := testutil.System()
	pg := db.Dialect == dialect.Postgres
	f := &creditFixture{N: n, NT: n - creditHistExtra}
	f.Hist = (f.NT + 1) / 2
	f.HistUSCC = creditUSCC(f.Hist)
	scjg := db.Client.Department.Query().Where(department.Code("SCJG")).OnlyX(ctx)
	f.SCJG = scjg.ID
	f.FG = db.Client.Department.Query().Where(department.Code("FG")).OnlyX(ctx).ID
	lib := db.Client.TargetLibrary.Query().Where(targetlibrary.DepartmentID(scjg.ID)).FirstX(ctx)
	item := db.Client.InspectionItem.Query().FirstX(ctx)
	f.ItemCode, f.ItemName = item.Code, item.Name
	code := db.Client.ResultCode.Query().Where(resultcode.Code("NO_PROBLEM")).OnlyX(ctx)
	f.ResultCode = code.Code
	option := db.Client.FollowUpOption.Query().Order(followupoption.BySortOrder()).FirstX(ctx)

	now := "datetime('now')"
	day := func(x string) string {
		return fmt.Sprintf("datetime('2026-01-01 01:30:00', '+' || (%s) || ' days')", x)
	}
	date := func(x string) string { return fmt.Sprintf("date('2026-01-01', '+' || (%s) || ' days')", x) }
	hex64 := func(x string) string { return fmt.Sprintf("printf('%%064x', %s)", x) }
	series := fmt.Sprintf("WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < %d) ", f.NT)
	from, jsonb := "s", ""
	if pg {
		now, jsonb = "now()", "::jsonb"
		day = func(x string) string {
			return fmt.Sprintf("(timestamptz '2026-01-01 09:30:00+08' + (%s) * interval '1 day')", x)
		}
		date = func(x string) string { return fmt.Sprintf("to_char(date '2026-01-01' + (%s)::int, 'YYYY-MM-DD')", x) }
		hex64 = func(x string) string { return fmt.Sprintf("lpad(to_hex(%s), 64, '0')", x) }
		series, from = "", fmt.Sprintf("generate_series(1, %d) AS s(i)", f.NT)
	}
	q := creditQuote
	var stmts []string

	// Enterprises, all in an SCJG sub-library.
	stmts = append(stmts, fmt.Sprintf(`%sINSERT INTO targets (id, created_at, updated_at, division_code, kind, uscc, name, legal_representative, legal_rep_phone, status, credit_risk_class, abnormal_list, licences, tags, contact_person, contact_phone)
SELECT %d + i, %s, %s, '370921', 'ENTERPRISE', %s, '宁阳县信用基准企业' || i || '号有限公司', '法人' || i, '139' || %s, 'EXISTING', substr('ABCD', (i %% 4) + 1, 1), false, '[]', '[]', '联系人' || i, '138' || %s
FROM %s`, series, creditTargetBase, now, now, creditUSCCSQL(db.Dialect, "i"), creditPad8(db.Dialect, "i"), creditPad8(db.Dialect, "i"), from))
	stmts = append(stmts, fmt.Sprintf(`INSERT INTO target_library_targets (target_library_id, target_id) SELECT %d, id FROM targets WHERE id > %d`,
		lib.ID, creditTargetBase))

	// Tasks: the main task (offset 0) and the history enterprise's further tasks 1 … 47.
	var vals []string
	for k := 0; k <= creditHistTasks; k++ {
		status := "CLOSED"
		if k == 0 {
			status = "INSPECTING"
		}
		vals = append(vals, fmt.Sprintf("(%d, %s, %s, '370921', %s, %s, 'UNTARGETED', false, %s, %s, %s, %d)",
			creditTaskBase+k, now, now, q(fmt.Sprintf("BENCH-CREDIT-%04d", k)), q(fmt.Sprintf("信用基准抽查任务第 %d 号", k)),
			q(status), day(strconv.Itoa(7*k)), day(strconv.Itoa(7*k+30)), scjg.ID))
	}
	stmts = append(stmts, `INSERT INTO tasks (id, created_at, updated_at, division_code, number, name, kind, special, status, window_start, window_end, initiator_id) VALUES `+
		strings.Join(vals, ", "))

	// Results: one per enterprise in the main task, then the 49 extra results of the history
	// enterprise.
	off := fmt.Sprintf("(t.id - %d)", creditTargetBase)
	stmts = append(stmts, fmt.Sprintf(`INSERT INTO results (id, created_at, updated_at, division_code, status, version, inspection_end_date, published_at, department_id, target_id, task_id)
SELECT %d + %s, %s, %s, '370921', 'APPROVED', 1, %s, %s, %d, t.id, %d FROM targets t WHERE t.id > %d`,
		creditResultBase, off, now, now, day(off+" % 360"), day(off+" % 360 + 3"), scjg.ID, creditTaskBase, creditTargetBase))
	vals = vals[:0]
	for k := 1; k <= creditHistExtra; k++ {
		task, version := histExtra(k)
		vals = append(vals, fmt.Sprintf("(%d, %s, %s, '370921', 'APPROVED', %d, %s, %s, %d, %d, %d)",
			creditResultBase+f.NT+k, now, now, version, day(strconv.Itoa(7*k)), day(strconv.Itoa(7*k+3)), scjg.ID,
			creditTargetBase+f.Hist, creditTaskBase+task))
	}
	stmts = append(stmts, `INSERT INTO results (id, created_at, updated_at, division_code, status, version, inspection_end_date, published_at, department_id, target_id, task_id) VALUES `+
		strings.Join(vals, ", "))

	// One item and one result code per result.
	stmts = append(stmts, fmt.Sprintf(`INSERT INTO result_items (id, created_at, updated_at, division_code, checked, problem_found, result_id, item_id)
SELECT %d + (r.id - %d), %s, %s, '370921', true, false, r.id, %d FROM results r WHERE r.id > %d`,
		creditItemBase, creditResultBase, now, now, item.ID, creditResultBase))
	stmts = append(stmts, fmt.Sprintf(`INSERT INTO result_code_links (result_id, result_code_id) SELECT id, %d FROM results WHERE id > %d`, code.ID, creditResultBase))
	stmts = append(stmts, fmt.Sprintf(`INSERT INTO result_item_codes (result_item_id, result_code_id) SELECT id, %d FROM result_items WHERE id > %d`, code.ID, creditItemBase))

	// Publish: the immutability triggers refuse items and codes of a published result, so the
	// results are inserted APPROVED and published once their contents are in.
	stmts = append(stmts, fmt.Sprintf(`UPDATE results SET status = 'PUBLISHED' WHERE id > %d`, creditResultBase))

	// Corrections (v1 → v2) and follow-ups of the history enterprise.
	histMain := creditResultBase + f.Hist
	v2Main, v2First := creditResultBase+f.NT+creditHistTasks+1, creditResultBase+f.NT+creditHistTasks+2
	stmts = append(stmts, fmt.Sprintf(`INSERT INTO corrections (id, created_at, updated_at, division_code, reason, signature_algorithm, published_at, corrected_id, original_id) VALUES
(%d, %s, %s, '370921', '企业提交了已按时公示年度报告的证明，原结论有误，予以更正', 'ED25519', %s, %d, %d),
(%d, %s, %s, '370921', '检查记录中的事项名称有误，予以更正', 'ED25519', %s, %d, %d)`,
		creditCorrBase+1, now, now, day("200"), v2Main, histMain,
		creditCorrBase+2, now, now, day("201"), v2First, creditResultBase+f.NT+1))
	stmts = append(stmts, fmt.Sprintf(`INSERT INTO follow_up_actions (id, created_at, updated_at, division_code, status, judicial_transfer, option_id, result_id) VALUES
(%d, %s, %s, '370921', 'OPEN', false, %d, %d), (%d, %s, %s, '370921', 'DONE', false, %d, %d), (%d, %s, %s, '370921', 'OPEN', false, %d, %d)`,
		creditFollowUpBase+1, now, now, option.ID, histMain, creditFollowUpBase+2, now, now, option.ID, creditResultBase+f.NT+5,
		creditFollowUpBase+3, now, now, option.ID, creditResultBase+f.NT+10))

	// Publications with ledger_index L0 … L0+N−1 in id order, after the L0 leaves the demo's
	// item lists already hold (0 … L0−1).
	var l0, logged int
	if err := db.SQL.QueryRowContext(ctx, `SELECT COALESCE(MAX(ledger_index) + 1, 0), count(ledger_index) FROM publications`).Scan(&l0, &logged); err != nil {
		b.Fatal(err)
	}
	if l0 != logged {
		b.Fatalf("the demo's ledger has %d leaves with indexes up to %d", logged, l0-1)
	}
	f.L0 = l0
	items, err := json.Marshal([]map[string]any{{"item_code": item.Code, "item_name": item.Name, "checked": true,
		"problem_found": false, "problem": "", "handling": "", "result": "未发现问题", "codes": []any{}}})
	if err != nil {
		b.Fatal(err)
	}
	authority, _ := json.Marshal(scjg.Name)
	head := fmt.Sprintf(`{"plan_number":"","plan_name":"","task_number":"BENCH-CREDIT-0000","task_name":"信用基准抽查任务","task_type":"不定向抽查","authority":%s,"version":1,"items":%s,"result_codes":[{"code":"NO_PROBLEM","name":"未发现问题"}],"methods":["书面检查"],"follow_up":"","adopted_from_result_id":0,"target_name":"`,
		authority, items)
	roff := fmt.Sprintf("(r.id - %d)", creditResultBase)
	payload := fmt.Sprintf(`%s || t.name || '","target_code":"' || t.uscc || '","result_id":' || r.id || ',"completed_on":"' || %s || '"}'`,
		q(head), date(roff+" % 360"))
	stmts = append(stmts, fmt.Sprintf(`INSERT INTO publications (id, created_at, updated_at, division_code, kind, title, published_at, subject_type, subject_id, payload, digest, department_id, ledger_index)
SELECT %d + %s, %s, %s, '370921', CASE WHEN r.id >= %d THEN 'CORRECTION' ELSE 'RESULT' END, '检查结果：' || t.name, r.published_at, 'Result', r.id, (%s)%s, %s, %d, %s + %d
FROM results r JOIN targets t ON t.id = r.target_id WHERE r.id > %d`,
		creditPubBase, roff, now, now, v2Main, payload, jsonb, hex64(roff), scjg.ID, roff, l0-1, creditResultBase))
	if pg {
		// As autovacuum and the checkpointer would have done long before anyone reads: the
		// gigabytes the fixture just wrote are otherwise still being flushed while the timed
		// requests run, and every access-log commit waits for its WAL behind them.
		stmts = append(stmts, `VACUUM ANALYZE`, `CHECKPOINT`)
	} else {
		stmts = append(stmts, `ANALYZE`)
	}
	for _, s := range stmts {
		t0 := time.Now()
		if _, err := db.SQL.ExecContext(ctx, s); err != nil {
			b.Fatalf("%v\n%.800s", err, s)
		}
		b.Logf("fixture %.70s…: %v", strings.Join(strings.Fields(s), " "), time.Since(t0).Round(time.Millisecond))
	}

	// FG (the credit centre's department) holds an approved grant for SCJG's contact fields.
	err = txn.Run(ctx, db.Client, func(tx *ent.Tx) error {
		g, err := tx.ShareGrant.Create().SetRequesterID(f.FG).SetOwnerID(f.SCJG).SetGroup("contact").
			SetPurpose("信用中心归集企业联系方式，用于信用修复告知").SetExpiresAt(time.Now().Add(180 * 24 * time.Hour)).
			SetStatus(sharegrant.StatusAPPROVED).SetDecidedAt(time.Now()).Save(ctx)
		if err == nil {
			f.GrantID = g.ID
		}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}

	// The SQL and Go spellings of the fixture agree.
	for _, k := range []int{1, f.Hist, f.NT} {
		var got, name, phone string
		if err := db.SQL.QueryRowContext(ctx, fmt.Sprintf("SELECT uscc, name, contact_phone FROM targets WHERE id = %d", creditTargetBase+k)).
			Scan(&got, &name, &phone); err != nil {
			b.Fatal(err)
		}
		if got != creditUSCC(k) || name != creditName(k) || phone != creditContactPhone(k) {
			b.Fatalf("target %d: %s %s %s, want %s %s %s", k, got, name, phone, creditUSCC(k), creditName(k), creditContactPhone(k))
		}
		if err := uscc.Validate(got); err != nil {
			b.Fatal(err)
		}
	}
	var pubs, minIdx, maxIdx int
	if err := db.SQL.QueryRowContext(ctx, fmt.Sprintf("SELECT count(*), min(ledger_index), max(ledger_index) FROM publications WHERE id > %d", creditPubBase)).
		Scan(&pubs, &minIdx, &maxIdx); err != nil {
		b.Fatal(err)
	}
	if pubs != n || minIdx != f.L0 || maxIdx != f.L0+n-1 {
		b.Fatalf("publications: %d with ledger_index %d … %d, want %d with %d … %d", pubs, minIdx, maxIdx, n, f.L0, f.L0+n-1)
	}
	return f
}

func creditQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
