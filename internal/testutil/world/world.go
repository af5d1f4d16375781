// Package world builds the county the tests work in, so that each test package does not build
// it again: the market regulator (SCJG, the office of the joint meeting), the health commission
// (WJ) and the emergency bureau (YJ), and on top of them what a test asks for — accounts and the
// viewers of each role, item lists, targets, inspectors, a joint task and its draw — through the
// domain packages (lists, tasks, library, draws) as the application makes them.
//
// Build makes the three departments in a fresh hub; Demo loads the demo county (demo.Load) and
// FromHub reads a hub that already holds it. Only tests import this package.
package world

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/department"
	"github.com/ssgk/ssgk/ent/inspectionitem"
	"github.com/ssgk/ssgk/ent/itemlist"
	"github.com/ssgk/ssgk/internal/auth"
	"github.com/ssgk/ssgk/internal/hub"
	"github.com/ssgk/ssgk/internal/lists"
	"github.com/ssgk/ssgk/internal/testutil"
	"github.com/ssgk/ssgk/internal/txn"
	"github.com/ssgk/ssgk/internal/viewer"
)

// The codes of the three departments.
const (
	SCJG = "SCJG"
	WJ   = "WJ"
	YJ   = "YJ"
)

// Dept is a department of the county as Build makes it.
type Dept struct{ Code, Name, ShortName string }

// County lists the departments Build makes, in order (their sort order is their place, from 1);
// the first is the office of the joint meeting.
var County = []Dept{
	{SCJG, "宁阳县市场监督管理局", "县市场监管局"},
	{WJ, "宁阳县卫生健康局", "县卫健局"},
	{YJ, "宁阳县应急管理局", "县应急管理局"},
}

// World is the county of one test.
type World struct {
	t      testing.TB
	Hub    *hub.Hub
	Client *ent.Client
	// Sys carries the viewer of an operator command.
	Sys context.Context
	// The departments, nil where a test left one out.
	SCJG, WJ, YJ *ent.Department

	// Set by Demo and FromHub: SCJG's public-information item and WJ's public-places item of
	// their published lists, and SCJG's market-entity library.
	ItemS, ItemW *ent.InspectionItem
	Library      int
}

type config struct {
	codes    []string
	operator string
}

// Option changes what Build makes.
type Option func(*config)

// Operator names the system viewer the world's operator commands run as (Sys), "test" unless
// said.
func Operator(name string) Option { return func(c *config) { c.operator = name } }

// Departments makes only the departments with these codes (in County's order).
func Departments(codes ...string) Option { return func(c *config) { c.codes = codes } }

// Build makes the county's departments in h and returns its world.
func Build(t testing.TB, h *hub.Hub, opts ...Option) *World {
	t.Helper()
	c := configure(opts, SCJG, WJ, YJ)
	w := newWorld(t, h, c)
	var made []Dept
	for _, d := range County {
		if slices.Contains(c.codes, d.Code) {
			made = append(made, d)
		}
	}
	for _, dep := range each(w, "departments", made, func(tx *ent.Tx, d Dept) (*ent.Department, error) {
		i := slices.Index(County, d)
		return tx.Department.Create().SetCode(d.Code).SetName(d.Name).SetShortName(d.ShortName).
			SetIsOffice(i == 0).SetSortOrder(i + 1).Save(w.Sys)
	}) {
		w.set(dep)
	}
	return w
}

func configure(opts []Option, codes ...string) config {
	c := config{codes: codes, operator: "test"}
	for _, o := range opts {
		o(&c)
	}
	return c
}

func newWorld(t testing.TB, h *hub.Hub, c config) *World {
	return &World{t: t, Hub: h, Client: h.Client, Sys: h.Context(viewer.NewContext(context.Background(), viewer.NewSystem(c.operator)))}
}

func (w *World) set(d *ent.Department) {
	switch d.Code {
	case SCJG:
		w.SCJG = d
	case WJ:
		w.WJ = d
	case YJ:
		w.YJ = d
	}
}

// each makes a row of each spec in one transaction.
func each[S, R any](w *World, what string, specs []S, create func(tx *ent.Tx, s S) (R, error)) []R {
	w.t.Helper()
	out := make([]R, 0, len(specs))
	w.must(what, txn.Run(w.Sys, w.Client, func(tx *ent.Tx) error {
		for _, s := range specs {
			r, err := create(tx, s)
			if err != nil {
				return err
			}
			out = append(out, r)
		}
		return nil
	}))
	return out
}

func (w *World) must(what string, err error) {
	w.t.Helper()
	if err != nil {
		w.t.Fatalf("world: %s: %v", what, err)
	}
}

