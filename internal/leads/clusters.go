package leads

import (
	"context"
	"fmt"
	"github.com/ssgk/ssgk/internal/clock"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/inspectionitem"
	"github.com/ssgk/ssgk/ent/lead"
	"github.com/ssgk/ssgk/ent/leadcluster"
	"github.com/ssgk/ssgk/ent/task"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/authz"
	"github.com/ssgk/ssgk/internal/lists"
	"github.com/ssgk/ssgk/internal/numbering"
	"github.com/ssgk/ssgk/internal/settings"
	"github.com/ssgk/ssgk/internal/txn"
)

// SettingKey is the settings key of the clustering rule.
const SettingKey = "lead_cluster"

// ClusterSettings is the clustering rule [configurable]: Threshold leads about one item in one
// industry or one division within WindowDays days make a recurring problem.
type ClusterSettings struct {
	WindowDays int `json:"windowDays"`
	Threshold  int `json:"threshold"`
}

// DefaultClusterSettings is the rule when none is stored: 3 leads within 30 days.
func DefaultClusterSettings() ClusterSettings { return ClusterSettings{WindowDays: 30, Threshold: 3} }

func (s ClusterSettings) validate() error {
	if s.WindowDays < 1 || s.WindowDays > 366 {
		return apperr.New(apperr.Invalid, "线索聚集的时间窗口应为 1–366 天，当前为 %d 天", s.WindowDays)
	}
	if s.Threshold < 2 {
		return apperr.New(apperr.Invalid, "线索聚集的阈值至少为 2 条，当前为 %d 条", s.Threshold)
	}
	return nil
}

// LoadClusterSettings returns the stored rule, or the default.
func LoadClusterSettings(ctx context.Context, client *ent.Client) (ClusterSettings, error) {
	s := DefaultClusterSettings()
	if err := settings.Get(ctx, client, SettingKey, &s); err != nil {
		return s, apperr.Wrap(err, apperr.Invalid, "系统参数“%s”的值无法解析", SettingKey)
	}
	if err := s.validate(); err != nil {
		return s, apperr.Wrap(err, apperr.Invalid, "系统参数“%s”无效：%s", SettingKey, apperr.From(err).Message)
	}
	return s, nil
}

// SetClusterSettings stores the rule. Only the office sets it.
func SetClusterSettings(ctx context.Context, client *ent.Client, s ClusterSettings, note string) error {
	ctx, err := authz.Require(ctx, authz.DecideLeadClusters)
	if err != nil {
		return err
	}
	if err := s.validate(); err != nil {
		return err
	}
	return settings.Set(ctx, client, SettingKey, s, note)
}

// DimensionName is the Chinese name of a cluster dimension.
func DimensionName(d leadcluster.Dimension) string {
	switch d {
	case leadcluster.DimensionINDUSTRY:
		return "行业"
	case leadcluster.DimensionDIVISION:
		return "区域"
	}
	return string(d)
}

// ClusterStatusName is the Chinese name of a cluster status.
func ClusterStatusName(s leadcluster.Status) string {
	switch s {
	case leadcluster.StatusOFFERED:
		return "已提议专项检查"
	case leadcluster.StatusACCEPTED:
		return "已据此创建任务"
	case leadcluster.StatusDISMISSED:
		return "已驳回"
	}
	return string(s)
}

// DetectClusters looks at the leads about an item received within [now − windowDays, now] and
// groups them by item and industry (INDUSTRY) and by item and division (DIVISION). A group of at
// least threshold leads is offered to the office as a special inspection: a new OFFERED cluster,
// or the open offer of the same item and value with the new leads added. Leads the office has
// already decided on — in an accepted or dismissed cluster of the same item and value, or linked
// to a special task — are not offered again. It returns the open offers of the groups at or over
// the threshold, ordered by key.
func DetectClusters(ctx context.Context, client *ent.Client, now time.Time) ([]*ent.LeadCluster, error) {
	var out []*ent.LeadCluster
	err := txn.Run(ctx, client, func(tx *ent.Tx) error {
		var err error
		out, err = detect(ctx, tx, now)
		return err
	})
	if err != nil {
		return nil, apperr.From(err)
	}
	return out, nil
}

