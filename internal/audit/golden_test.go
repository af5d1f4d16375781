package audit

import (
	"testing"
	"time"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/internal/clock"
)

// The audit chain's encodings are fixed: chains written by earlier versions must verify. These
// digests were computed by the encodings as they stood before RowDigest and EventHash were
// reduced to one implementation each (RowDigester, eventHasher).
func TestEncodingsGolden(t *testing.T) {
	cols := []string{"id", "name", "b", "at", "json", "nil", "flag", "n", "f", "i32"}
	vals := []any{int64(7), "名称\"\\\n", []byte(`["a", "b"]`), time.Date(2026, 1, 2, 3, 4, 5, 6, clock.CST), "[]", nil, true, 3, 1.5, int32(-4)}
	if got, want := digestColumns(cols, vals), "853ff02958669be31e4ed5ea48d108a39d5e0ad173c77c0278a64e0398b58943"; got != want {
		t.Errorf("row digest %s, want %s", got, want)
	}
	e := &ent.AuditEvent{Seq: 42, At: time.Date(2026, 11, 27, 10, 0, 0, 123456000, clock.CST), Actor: "system:ssgk import",
		DepartmentCode: "SCJG", Action: "UPDATE", EntityType: "Target", EntityID: 111669149697, BeforeDigest: "cd", AfterDigest: "ab",
		Operation: "导入", PrevHash: GenesisHash}
	if got, want := EventHash(e), "ea97fc01c83203d0a282a8a7be552ea0bb598a6482d3a9f92dafb394edb830f7"; got != want {
		t.Errorf("event hash %s, want %s", got, want)
	}
}
