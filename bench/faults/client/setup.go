package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/department"
	"github.com/ssgk/ssgk/ent/inspectionitem"
	"github.com/ssgk/ssgk/ent/inspectionteam"
	"github.com/ssgk/ssgk/ent/itemlist"
	"github.com/ssgk/ssgk/ent/planbatch"
	"github.com/ssgk/ssgk/ent/targetlibrary"
	"github.com/ssgk/ssgk/internal/clock"
	"github.com/ssgk/ssgk/internal/hub"
	"github.com/ssgk/ssgk/internal/library"
	"github.com/ssgk/ssgk/internal/results"
	"github.com/ssgk/ssgk/internal/tasks"
	"github.com/ssgk/ssgk/internal/viewer"
)

// setup prepares results to publish on a demo database: a second joint task of the demo plan's
// batch, drawn, with one result of 市场监管局 per drawn target entered, submitted and approved
// (not published). It writes their IDs, one a line, to -out — the publications of the stream.
// It uses the domain packages, as the demo does, with the business clock set to 2026 dates.
func setup(args []string) error {
	fs := flag.NewFlagSet("setup", flag.ExitOnError)
	dbURL := fs.String("database-url", "", "PostgreSQL URL (empty: SQLite in -data-dir)")
	dataDir := fs.String("data-dir", "", "data directory (SQLite database, ledger.key)")
	out := fs.String("out", "", "file of the approved results' IDs")
	perStratum := fs.Int("per-stratum", 10, "targets drawn per credit-risk class (four classes)")
	_ = fs.Parse(args)
	ctx := viewer.NewContext(context.Background(), viewer.NewSystem("bench/faults setup"))
	db, err := hub.Open(ctx, hub.Options{DatabaseURL: *dbURL, DataDir: *dataDir})
	if err != nil {
		return err
	}
	defer db.Close()
	client := db.Client

	day := func(m, d int) time.Time { return time.Date(2026, time.Month(m), d, 0, 0, 0, 0, clock.CST) }
	fixed := clock.NewFixed(day(8, 21).Add(10 * time.Hour))
	ctx = clock.With(ctx, fixed.Now)
	at := func(m, d int) { fixed.Move(day(m, d).Add(10 * time.Hour)) }

	dep := func(code string) (*ent.Department, error) {
		return client.Department.Query().Where(department.Code(code)).Only(ctx)
	}
	scjg, err := dep("SCJG")
	if err != nil {
		return err
	}
	wj, err := dep("WJ")
	if err != nil {
		return err
	}
	item := func(d *ent.Department, name string) (*ent.InspectionItem, error) {
		return client.InspectionItem.Query().Where(inspectionitem.Name(name),
			inspectionitem.HasItemListWith(itemlist.DepartmentID(d.ID), itemlist.StatusEQ(itemlist.StatusPUBLISHED))).Only(ctx)
	}
	itemS, err := item(scjg, "企业公示信息的检查")
	if err != nil {
		return err
	}
	itemW, err := item(wj, "公共场所卫生监督检查")
	if err != nil {
		return err
	}
	b, err := client.PlanBatch.Query().Where(planbatch.Name("第三季度联合抽查")).First(ctx)
	if err != nil {
		return fmt.Errorf("the demo plan's batch (run ssgk demo first): %w", err)
	}
	lib, err := client.TargetLibrary.Query().Where(targetlibrary.Code("MAIN"), targetlibrary.DepartmentID(scjg.ID)).OnlyID(ctx)
	if err != nil {
		return err
	}
	n := int64(*perStratum)
	tk, err := tasks.Create(ctx, client, tasks.Input{BatchID: &b.ID, InitiatorID: scjg.ID, ParticipantIDs: []int{wj.ID},
		Name: "故障注入测试：公示流用的部门联合抽查", WindowStart: day(9, 1), WindowEnd: day(9, 25),
		Items:      []tasks.ItemRef{{DepartmentID: scjg.ID, ItemID: itemS.ID}, {DepartmentID: wj.ID, ItemID: itemW.ID}},
		LibraryIDs: []int{lib},
		Strata:     []tasks.Stratum{{Name: "A", Count: n}, {Name: "B", Count: n}, {Name: "C", Count: n}, {Name: "D", Count: n}}})
	if err != nil {
		return fmt.Errorf("task: %w", err)
	}
	if _, err := tasks.Announce(ctx, client, tk.ID); err != nil {
		return fmt.Errorf("announce: %w", err)
	}
	for _, d := range []int{scjg.ID, wj.ID} {
		if _, err := library.Confirm(ctx, client, d, "故障注入测试：抽取前确认", 0); err != nil {
			return fmt.Errorf("confirm: %w", err)
		}
	}
	drawer := db.Drawer
	dr, err := drawer.Freeze(ctx, tk.ID, "")
	if err == nil {
		dr, err = drawer.Commit(ctx, dr.ID)
	}
	if err == nil {
		_, err = drawer.Execute(ctx, dr.ID, "3 5 2 6 1 4 4 2 6 5")
	}
	if err != nil {
		return fmt.Errorf("draw: %w", err)
	}
	at(9, 1)
	if _, err := tasks.StartInspection(ctx, client, tk.ID); err != nil {
		return fmt.Errorf("start: %w", err)
	}
	at(9, 28)
	teams, err := client.InspectionTeam.Query().Where(inspectionteam.DrawID(dr.ID), inspectionteam.StatusEQ(inspectionteam.StatusACTIVE)).
		Order(ent.Asc(inspectionteam.FieldID)).All(ctx)
	if err != nil {
		return err
	}
	var ids []string
	for _, tm := range teams {
		in := results.ResultInput{TaskID: tk.ID, TargetID: tm.TargetID, DepartmentID: scjg.ID, InspectionEndDate: day(9, 25),
			Summary: "实地核查", Codes: []string{"NO_PROBLEM"}, MethodCodes: []string{"ON_SITE"},
			Items: []results.ItemInput{{ItemID: itemS.ID, Checked: true}}}
		r, err := results.Save(ctx, client, in)
		if err == nil {
			_, err = results.Submit(ctx, client, r.ID)
		}
		if err != nil {
			return fmt.Errorf("result: %w", err)
		}
		ids = append(ids, fmt.Sprint(r.ID))
	}
	at(10, 9)
	for _, id := range ids {
		var rid int
		fmt.Sscan(id, &rid)
		if _, err := results.Approve(ctx, client, rid); err != nil {
			return fmt.Errorf("approve: %w", err)
		}
	}
	fmt.Fprintf(os.Stderr, "setup: %d approved results of task %s\n", len(ids), tk.Number)
	return os.WriteFile(*out, []byte(strings.Join(ids, "\n")+"\n"), 0o644)
}
