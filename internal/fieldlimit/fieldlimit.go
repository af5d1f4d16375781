// Package fieldlimit holds the length limits of the fields that more than one layer checks —
// the ent schema (ent/schema, the last word before the database) and the spreadsheet importer
// (internal/importer, which names the cell) — so that the two cannot drift apart. It has no
// dependencies so that the schema can import it. Lengths are in characters (runes).
package fieldlimit

const (
	// TargetName is the longest name of an inspection target (检查对象名称).
	TargetName = 200
	// InspectorName is the longest name of an inspector (执法检查人员姓名).
	InspectorName = 50
	// ItemCode is the longest code of an inspection item (事项编码).
	ItemCode = 40
)