// Token is the viewer of dep's own system (an API token) with roles.
func (w *World) Token(dep *ent.Department, roles ...string) context.Context {
	return w.Hub.Context(testutil.As(&viewer.Viewer{Kind: viewer.Token, Name: strings.ToLower(dep.Code), DepartmentID: dep.ID,
		DepartmentCode: dep.Code, Roles: roles}))
}

// Person is the viewer of a person of dep, logged in as name, with roles; accountID may be 0
// where the test has no account row.
func (w *World) Person(dep *ent.Department, name string, accountID int, roles ...string) context.Context {
	return w.Hub.Context(testutil.As(&viewer.Viewer{Kind: viewer.Account, Name: name, AccountID: accountID, DepartmentID: dep.ID,
		DepartmentCode: dep.Code, Roles: roles}))
}

// As is the viewer of a logged-in account of dep.
func (w *World) As(a *ent.Account, dep *ent.Department) context.Context {
	return w.Person(dep, a.Username, a.ID, a.Roles...)
}

// Account is an account Accounts makes.
type Account struct {
	Username, DisplayName string // the display name defaults to the username
	Dep                   *ent.Department
	Roles                 []string
	Inspector             *ent.Inspector // the inspector the person is, if any
}

// Accounts makes accounts in one transaction, all with the same password ("" stores the hash
// "x", which no password matches); the password is hashed once.
func (w *World) Accounts(password string, specs ...Account) []*ent.Account {
	w.t.Helper()
	hash := "x"
	if password != "" {
		var err error
		hash, err = auth.HashPassword(password)
		w.must("hashing the password", err)
	}
	return each(w, "accounts", specs, func(tx *ent.Tx, s Account) (*ent.Account, error) {
		name := cmp.Or(s.DisplayName, s.Username)
		c := tx.Account.Create().SetUsername(s.Username).SetDisplayName(name).SetPasswordHash(hash).
			SetRoles(s.Roles).SetDepartmentID(s.Dep.ID)
		if s.Inspector != nil {
			c.SetInspectorID(s.Inspector.ID)
		}
		return c.Save(w.Sys)
	})
}

// Inspector is an enforcement officer Inspectors makes.
type Inspector struct {
	Name, CertificateNo string
	Dep                 *ent.Department
	Inactive            bool
}

// Inspectors makes inspectors in one transaction.
func (w *World) Inspectors(specs ...Inspector) []*ent.Inspector {
	w.t.Helper()
	return each(w, "inspectors", specs, func(tx *ent.Tx, s Inspector) (*ent.Inspector, error) {
		return tx.Inspector.Create().SetName(s.Name).SetCertificateNo(s.CertificateNo).SetDepartmentID(s.Dep.ID).
			SetActive(!s.Inactive).Save(w.Sys)
	})
}

// Target is a market entity Targets makes.
type Target struct{ Name, USCC, IndustryCode, DivisionCode string }

// Targets makes targets in one transaction.
func (w *World) Targets(specs ...Target) []*ent.Target {
	w.t.Helper()
	return each(w, "targets", specs, func(tx *ent.Tx, s Target) (*ent.Target, error) {
		c := tx.Target.Create().SetName(s.Name).SetUscc(s.USCC)
		if s.IndustryCode != "" {
			c.SetIndustryCode(s.IndustryCode)
		}
		if s.DivisionCode != "" {
			c.SetDivisionCode(s.DivisionCode)
		}
		return c.Save(w.Sys)
	})
}

// Item is an inspection item of a list, KEY unless said.
type Item struct {
	Code, Name string
	Category   inspectionitem.Category
	RatioMax   *float64
}

// basis is what an item of each department is checked against and on whom.
var basis = map[string][2]string{
	SCJG: {"《企业信息公示暂行条例》", "企业"},
	WJ:   {"《公共场所卫生管理条例》", "公共场所经营者"},
	YJ:   {"《中华人民共和国安全生产法》", "生产经营单位"},
}

// createItem adds an item of dep to a draft list in tx.
func createItem(ctx context.Context, tx *ent.Tx, dep *ent.Department, listID int, it Item) (*ent.InspectionItem, error) {
	cat := it.Category
	if cat == "" {
		cat = inspectionitem.CategoryKEY
	}
	b, ok := basis[dep.Code]
	if !ok {
		b = basis[SCJG]
	}
	return tx.InspectionItem.Create().SetItemListID(listID).SetCode(it.Code).SetName(it.Name).SetCategory(cat).
		SetLegalBasis(b[0]).SetResponsibleBody(dep.Name).SetTargetType(b[1]).SetContent(it.Name).
		SetFrequency("每年不少于1次").SetNillableRatioMax(it.RatioMax).Save(ctx)
}

// AddItem adds an item of dep to its draft list listID, as ctx's viewer.
func (w *World) AddItem(ctx context.Context, dep *ent.Department, listID int, it Item) (*ent.InspectionItem, error) {
	var out *ent.InspectionItem
	err := txn.Run(ctx, w.Client, func(tx *ent.Tx) (err error) {
		out, err = createItem(ctx, tx, dep, listID, it)
		return err
	})
	return out, err
}

