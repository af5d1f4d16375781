package importer

import (
	"io"
	"iter"

	"github.com/xuri/excelize/v2"
)

// The exporters write the import layout: one sheet named after the kind, the canonical headers
// (Columns) in row 1 and one record per row, every cell as text so that codes keep their leading
// zeros. An exported file re-imports unchanged (same records, same digests). They stream through
// excelize's StreamWriter; rows come from an iterator, e.g. a paged database query, and an
// iterator error stops the export.

// WriteTargetsXLSX exports targets.
func WriteTargetsXLSX(w io.Writer, rows iter.Seq2[*TargetRecord, error]) error {
	return writeRecordsXLSX(w, KindTargets, rows, TargetCells)
}

// WriteInspectorsXLSX exports inspectors.
func WriteInspectorsXLSX(w io.Writer, rows iter.Seq2[*InspectorRecord, error]) error {
	return writeRecordsXLSX(w, KindInspectors, rows, InspectorCells)
}

// WriteItemsXLSX exports items.
func WriteItemsXLSX(w io.Writer, rows iter.Seq2[*ItemRecord, error]) error {
	return writeRecordsXLSX(w, KindItems, rows, ItemCells)
}

// Records adapts a slice to the exporters' iterator.
func Records[T any](recs []T) iter.Seq2[*T, error] {
	return func(yield func(*T, error) bool) {
		for i := range recs {
			if !yield(&recs[i], nil) {
				return
			}
		}
	}
}

func writeRecordsXLSX[T any](w io.Writer, kind Kind, rows iter.Seq2[*T, error], cells func(*T) []string) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := kind.Title()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	style, err := headerStyle(f)
	if err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	cols := columnsOf(kind)
	for i, c := range cols {
		width := 14.0
		switch c.Field {
		case "uscc", "name", "address", "legal_basis", "content", "licences", "id_number":
			width = 24
		}
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	head := make([]any, len(cols))
	for i, c := range cols {
		head[i] = excelize.Cell{StyleID: style, Value: c.Name}
	}
	if err := sw.SetRow("A1", head); err != nil {
		return err
	}
	line := 1
	values := make([]any, len(cols))
	for rec, err := range rows {
		if err != nil {
			return err
		}
		line++
		for i, v := range cells(rec) {
			values[i] = v
		}
		cell, _ := excelize.CoordinatesToCellName(1, line)
		if err := sw.SetRow(cell, values); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(w)
}
