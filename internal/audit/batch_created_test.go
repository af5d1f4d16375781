package audit

import (
	"testing"
	"time"

	"github.com/ssgk/ssgk/ent"
)

func TestEventHasherEqualsEventHash(t *testing.T) {
	e := &ent.AuditEvent{Seq: 42, At: time.Date(2026, 11, 27, 10, 0, 0, 123456000, time.FixedZone("CST", 8*3600)), Actor: "system:ssgk import",
		DepartmentCode: "SCJG", Action: "CREATE", EntityType: "Target", EntityID: 111669149697, AfterDigest: "ab", Operation: "导入", PrevHash: GenesisHash}
	if got, want := newEventHasher(e).hash(e), EventHash(e); got != want {
		t.Fatalf("hash %s, want %s", got, want)
	}
}

func TestRowDigesterEqualsDigestColumns(t *testing.T) {
	cols := []string{"id", "name", "b", "at", "json", "nil", "flag", "n"}
	vals := []any{int64(7), "名称\"\\\n", []byte(`["a", "b"]`), time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC), "[]", nil, true, 3}
	if got, want := NewRowDigester(cols).Digest(vals), digestColumns(cols, vals); got != want {
		t.Fatalf("digest %s, want %s", got, want)
	}
}
