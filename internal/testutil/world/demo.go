package world

import (
	"testing"
	"time"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/inspectionitem"
	"github.com/ssgk/ssgk/ent/inspectionteam"
	"github.com/ssgk/ssgk/ent/itemlist"
	"github.com/ssgk/ssgk/ent/targetlibrary"
	"github.com/ssgk/ssgk/internal/demo"
	"github.com/ssgk/ssgk/internal/draws"
	"github.com/ssgk/ssgk/internal/hub"
	"github.com/ssgk/ssgk/internal/library"
	"github.com/ssgk/ssgk/internal/tasks"
)

// The items of the demo lists that a joint task of SCJG and WJ inspects.
const (
	ItemPublicInfo   = "企业公示信息的检查"  // SCJG
	ItemPublicPlaces = "公共场所卫生监督检查" // WJ
)

// Demo loads the demo county into h (demo.Load with o) and returns its world; of the options,
// Operator counts.
func Demo(t testing.TB, h *hub.Hub, o demo.Options, opts ...Option) *World {
	t.Helper()
	w := newWorld(t, h, configure(opts))
	_, err := demo.Load(w.Sys, w.Client, o)
	w.must("loading the demo", err)
	return w.read()
}

// FromHub returns the world of a hub that already holds the demo county.
func FromHub(t testing.TB, h *hub.Hub, opts ...Option) *World {
	t.Helper()
	return newWorld(t, h, configure(opts)).read()
}

// read finds the departments, the joint task's items and SCJG's library in the demo data.
func (w *World) read() *World {
	w.t.Helper()
	for _, code := range []string{SCJG, WJ, YJ} {
		w.set(w.Dep(code))
	}
	w.ItemS, w.ItemW = w.PublishedItem(w.SCJG, ItemPublicInfo), w.PublishedItem(w.WJ, ItemPublicPlaces)
	lib, err := w.Client.TargetLibrary.Query().Where(targetlibrary.Code("MAIN"), targetlibrary.DepartmentID(w.SCJG.ID)).OnlyID(w.Sys)
	w.must("the market-entity library", err)
	w.Library = lib
	return w
}

// PublishedItem is dep's item named name on its published list.
func (w *World) PublishedItem(dep *ent.Department, name string) *ent.InspectionItem {
	w.t.Helper()
	it, err := w.Client.InspectionItem.Query().Where(inspectionitem.Name(name),
		inspectionitem.HasItemListWith(itemlist.DepartmentID(dep.ID), itemlist.StatusEQ(itemlist.StatusPUBLISHED))).Only(w.Sys)
	w.must("item "+name, err)
	return it
}

// Joint is a joint task of SCJG (initiator, ItemS) and WJ (participant, ItemW) drawn from
// SCJG's library; Strata name the counts of the credit-risk strata A, B, C, D.
type Joint struct {
	Name       string
	BatchID    *int
	Start, End time.Time
	Strata     [4]int
}

// Input is the tasks.Input of the joint task.
func (w *World) Input(j Joint) tasks.Input {
	in := tasks.Input{BatchID: j.BatchID, InitiatorID: w.SCJG.ID, ParticipantIDs: []int{w.WJ.ID}, Name: j.Name,
		WindowStart: j.Start, WindowEnd: j.End,
		Items:      []tasks.ItemRef{{DepartmentID: w.SCJG.ID, ItemID: w.ItemS.ID}, {DepartmentID: w.WJ.ID, ItemID: w.ItemW.ID}},
		LibraryIDs: []int{w.Library}}
	for i, name := range []string{"A", "B", "C", "D"} {
		in.Strata = append(in.Strata, tasks.Stratum{Name: name, Count: int64(j.Strata[i])})
	}
	return in
}

// JointTask creates the joint task (a draft).
func (w *World) JointTask(j Joint) *ent.Task {
	w.t.Helper()
	tk, err := tasks.Create(w.Sys, w.Client, w.Input(j))
	w.must("creating the joint task", err)
	return tk
}

// Announce announces the task.
func (w *World) Announce(taskID int) {
	w.t.Helper()
	_, err := tasks.Announce(w.Sys, w.Client, taskID)
	w.must("announcing the task", err)
}

// Confirm has SCJG and WJ confirm their libraries with note.
func (w *World) Confirm(note string) {
	w.t.Helper()
	for _, dep := range []*ent.Department{w.SCJG, w.WJ} {
		_, err := library.Confirm(w.Sys, w.Client, dep.ID, note, 0)
		w.must("confirming the library of "+dep.Code, err)
	}
}

// Commit freezes the task's draw and commits to it.
func (w *World) Commit(d *draws.Drawer, taskID int) *ent.Draw {
	w.t.Helper()
	dr, err := d.Freeze(w.Sys, taskID, "")
	w.must("freezing the draw", err)
	dr, err = d.Commit(w.Sys, dr.ID)
	w.must("committing the draw", err)
	return dr
}

// Draw freezes, commits and executes the task's draw with the entropy; it returns the draw as
// committed and as drawn.
func (w *World) Draw(d *draws.Drawer, taskID int, entropy string) (committed, drawn *ent.Draw) {
	w.t.Helper()
	committed = w.Commit(d, taskID)
	drawn, err := d.Execute(w.Sys, committed.ID, entropy)
	w.must("executing the draw", err)
	return committed, drawn
}

// StartInspection starts the task's inspection.
func (w *World) StartInspection(taskID int) {
	w.t.Helper()
	_, err := tasks.StartInspection(w.Sys, w.Client, taskID)
	w.must("starting the inspection", err)
}

// Teams are the draw's active teams with their targets, in the order drawn.
func (w *World) Teams(drawID int) []*ent.InspectionTeam {
	w.t.Helper()
	teams, err := w.Client.InspectionTeam.Query().Where(inspectionteam.DrawID(drawID), inspectionteam.StatusEQ(inspectionteam.StatusACTIVE)).
		WithTarget().Order(ent.Asc(inspectionteam.FieldID)).All(w.Sys)
	w.must("teams", err)
	return teams
}
