// Package publish records public acts (公示): a filed list version, a published plan, a task
// announcement, a draw commitment or reveal, a published result or correction. Every path that
// publishes goes through Record, so that each act gets the same digest and — with the
// transparency log — the same leaf.
package publish

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"github.com/ssgk/ssgk/internal/clock"
	"time"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/publication"
)

// Act is one public act.
type Act struct {
	Kind         publication.Kind
	Title        string
	SubjectType  string // ent type name, e.g. ent.TypeResult
	SubjectID    int
	DepartmentID int // 0 when the act is the office's or the hub's
	DivisionCode string
	// Payload is what the public sees; it is stored and digested as JSON with sorted keys.
	Payload map[string]any
	// Corrects is the publication this one corrects (CORRECTION), 0 if none.
	Corrects int
	At       time.Time // zero: now
}

// Digest is SHA-256 over the JSON encoding of v (encoding/json sorts map keys), lowercase hex.
func Digest(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// Record stores the act in the transaction tx.
func Record(ctx context.Context, tx *ent.Tx, a Act) (*ent.Publication, error) {
	digest, err := Digest(a.Payload)
	if err != nil {
		return nil, err
	}
	at := a.At
	if at.IsZero() {
		at = clock.Now()
	}
	c := tx.Publication.Create().SetKind(a.Kind).SetTitle(a.Title).SetPublishedAt(at).
		SetSubjectType(a.SubjectType).SetSubjectID(a.SubjectID).SetPayload(a.Payload).SetDigest(digest)
	if a.DepartmentID != 0 {
		c.SetDepartmentID(a.DepartmentID)
	}
	if a.DivisionCode != "" {
		c.SetDivisionCode(a.DivisionCode)
	}
	if a.Corrects != 0 {
		c.SetCorrectsID(a.Corrects)
	}
	return c.Save(ctx)
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
