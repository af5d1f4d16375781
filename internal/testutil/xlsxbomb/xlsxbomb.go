// Package xlsxbomb builds decompression bombs for the tests of the import limits. It imports
// nothing of the hub, so that fuzz and unit tests of the importer do not link the database.
package xlsxbomb

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
)

// New returns a small XLSX whose first worksheet unpacks to about size bytes of sheetUnit
// repeated (a decompression bomb), declaring declared bytes in its ZIP directory (size for an
// honest bomb, less for one that lies). It is built without compressing size bytes: a periodic
// input compresses, after its first chunk, to the same bytes chunk after chunk.
func New(size, declared int64, sheetUnit string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range [][2]string{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`},
	} {
		w, _ := zw.Create(p[0])
		_, _ = w.Write([]byte(p[1]))
	}
	head := []byte(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	unit := []byte(sheetUnit)
	chunk := bytes.Repeat(unit, max(1, (64<<10)/len(unit)))
	var out bytes.Buffer
	fw, _ := flate.NewWriter(&out, flate.BestCompression)
	_, _ = fw.Write(head)
	_, _ = fw.Write(chunk)
	_ = fw.Flush()
	first := out.Len()
	_, _ = fw.Write(chunk)
	_ = fw.Flush()
	again := append([]byte(nil), out.Bytes()[first:]...)
	raw := append([]byte(nil), out.Bytes()[:first]...)
	for n := int64(len(head) + 2*len(chunk)); n <= size; n += int64(len(chunk)) {
		raw = append(raw, again...)
	}
	raw = append(raw, again...)
	raw = append(raw, 0x03, 0x00) // a final, empty block
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate,
		CompressedSize64: uint64(len(raw)), UncompressedSize64: uint64(declared)})
	if err != nil {
		panic(fmt.Sprintf("xlsxbomb: %v", err))
	}
	_, _ = w.Write(raw)
	_ = zw.Close()
	return buf.Bytes()
}
