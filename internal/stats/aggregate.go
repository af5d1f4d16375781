package stats

import (
	"context"
	stdsql "database/sql"
	"fmt"
	"strings"
	"time"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"

	"github.com/ssgk/ssgk/ent/department"
	"github.com/ssgk/ssgk/ent/inspectionitem"
	"github.com/ssgk/ssgk/ent/result"
	"github.com/ssgk/ssgk/ent/resultcode"
	"github.com/ssgk/ssgk/ent/resultitem"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/results"
	"github.com/ssgk/ssgk/internal/sharing"
	"github.com/ssgk/ssgk/internal/viewer"
)

// Dimensions a dashboard can group results by.
const (
	ByDepartment = "DEPARTMENT"
	ByItem       = "ITEM"
	ByResultCode = "RESULT_CODE"
	ByDivision   = "DIVISION"
	ByMonth      = "MONTH"
)

// GroupingFilter narrows an aggregate.
type GroupingFilter struct {
	From, To        *time.Time // on the publication time, or the inspection end date before it
	DepartmentCodes []string
	PublishedOnly   bool
}

// Querier runs the aggregates' statements and tells their SQL dialect: the hub's connection
// pool (or its standby's) as an ent SQL driver (entsql.OpenDB).
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*stdsql.Rows, error)
	Dialect() string
}

// GroupCount is one group of an aggregate.
type GroupCount struct {
	Keys, Labels []string
	Count        int
}

// Grouping counts the current results (results.Current: a corrected original no longer counts)
// the viewer may see (the row rule of package sharing, the same as every query's), grouped by the dimensions in order. A result counts once per group: once
// per item it covers when grouped by item, once per result code when grouped by code.
func Grouping(ctx context.Context, db Querier, v *viewer.Viewer, dims []string, f GroupingFilter) (total int, groups []GroupCount, err error) {
	if len(dims) == 0 || len(dims) > 5 {
		return 0, nil, apperr.New(apperr.Invalid, "请选择 1 到 5 个统计维度")
	}
	build := func() *sql.Selector {
		r := sql.Table(result.Table).As("r")
		s := sql.Dialect(db.Dialect()).Select().From(r)
		if p := sharing.VisibleResults(v); p != nil {
			p(s)
		}
		// Only current versions: a corrected original is on record but counts no more.
		results.Current()(s)
		when := resultDate(r)
		if f.PublishedOnly {
			s.Where(sql.EQ(r.C(result.FieldStatus), result.StatusPUBLISHED.String()))
		}
		if f.From != nil {
			s.Where(sql.P(func(b *sql.Builder) { b.WriteString(when).WriteString(" >= ").Arg(*f.From) }))
		}
		if f.To != nil {
			s.Where(sql.P(func(b *sql.Builder) { b.WriteString(when).WriteString(" < ").Arg(*f.To) }))
		}
		if len(f.DepartmentCodes) > 0 {
			codes := make([]any, len(f.DepartmentCodes))
			for i, c := range f.DepartmentCodes {
				codes[i] = c
			}
			d := sql.Table(department.Table)
			s.Where(sql.In(r.C(result.FieldDepartmentID), sql.Select(d.C(department.FieldID)).From(d).Where(sql.In(d.C(department.FieldCode), codes...))))
		}
		return s
	}

	// Total.
	s := build()
	s.Select(sql.Count(sql.Distinct(s.C(result.FieldID))))
	if err := scanInts(ctx, db, s, &total); err != nil {
		return 0, nil, err
	}

	s = build()
	r := sql.Table(result.Table).As("r")
	var cols []string
	for i, dim := range dims {
		key, label := fmt.Sprintf("k%d", i), fmt.Sprintf("l%d", i)
		switch dim {
		case ByDepartment:
			d := sql.Table(department.Table).As(fmt.Sprintf("d%d", i))
			s.Join(d).On(r.C(result.FieldDepartmentID), d.C(department.FieldID))
			cols = append(cols, sql.As(d.C(department.FieldCode), key), sql.As(d.C(department.FieldName), label))
		case ByItem:
			ri := sql.Table(resultitem.Table).As(fmt.Sprintf("ri%d", i))
			it := sql.Table(inspectionitem.Table).As(fmt.Sprintf("it%d", i))
			s.Join(ri).On(ri.C(resultitem.FieldResultID), r.C(result.FieldID)).
				Join(it).On(it.C(inspectionitem.FieldID), ri.C(resultitem.FieldItemID))
			cols = append(cols, sql.As(it.C(inspectionitem.FieldCode), key), sql.As(it.C(inspectionitem.FieldName), label))
		case ByResultCode:
			l := sql.Table(result.CodesTable).As(fmt.Sprintf("rl%d", i))
			c := sql.Table(resultcode.Table).As(fmt.Sprintf("rc%d", i))
			s.Join(l).On(l.C(result.CodesPrimaryKey[0]), r.C(result.FieldID)).
				Join(c).On(c.C(resultcode.FieldID), l.C(result.CodesPrimaryKey[1]))
			cols = append(cols, sql.As(c.C(resultcode.FieldCode), key), sql.As(c.C(resultcode.FieldName), label))
		case ByDivision:
			cols = append(cols, sql.As(r.C(result.FieldDivisionCode), key), sql.As(r.C(result.FieldDivisionCode), label))
		case ByMonth:
			when := resultDate(r)
			// The month in China Standard Time: SQLite stores times as text in UTC (store), which
			// strftime reads as an instant and shifts by eight hours.
			month := "strftime('%Y-%m', " + when + ", '+8 hours')"
			if db.Dialect() == dialect.Postgres {
				month = "to_char(" + when + " AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM')"
			}
			cols = append(cols, sql.As(month, key), sql.As(month, label))
		default:
			return 0, nil, apperr.New(apperr.Invalid, "不支持的统计维度 %s", dim)
		}
	}
	var keys []string
	for i := range dims {
		keys = append(keys, fmt.Sprintf("k%d", i), fmt.Sprintf("l%d", i))
	}
	s.Select(append(cols, sql.As(sql.Count(sql.Distinct(r.C(result.FieldID))), "n"))...).GroupBy(keys...).OrderBy(keys...)
	query, args := s.Query()
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return 0, nil, fmt.Errorf("stats: grouping: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		vals := make([]any, 2*len(dims)+1)
		strs := make([]sql.NullString, 2*len(dims))
		var n int
		for i := range strs {
			vals[i] = &strs[i]
		}
		vals[len(vals)-1] = &n
		if err := rows.Scan(vals...); err != nil {
			return 0, nil, err
		}
		g := GroupCount{Count: n}
		for i := range dims {
			g.Keys = append(g.Keys, strings.TrimSpace(strs[2*i].String))
			g.Labels = append(g.Labels, strings.TrimSpace(strs[2*i+1].String))
		}
		groups = append(groups, g)
	}
	return total, groups, rows.Err()
}

// resultDate is the date a result counts at: its publication, or before it the inspection end.
func resultDate(r *sql.SelectTable) string {
	return fmt.Sprintf("COALESCE(%s, %s)", r.C(result.FieldPublishedAt), r.C(result.FieldInspectionEndDate))
}

func scanInts(ctx context.Context, db Querier, s *sql.Selector, dst *int) error {
	query, args := s.Query()
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("stats: count: %w", err)
	}
	defer rows.Close()
	if rows.Next() {
		return rows.Scan(dst)
	}
	return rows.Err()
}