// PublishedList makes version 1 of dep's item list with items through the lists workflow — made
// and submitted by dep's own system, filed by the office, published effective from effective —
// and returns it with its items.
func (w *World) PublishedList(dep *ent.Department, effective time.Time, items ...Item) (*ent.ItemList, []*ent.InspectionItem) {
	w.t.Helper()
	ctx := w.Token(dep, viewer.RoleDeptAdmin)
	l, err := lists.NewVersion(ctx, w.Client, dep.ID, dep.Name+"随机抽查事项清单", "首次制定")
	w.must("new list", err)
	var its []*ent.InspectionItem
	for _, it := range items {
		item, err := w.AddItem(ctx, dep, l.ID, it)
		w.must("item "+it.Code, err)
		its = append(its, item)
	}
	w.PublishList(dep, l.ID, effective)
	return w.Client.ItemList.GetX(w.Sys, l.ID), its
}

// PublishList submits dep's draft list, has the office file it and publishes it.
func (w *World) PublishList(dep *ent.Department, listID int, effective time.Time) {
	w.t.Helper()
	ctx := w.Token(dep, viewer.RoleDeptAdmin)
	fl, err := lists.Submit(ctx, w.Client, listID)
	if err == nil {
		_, err = lists.Decide(w.Office(), w.Client, fl.ID, true, "予以备案")
	}
	if err == nil {
		_, err = lists.Publish(ctx, w.Client, listID, effective)
	}
	w.must("publishing the list", err)
}

// Office is the office's own system; without an office department in the world, a token of no
// department.
func (w *World) Office() context.Context {
	if w.SCJG != nil {
		return w.Token(w.SCJG, viewer.RoleOffice)
	}
	return w.Hub.Context(testutil.As(&viewer.Viewer{Kind: viewer.Token, Name: "office", DepartmentID: -1, DepartmentCode: SCJG,
		Roles: []string{viewer.RoleOffice}}))
}

// List is an item list RawLists makes as it stands, without the lists workflow.
type List struct {
	Dep        *ent.Department
	Version    int
	Effective  *time.Time
	Published  *time.Time
	CountyWide bool
	Items      []Item
}

// RawLists makes item lists with their items as drafts in one transaction, for fixtures that
// set a list's status themselves (SetListStatus); it returns them with their items in order.
func (w *World) RawLists(specs ...List) ([]*ent.ItemList, [][]*ent.InspectionItem) {
	w.t.Helper()
	var its [][]*ent.InspectionItem
	ls := each(w, "lists", specs, func(tx *ent.Tx, s List) (*ent.ItemList, error) {
		l, err := tx.ItemList.Create().SetDepartmentID(s.Dep.ID).SetName(s.Dep.Name + "随机抽查事项清单").SetVersion(s.Version).
			SetNillableEffectiveDate(s.Effective).SetNillablePublishedAt(s.Published).SetCountyWide(s.CountyWide).Save(w.Sys)
		if err != nil {
			return nil, err
		}
		var items []*ent.InspectionItem
		for _, it := range s.Items {
			item, err := createItem(w.Sys, tx, s.Dep, l.ID, it)
			if err != nil {
				return nil, err
			}
			items = append(items, item)
		}
		its = append(its, items)
		return l, nil
	})
	return ls, its
}

// SetListStatus marks lists with a status by SQL: publishing and superseding are the lists
// workflow's business, which fixtures of other packages skip.
func (w *World) SetListStatus(status itemlist.Status, ids ...int) {
	w.t.Helper()
	for _, id := range ids {
		w.Exec(fmt.Sprintf("UPDATE item_lists SET status = '%s' WHERE id = %d", status, id))
	}
}

// Exec runs raw SQL through the hub's connection and fails the test on an error.
func (w *World) Exec(q string) {
	w.t.Helper()
	if _, err := w.Hub.SQL.Exec(q); err != nil {
		w.t.Fatalf("%s: %v", q, err)
	}
}

// Dep returns the department with code, from the database.
func (w *World) Dep(code string) *ent.Department {
	w.t.Helper()
	d, err := w.Client.Department.Query().Where(department.Code(code)).Only(w.Sys)
	w.must("department "+code, err)
	return d
}

// APIToken issues an API token of dep's system named name with roles through the hub's auth
// service, registered with testutil.RegisterSecret so that a log that leaks it fails.
func (w *World) APIToken(dep *ent.Department, name string, roles ...string) string {
	w.t.Helper()
	tok, _, err := w.Hub.Auth.CreateToken(w.Sys, dep.Code, name, roles, nil)
	w.must("token "+name, err)
	testutil.RegisterSecret(tok)
	return tok
}