// group is the leads about one item with one industry or division value.
type group struct {
	dim   leadcluster.Dimension
	item  int
	value string
	leads []int
}

func (g *group) id() string { return fmt.Sprintf("%s|%d|%s", g.dim, g.item, g.value) }

// clusterKey is the deterministic key of a cluster: dimension|item id|value|window start date.
func clusterKey(g *group, windowStart time.Time) string {
	return g.id() + "|" + windowStart.In(clock.CST).Format("2006-01-02")
}

func detect(ctx context.Context, tx *ent.Tx, now time.Time) ([]*ent.LeadCluster, error) {
	cfg, err := LoadClusterSettings(ctx, tx.Client())
	if err != nil {
		return nil, err
	}
	start := now.AddDate(0, 0, -cfg.WindowDays)
	// SQLite compares times as text, which is exact only within one zone offset: select with a
	// day's margin and decide the window boundary here.
	cands, err := tx.Lead.Query().Where(lead.ItemIDNotNil(), lead.SpecialTaskIDIsNil(),
		lead.ReceivedAtGTE(start.Add(-24*time.Hour)), lead.ReceivedAtLTE(now.Add(24*time.Hour))).
		Order(ent.Asc(lead.FieldID)).All(ctx)
	if err != nil {
		return nil, err
	}
	groups := map[string]*group{}
	add := func(dim leadcluster.Dimension, item int, value string, id int) {
		g := &group{dim: dim, item: item, value: value}
		if have, ok := groups[g.id()]; ok {
			g = have
		} else {
			groups[g.id()] = g
		}
		g.leads = append(g.leads, id)
	}
	var items []int
	for _, l := range cands {
		if l.ReceivedAt.Before(start) || l.ReceivedAt.After(now) {
			continue
		}
		if l.IndustryCode != "" {
			add(leadcluster.DimensionINDUSTRY, *l.ItemID, l.IndustryCode, l.ID)
		}
		add(leadcluster.DimensionDIVISION, *l.ItemID, l.DivisionCode, l.ID)
		items = append(items, *l.ItemID)
	}
	if len(groups) == 0 {
		return nil, nil
	}
	// The office's earlier decisions: leads in decided clusters are spent, and an open offer
	// of the same item and value takes the new leads.
	existing, err := tx.LeadCluster.Query().Where(leadcluster.ItemIDIn(items...)).
		WithLeads(func(q *ent.LeadQuery) { q.Select(lead.FieldID) }).Order(ent.Asc(leadcluster.FieldID)).All(ctx)
	if err != nil {
		return nil, err
	}
	spent := map[string]map[int]bool{}
	open := map[string]*ent.LeadCluster{}
	for _, c := range existing {
		id := (&group{dim: c.Dimension, item: c.ItemID, value: c.Value}).id()
		switch c.Status {
		case leadcluster.StatusOFFERED:
			if open[id] == nil {
				open[id] = c
			}
		default:
			if spent[id] == nil {
				spent[id] = map[int]bool{}
			}
			for _, l := range c.Edges.Leads {
				spent[id][l.ID] = true
			}
		}
	}
	keys := make([]string, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []*ent.LeadCluster
	for _, k := range keys {
		g := groups[k]
		g.leads = slices.DeleteFunc(g.leads, func(id int) bool { return spent[k][id] })
		if open[k] != nil {
			// An open offer takes every new lead of its group, below the threshold too.
			c, added, err := extend(ctx, tx, open[k], g.leads, now)
			if err != nil {
				return nil, err
			}
			if added || len(g.leads) >= cfg.Threshold {
				out = append(out, c)
			}
			continue
		}
		if len(g.leads) < cfg.Threshold {
			continue
		}
		c, err := offer(ctx, tx, g, start, now)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

// extend adds the leads of ids not yet in the open offer c to it.
func extend(ctx context.Context, tx *ent.Tx, c *ent.LeadCluster, ids []int, now time.Time) (*ent.LeadCluster, bool, error) {
	have := map[int]bool{}
	for _, l := range c.Edges.Leads {
		have[l.ID] = true
	}
	var fresh []int
	for _, id := range ids {
		if !have[id] {
			fresh = append(fresh, id)
		}
	}
	if len(fresh) == 0 {
		return c, false, nil
	}
	end := c.WindowEnd
	if now.After(end) {
		end = now
	}
	c, err := tx.LeadCluster.UpdateOneID(c.ID).AddLeadIDs(fresh...).SetLeadCount(len(have) + len(fresh)).
		SetWindowEnd(end).Save(ctx)
	return c, true, err
}

// offer creates the cluster of g: OFFERED, with the window [start, now] and g's leads.
func offer(ctx context.Context, tx *ent.Tx, g *group, start, now time.Time) (*ent.LeadCluster, error) {
	key := clusterKey(g, start)
	taken, err := tx.LeadCluster.Query().Where(leadcluster.KeyHasPrefix(key)).Select(leadcluster.FieldKey).Strings(ctx)
	if err != nil {
		return nil, err
	}
	// The same group decided on earlier the same day keeps its key; new leads get a numbered one.
	for n := 2; slices.Contains(taken, key); n++ {
		key = fmt.Sprintf("%s|%d", clusterKey(g, start), n)
	}
	division := g.value
	if g.dim == leadcluster.DimensionINDUSTRY {
		it, err := tx.InspectionItem.Query().Where(inspectionitem.ID(g.item)).Select(inspectionitem.FieldDivisionCode).Only(ctx)
		if err != nil {
			return nil, err
		}
		division = it.DivisionCode
	}
	return tx.LeadCluster.Create().SetKey(key).SetDimension(g.dim).SetValue(g.value).SetItemID(g.item).
		SetWindowStart(start).SetWindowEnd(now).SetLeadCount(len(g.leads)).AddLeadIDs(g.leads...).
		SetDivisionCode(division).Save(ctx)
}

// openCluster loads an OFFERED cluster for the office's decision.
func openCluster(ctx context.Context, tx *ent.Tx, clusterID int) (*ent.LeadCluster, error) {
	c, err := tx.LeadCluster.Query().Where(leadcluster.ID(clusterID)).
		WithItem(func(q *ent.InspectionItemQuery) { q.WithItemList() }).
		WithLeads(func(q *ent.LeadQuery) { q.Order(ent.Asc(lead.FieldID)) }).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, apperr.New(apperr.NotFound, "线索聚集（编号 %d）不存在", clusterID)
	} else if err != nil {
		return nil, err
	}
	if c.Status != leadcluster.StatusOFFERED {
		return nil, apperr.New(CodeClusterBadState, "该线索聚集%s，不能再次办理", ClusterStatusName(c.Status))
	}
	return c, nil
}

// AcceptCluster raises the special inspection a cluster offers: a DRAFT targeted task, marked
// special, with the cluster's item (for the item's department) and scope — the item, the
// industry or division, and the leads — which is then announced and drawn like any other task.
// The leads are linked to the task, and the cluster is ACCEPTED. Only the office accepts.
func AcceptCluster(ctx context.Context, client *ent.Client, clusterID, initiatorDepartmentID int, windowStart, windowEnd time.Time) (*ent.Task, error) {
	ctx, err := authz.Require(ctx, authz.DecideLeadClusters)
	if err != nil {
		return nil, err
	}
	if windowStart.IsZero() || windowEnd.IsZero() {
		return nil, apperr.New(apperr.Invalid, "请填写专项检查的检查开始和结束日期")
	}
	if windowEnd.Before(windowStart) {
		return nil, apperr.New(apperr.Invalid, "检查结束日期不能早于开始日期")
	}
	var out *ent.Task
	err = txn.Run(ctx, client, func(tx *ent.Tx) error {
		c, err := openCluster(ctx, tx, clusterID)
		if err != nil {
			return err
		}
		// No item, no inspection: the item must be on a current published list.
		if err := lists.CheckUsable(ctx, tx.Client(), c.ItemID); err != nil {
			return err
		}
		initiator, err := tx.Department.Get(ctx, initiatorDepartmentID)
		if ent.IsNotFound(err) {
			return apperr.New(apperr.NotFound, "发起部门（编号 %d）不存在", initiatorDepartmentID)
		} else if err != nil {
			return err
		}
		item := c.Edges.Item
		owner := item.Edges.ItemList.DepartmentID
		number, err := numbering.NextTask(ctx, tx, initiator.DivisionCode, windowStart.In(clock.CST).Year())
		if err != nil {
			return err
		}
		leadIDs := make([]int, 0, len(c.Edges.Leads))
		var targetIDs []int // the targets the leads name: the special task inspects every one
		seen := map[int]bool{}
		for _, l := range c.Edges.Leads {
			leadIDs = append(leadIDs, l.ID)
			if l.TargetID != nil && !seen[*l.TargetID] {
				seen[*l.TargetID] = true
				targetIDs = append(targetIDs, *l.TargetID)
			}
		}
		scope := map[string]any{"itemId": item.ID, "leadIds": leadIDs}
		if c.Dimension == leadcluster.DimensionINDUSTRY {
			scope["industryCode"] = c.Value
		} else {
			scope["divisionCode"] = c.Value
		}
		create := tx.Task.Create().SetNumber(number).
			SetName(fmt.Sprintf("专项检查：%s（%s %s）", item.Name, DimensionName(c.Dimension), c.Value)).
			SetKind(task.KindTARGETED).SetSpecial(true).SetStatus(task.StatusDRAFT).SetScope(scope).
			SetWindowStart(windowStart).SetWindowEnd(windowEnd).SetInitiatorID(initiator.ID).
			SetDivisionCode(initiator.DivisionCode)
		if len(targetIDs) > 0 {
			// No target sampling: the targets the leads name are inspected (internal/draws,
			// special.go); the inspectors are still drawn with every team rule.
			create.SetNamedTargetIds(targetIDs).SetTargetReason(fmt.Sprintf("线索聚集：%d 条线索涉及 %d 个检查对象", len(leadIDs), len(targetIDs)))
		}
		if owner != initiator.ID {
			// The item's department joins the task with its item (部门联合抽查).
			create.AddParticipantIDs(owner)
		}
		if out, err = create.Save(ctx); err != nil {
			return err
		}
		if err := tx.TaskItem.Create().SetTaskID(out.ID).SetDepartmentID(owner).SetItemID(item.ID).
			SetDivisionCode(item.DivisionCode).Exec(ctx); err != nil {
			return err
		}
		// A lead already behind another special task (e.g. of the other dimension) stays there.
		if err := tx.Lead.Update().Where(lead.IDIn(leadIDs...), lead.SpecialTaskIDIsNil()).
			SetSpecialTaskID(out.ID).Exec(ctx); err != nil {
			return err
		}
		return tx.LeadCluster.UpdateOneID(c.ID).SetStatus(leadcluster.StatusACCEPTED).SetTaskID(out.ID).Exec(ctx)
	})
	if err != nil {
		return nil, apperr.From(err)
	}
	return out, nil
}

// DismissCluster declines the special inspection a cluster offers, with the office's reason.
// Its leads are not offered again in the same item and value.
func DismissCluster(ctx context.Context, client *ent.Client, clusterID int, note string) (*ent.LeadCluster, error) {
	ctx, err := authz.Require(ctx, authz.DecideLeadClusters)
	if err != nil {
		return nil, err
	}
	note = strings.TrimSpace(note)
	if note == "" {
		return nil, apperr.New(apperr.Invalid, "驳回专项检查提议须说明理由")
	}
	var out *ent.LeadCluster
	err = txn.Run(ctx, client, func(tx *ent.Tx) error {
		c, err := openCluster(ctx, tx, clusterID)
		if err != nil {
			return err
		}
		out, err = tx.LeadCluster.UpdateOneID(c.ID).SetStatus(leadcluster.StatusDISMISSED).SetNote(note).Save(ctx)
		return err
	})
	if err != nil {
		return nil, apperr.From(err)
	}
	return out, nil
}
