package results_test

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/ssgk/ssgk/internal/results"
)

func pngBytes() []byte {
	return append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{1}, 64)...)
}

func pdfBytes(extra string) []byte {
	return []byte("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n" + extra + "\n%%EOF\n")
}

func zipBytes(t *testing.T, names ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, n := range names {
		f, err := w.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = f.Write([]byte("<xml/>"))
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// storedFiles lists the evidence files under dataDir (temporary uploads excluded).
func storedFiles(t *testing.T, dataDir string) []string {
	t.Helper()
	var out []string
	root := filepath.Join(dataDir, "evidence")
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		out = append(out, rel)
		return nil
	})
	return out
}

func TestEvidence_TypesSizesAndDedup(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	r, err := results.Save(h.asInspector, h.client, h.input(h.a, day("2026-09-18")))
	if err != nil {
		t.Fatal(err)
	}
	docx := zipBytes(t, "[Content_Types].xml", "word/document.xml")
	accepted := []struct {
		name, declared string
		data           []byte
		want           string
	}{
		{"检查记录.pdf", "application/pdf", pdfBytes("a"), results.TypePDF},
		{"现场照片.jpg", "image/jpeg", append([]byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 'J', 'F', 'I', 'F', 0}, bytes.Repeat([]byte{2}, 100)...), results.TypeJPEG},
		{"截图.png", "application/octet-stream", pngBytes(), results.TypePNG}, // declared type ignored
		{"责令改正通知书.ofd", "application/ofd", zipBytes(t, "OFD.xml", "Doc_0/Document.xml"), results.TypeOFD},
		{`C:\材料\询问笔录.docx`, "application/msword", docx, results.TypeDOCX},
		{"台账.xlsx", "", zipBytes(t, "[Content_Types].xml", "xl/workbook.xml"), results.TypeXLSX},
	}
	for _, c := range accepted {
		ev, err := results.AddEvidence(h.asInspector, h.client, r.ID, c.name, c.declared, bytes.NewReader(c.data), h.dataDir)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		sum := sha256.Sum256(c.data)
		if ev.ContentType != c.want || ev.Size != int64(len(c.data)) || ev.Sha256 != hex.EncodeToString(sum[:]) {
			t.Fatalf("%s: stored %+v", c.name, ev)
		}
		b, err := os.ReadFile(results.EvidencePath(h.dataDir, ev.Sha256))
		if err != nil || !bytes.Equal(b, c.data) {
			t.Fatalf("%s: file: %v", c.name, err)
		}
	}
	if ev := h.client.Evidence.Query().AllX(h.sys); ev[4].FileName != "询问笔录.docx" {
		t.Fatalf("file name kept a path: %q", ev[4].FileName)
	}
	files := len(storedFiles(t, h.dataDir))

	// Refused: nothing on disk, nothing in the database.
	refused := []struct {
		name, declared string
		data           io.Reader
		code           string
	}{
		{"病毒.pdf", "application/pdf", bytes.NewReader([]byte("MZ\x90\x00 this is an executable")), results.CodeEvidenceBadType},
		{"说明.txt", "text/plain", bytes.NewReader([]byte("纯文本说明")), results.CodeEvidenceBadType},
		{"压缩包.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", bytes.NewReader(zipBytes(t, "a.txt")), results.CodeEvidenceBadType},
		{"空.pdf", "application/pdf", bytes.NewReader(nil), results.CodeEvidenceBadType},
		{"超大.pdf", "application/pdf", io.MultiReader(bytes.NewReader(pdfBytes("")), bytes.NewReader(make([]byte, results.MaxEvidenceSize))), results.CodeEvidenceTooLarge},
	}
	for _, c := range refused {
		_, err := results.AddEvidence(h.asInspector, h.client, r.ID, c.name, c.declared, c.data, h.dataDir)
		wantCode(t, c.name, err, c.code)
	}
	if n := h.client.Evidence.Query().CountX(h.sys); n != len(accepted) {
		t.Fatalf("%d evidence rows after refusals", n)
	}
	if got := storedFiles(t, h.dataDir); len(got) != files {
		t.Fatalf("files after refusals: %v", got)
	}

	// Exactly 20 MiB is accepted.
	exact := append(pdfBytes(""), make([]byte, results.MaxEvidenceSize-len(pdfBytes("")))...)
	if _, err := results.AddEvidence(h.asInspector, h.client, r.ID, "整20M.pdf", "", bytes.NewReader(exact), h.dataDir); err != nil {
		t.Fatalf("20 MiB: %v", err)
	}

	// The same bytes are stored once: again for the same result is the same evidence; for
	// another result a new row pointing at the same file.
	first := h.client.Evidence.Query().FirstX(h.sys)
	again, err := results.AddEvidence(h.asInspector, h.client, r.ID, "检查记录（副本）.pdf", "", bytes.NewReader(pdfBytes("a")), h.dataDir)
	if err != nil || again.ID != first.ID {
		t.Fatalf("same file again: %v, id %d vs %d", err, again.ID, first.ID)
	}
	r2, err := results.Save(h.asInspector, h.client, h.input(h.b, day("2026-09-18")))
	if err != nil {
		t.Fatal(err)
	}
	shared, err := results.AddEvidence(h.asInspector, h.client, r2.ID, "检查记录.pdf", "", bytes.NewReader(pdfBytes("a")), h.dataDir)
	if err != nil || shared.ID == first.ID || shared.Sha256 != first.Sha256 {
		t.Fatalf("same file, other result: %v %+v", err, shared)
	}
	if got := storedFiles(t, h.dataDir); len(got) != files+1 {
		t.Fatalf("files = %v", got)
	}

	// Only the inspecting department adds evidence.
	_, err = results.AddEvidence(h.asWJ, h.client, r.ID, "x.pdf", "", bytes.NewReader(pdfBytes("b")), h.dataDir)
	wantCode(t, "other department", err, "FORBIDDEN")
}
