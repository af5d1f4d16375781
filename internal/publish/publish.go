// Package publish records public acts (公示): a filed list version, a published plan, a task
// announcement, a draw commitment or reveal, a published result or correction. Every path that
// publishes goes through Record, so that each act gets the same digest and — with the
// transparency log — the same leaf.
package publish

import (
	"context"
	"encoding/json"
	"time"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/publication"
	"github.com/ssgk/ssgk/internal/clock"
	"github.com/ssgk/ssgk/internal/ledger"
)

// Act is one public act.
type Act struct {
	Kind         publication.Kind
	Title        string
	SubjectType  string // ent type name, e.g. ent.TypeResult
	SubjectID    int
	DepartmentID int // 0 when the act is the office's or the hub's
	DivisionCode string
	// Payload is what the public sees: one of the payload types (payload.go), or any value
	// with a JSON object encoding. It is stored and digested as JSON with sorted keys.
	Payload any
	// Corrects is the publication this one corrects (CORRECTION), 0 if none.
	Corrects int
	At       time.Time // zero: now
}

// Digest is SHA-256 over the JSON encoding of v (encoding/json sorts map keys), lowercase hex.
// It is the transparency log's ledger.PayloadDigest.
func Digest(v any) (string, error) { return ledger.PayloadDigest(v) }

// Record stores the act in the transaction tx and appends it to the transparency log
// (ledger.Append) in the same transaction. The payload is stored as its JSON round trip — what
// the database gives back — so that its digest can be recomputed from the stored row; the time
// is kept to the microsecond, which SQLite and PostgreSQL both store exactly.
func Record(ctx context.Context, tx *ent.Tx, a Act) (*ent.Publication, error) {
	payload, err := normalize(a.Payload)
	if err != nil {
		return nil, err
	}
	digest, err := Digest(payload)
	if err != nil {
		return nil, err
	}
	at := a.At
	if at.IsZero() {
		at = clock.Now(ctx)
	}
	at = at.Truncate(ledger.TimePrecision)
	c := tx.Publication.Create().SetKind(a.Kind).SetTitle(a.Title).SetPublishedAt(at).
		SetSubjectType(a.SubjectType).SetSubjectID(a.SubjectID).SetPayload(payload).SetDigest(digest)
	if a.DepartmentID != 0 {
		c.SetDepartmentID(a.DepartmentID)
	}
	if a.DivisionCode != "" {
		c.SetDivisionCode(a.DivisionCode)
	}
	if a.Corrects != 0 {
		c.SetCorrectsID(a.Corrects)
	}
	p, err := c.Save(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := ledger.Append(ctx, tx, p); err != nil {
		return nil, err
	}
	return p, nil
}

// normalize returns the payload as it reads back from the database: the JSON round trip of the
// value (numbers become float64, structs become maps with sorted keys). A nil payload stays nil.
func normalize(payload any) (map[string]any, error) {
	if payload == nil {
		return nil, nil
	}
	b, err := json.Marshal(payload)
	if err != nil {
		return nil, err
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// Latest returns the newest publication of a subject of the given kind, or nil.
func Latest(ctx context.Context, client *ent.Client, kind publication.Kind, subjectType string, subjectID int) (*ent.Publication, error) {
	p, err := client.Publication.Query().
		Where(publication.KindEQ(kind), publication.SubjectType(subjectType), publication.SubjectID(subjectID)).
		Order(ent.Desc(publication.FieldPublishedAt), ent.Desc(publication.FieldID)).First(ctx)
	if ent.IsNotFound(err) {
		return nil, nil
	}
	return p, err
}
