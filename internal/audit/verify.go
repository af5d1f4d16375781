package audit

import (
	"context"
	"fmt"
	"sort"

	entsql "entgo.io/ent/dialect/sql"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/auditevent"
	"github.com/ssgk/ssgk/internal/viewer"
)

// Problem is one finding of Verify.
type Problem struct {
	Seq        int64  // the event concerned, 0 for a row finding
	EntityType string // the row concerned, for row findings
	EntityID   int
	Message    string // Chinese, for the operator
}

func (p Problem) String() string {
	if p.Seq > 0 {
		return fmt.Sprintf("事件 #%d：%s", p.Seq, p.Message)
	}
	if p.EntityType == "" {
		return p.Message
	}
	return fmt.Sprintf("%s #%d：%s", p.EntityType, p.EntityID, p.Message)
}

// Report is the outcome of Verify.
type Report struct {
	Events   int64     // events checked
	Rows     int       // rows checked
	Head     string    // hash of the last event
	Problems []Problem // empty when everything verifies
}

// OK reports whether the trail and the data verified.
func (r *Report) OK() bool { return len(r.Problems) == 0 }

// Verify walks the chain in order and checks every link, then re-digests every audited row — of
// every entity table and, as sets per group, of every join table (joins.go) — and compares it
// with the digest the trail last recorded for it. progress, if not nil, is called
// as work advances.
func Verify(ctx context.Context, client *ent.Client, progress func(stage string, done, total int)) (*Report, error) {
	rep := &Report{}
	total, err := client.AuditEvent.Query().Count(ctx)
	if err != nil {
		return nil, err
	}
	last := map[string]map[int]string{} // type → id → after digest ("" when deleted)
	prev, want := GenesisHash, int64(1)
	const page = 2000
	for after := int64(0); ; {
		evs, err := client.AuditEvent.Query().Where(auditevent.SeqGT(after)).Order(ent.Asc(auditevent.FieldSeq)).Limit(page).All(ctx)
		if err != nil {
			return nil, err
		}
		for _, e := range evs {
			if e.Seq != want {
				rep.Problems = append(rep.Problems, Problem{Seq: want, Message: fmt.Sprintf("缺少事件（下一条为 #%d），审计日志被删除或篡改", e.Seq)})
			}
			if e.PrevHash != prev {
				rep.Problems = append(rep.Problems, Problem{Seq: e.Seq, Message: "与上一条事件的哈希链接不符"})
			}
			if EventHash(e) != e.Hash {
				rep.Problems = append(rep.Problems, Problem{Seq: e.Seq, Message: "事件内容与其哈希不符，事件被修改"})
			}
			if last[e.EntityType] == nil {
				last[e.EntityType] = map[int]string{}
			}
			last[e.EntityType][e.EntityID] = e.AfterDigest
			prev, want = e.Hash, e.Seq+1
			rep.Events++
		}
		if progress != nil {
			progress("审计日志", int(rep.Events), total)
		}
		if len(evs) < page {
			break
		}
		after = evs[len(evs)-1].Seq
	}
	rep.Head = prev

	types := make([]string, 0, len(ent.TypeTables))
	for t := range ent.TypeTables {
		// The access log is a log of reads of its own, kept out of the change trail by Hook
		// (append-only there): its rows have no change events to compare with.
		if t != ent.TypeAuditEvent && t != ent.TypeAccessLog {
			types = append(types, t)
		}
	}
	sort.Strings(types)
	for i, typ := range types {
		table := ent.TypeTables[typ]
		digests, err := tableDigests(ctx, client, table)
		if err != nil {
			return nil, err
		}
		seen := map[int]bool{}
		for _, row := range digests {
			id, d := row.id, row.digest
			seen[id] = true
			rec, ok := last[typ][id]
			switch {
			case !ok:
				rep.Problems = append(rep.Problems, Problem{EntityType: typ, EntityID: id, Message: "该记录没有审计日志，可能是绕过系统直接写入"})
			case rec == "":
				rep.Problems = append(rep.Problems, Problem{EntityType: typ, EntityID: id, Message: "审计日志记载该记录已删除，但记录仍存在"})
			case rec != d:
				rep.Problems = append(rep.Problems, Problem{EntityType: typ, EntityID: id, Message: "记录内容与审计日志最后记载的摘要不符，记录被绕过系统修改"})
			}
			rep.Rows++
		}
		for id, rec := range last[typ] {
			if rec != "" && !seen[id] {
				rep.Problems = append(rep.Problems, Problem{EntityType: typ, EntityID: id, Message: "审计日志记载该记录存在，但记录已被删除"})
			}
		}
		if progress != nil {
			progress("数据记录", i+1, len(types))
		}
	}
	for _, j := range joins {
		if err := verifyJoin(ctx, client, j, last[j.Table], rep); err != nil {
			return nil, err
		}
	}
	sort.SliceStable(rep.Problems, func(a, b int) bool {
		pa, pb := rep.Problems[a], rep.Problems[b]
		if pa.Seq != pb.Seq {
			return pa.Seq < pb.Seq
		}
		if pa.EntityType != pb.EntityType {
			return pa.EntityType < pb.EntityType
		}
		return pa.EntityID < pb.EntityID
	})
	return rep, nil
}

