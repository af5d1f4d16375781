package results

import (
	"context"

	"entgo.io/ent/dialect/sql"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/predicate"
	"github.com/ssgk/ssgk/ent/publication"
	"github.com/ssgk/ssgk/ent/result"
)

// Current keeps the result versions that are current: no later version of the same
// department's result for the same target and task has been published. A correction (a new
// published version) supersedes the version it corrects; both stay on record and visible, but
// only the current one counts — in connections (`current` on Result), aggregates, statistics,
// the credit feed and the portal alike. An unpublished first version is current until a
// correction replaces it.
func Current() predicate.Result {
	return func(s *sql.Selector) {
		newer := sql.Table(result.Table).As("newer")
		s.Where(sql.NotExists(
			sql.Dialect(s.Dialect()).Select(newer.C(result.FieldID)).From(newer).Where(sql.And(
				sql.ColumnsEQ(newer.C(result.FieldTaskID), s.C(result.FieldTaskID)),
				sql.ColumnsEQ(newer.C(result.FieldTargetID), s.C(result.FieldTargetID)),
				sql.ColumnsEQ(newer.C(result.FieldDepartmentID), s.C(result.FieldDepartmentID)),
				sql.EQ(newer.C(result.FieldStatus), result.StatusPUBLISHED.String()),
				sql.ColumnsGT(newer.C(result.FieldVersion), s.C(result.FieldVersion)),
			)),
		))
	}
}

// SupersededBy is the current version that supersedes r (the latest published later version of
// the same department's result for the same target and task), nil when r is current.
func SupersededBy(ctx context.Context, client *ent.Client, r *ent.Result) (*ent.Result, error) {
	nr, err := client.Result.Query().Where(result.TaskID(r.TaskID), result.TargetID(r.TargetID),
		result.DepartmentID(r.DepartmentID), result.StatusEQ(result.StatusPUBLISHED), result.VersionGT(r.Version)).
		Order(ent.Desc(result.FieldVersion)).First(ctx)
	if ent.IsNotFound(err) {
		return nil, nil
	}
	return nr, err
}

// IsCurrent tells whether r is current (see Current).
func IsCurrent(ctx context.Context, client *ent.Client, r *ent.Result) (bool, error) {
	nr, err := SupersededBy(ctx, client, r)
	return nr == nil && err == nil, err
}

// PublicationSupersededBy is the publication that currently replaces p: the end of the chain of
// corrections (corrected_by) starting at p, nil when nothing corrects p.
func PublicationSupersededBy(ctx context.Context, client *ent.Client, p *ent.Publication) (*ent.Publication, error) {
	var last *ent.Publication
	cur := p.ID
	for range 100 {
		next, err := client.Publication.Query().Where(publication.CorrectsID(cur)).
			Order(ent.Desc(publication.FieldPublishedAt), ent.Desc(publication.FieldID)).First(ctx)
		if ent.IsNotFound(err) {
			return last, nil
		}
		if err != nil {
			return nil, err
		}
		last, cur = next, next.ID
	}
	return last, nil
}

// CurrentFilter is the `current` where-filter of the results connection: current versions
// (true) or superseded ones (false), the same rule as Current. It looks only at published later
// versions, which every viewer sees, so it reveals nothing the row rules hide; the row rules
// still apply to the rows it filters.
func CurrentFilter(current bool) predicate.Result {
	if current {
		return Current()
	}
	return result.Not(Current())
}

// CurrentPublication keeps the publications no correction replaces (nothing corrects them):
// the rule of PublicationSupersededBy.
func CurrentPublication() predicate.Publication {
	return publication.Not(publication.HasCorrectedBy())
}

// CurrentPublicationFilter is the `current` where-filter of the publications connection.
func CurrentPublicationFilter(current bool) predicate.Publication {
	if current {
		return CurrentPublication()
	}
	return publication.HasCorrectedBy()
}