type rowDigest struct {
	id     int
	digest string
}

// tableDigests scans a whole table once and digests each row as RowDigest does.
func tableDigests(ctx context.Context, client *ent.Client, table string) ([]rowDigest, error) {
	query, args := entsql.Dialect(client.Dialect()).Select("*").From(entsql.Table(table)).OrderBy("id").Query()
	rows, err := client.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	idCol := -1
	for i, c := range cols {
		if c == "id" {
			idCol = i
		}
	}
	if idCol < 0 {
		return nil, fmt.Errorf("audit: table %s has no id column", table)
	}
	var out []rowDigest
	for rows.Next() {
		vals, err := scanRow(rows, len(cols))
		if err != nil {
			return nil, err
		}
		id, err := toInt(vals[idCol])
		if err != nil {
			return nil, err
		}
		out = append(out, rowDigest{id: id, digest: digestColumns(cols, vals)})
	}
	return out, rows.Err()
}

// verifyJoin recomputes every group's set of join table j and compares it with the trail.
func verifyJoin(ctx context.Context, client *ent.Client, j joinInfo, last map[int]string, rep *Report) error {
	query, args := entsql.Dialect(client.Dialect()).Select(j.groupCol(), j.otherCol()).From(entsql.Table(j.Table)).
		OrderBy(j.groupCol(), j.otherCol()).Query()
	rows, err := client.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	seen := map[int]bool{}
	cur, members := -1, []int(nil)
	check := func() {
		if cur < 0 {
			return
		}
		seen[cur] = true
		rep.Rows++
		d := JoinSetDigest(j.Table, cur, members)
		rec, ok := last[cur]
		name := fmt.Sprintf("关联表 %s 中 %s=%d 的关联记录", j.Table, j.groupCol(), cur)
		switch {
		case !ok || rec == "":
			rep.Problems = append(rep.Problems, Problem{EntityType: j.Table, EntityID: cur, Message: name + "没有审计日志，可能是绕过系统直接写入"})
		case rec != d:
			rep.Problems = append(rep.Problems, Problem{EntityType: j.Table, EntityID: cur, Message: name + "与审计日志最后记载的摘要不符，被绕过系统增加、修改或删除"})
		}
	}
	for rows.Next() {
		var g, o int
		if err := rows.Scan(&g, &o); err != nil {
			return err
		}
		if g != cur {
			check()
			cur, members = g, members[:0]
		}
		members = append(members, o)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	check()
	for g, rec := range last {
		if rec != "" && !seen[g] {
			rep.Problems = append(rep.Problems, Problem{EntityType: j.Table, EntityID: g,
				Message: fmt.Sprintf("审计日志记载关联表 %s 中 %s=%d 有关联记录，但已全部被删除", j.Table, j.groupCol(), g)})
		}
	}
	return nil
}

// Head returns the sequence number and hash of the trail's last event (0 and "" for an empty
// trail), read in tx.
func Head(ctx context.Context, tx *ent.Tx) (int64, string, error) {
	sys := viewer.NewContext(ctx, viewer.NewSystem("audit/head"))
	tip, err := tx.AuditEvent.Query().Order(ent.Desc(auditevent.FieldSeq)).First(sys)
	switch {
	case err == nil:
		return tip.Seq, tip.Hash, nil
	case ent.IsNotFound(err):
		return 0, "", nil
	}
	return 0, "", err
}

// HasEvent reports whether the trail holds event seq with hash.
func HasEvent(ctx context.Context, client *ent.Client, seq int64, hash string) (bool, error) {
	sys := viewer.NewContext(ctx, viewer.NewSystem("audit/anchor"))
	return client.AuditEvent.Query().Where(auditevent.Seq(seq), auditevent.Hash(hash)).Exist(sys)
}
