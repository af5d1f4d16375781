package results

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/evidence"
	"github.com/ssgk/ssgk/ent/result"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/authz"
	"github.com/ssgk/ssgk/internal/txn"
	"github.com/ssgk/ssgk/internal/viewer"
)

// MaxEvidenceSize is the largest evidence file accepted (20 MiB).
const MaxEvidenceSize = 20 << 20

// Evidence content types accepted, as detected from the bytes (the declared type is not
// trusted).
const (
	TypePDF  = "application/pdf"
	TypeJPEG = "image/jpeg"
	TypePNG  = "image/png"
	TypeOFD  = "application/ofd"
	TypeDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	TypeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

// EvidencePath is where the bytes of the evidence with the given SHA-256 (hex) live under
// dataDir: evidence/<first two hex digits>/<digest>.
func EvidencePath(dataDir, sha string) string {
	return filepath.Join(dataDir, "evidence", sha[:2], sha)
}

// AddEvidence stores an evidence file for a result being entered (DRAFT or RETURNED) and records
// its name, detected type, size and SHA-256. The bytes are content-addressed: the same file
// twice is stored once. A refused file (too large, not an accepted type) leaves nothing behind,
// on disk or in the database.
func AddEvidence(ctx context.Context, client *ent.Client, resultID int, fileName, contentType string, r io.Reader, dataDir string) (*ent.Evidence, error) {
	_ = contentType // declared by the client; the stored type is detected from the content
	name, err := cleanFileName(fileName)
	if err != nil {
		return nil, err
	}
	// Check before reading the upload, and again in the transaction.
	if _, _, err := evidenceTarget(ctx, client, resultID); err != nil {
		return nil, err
	}
	dir := filepath.Join(dataDir, "evidence")
	tmpDir := filepath.Join(dir, "tmp")
	if err := os.MkdirAll(tmpDir, 0o750); err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp(tmpDir, "upload-*")
	if err != nil {
		return nil, err
	}
	tmpName := tmp.Name()
	defer os.Remove(tmpName) // no-op once renamed
	h := sha256.New()
	size, err := io.Copy(io.MultiWriter(tmp, h), io.LimitReader(r, MaxEvidenceSize+1))
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	if size > MaxEvidenceSize {
		return nil, apperr.New(CodeEvidenceTooLarge, "证据文件“%s”超过 %d MiB，未保存", name, MaxEvidenceSize>>20)
	}
	if size == 0 {
		return nil, apperr.New(CodeEvidenceBadType, "证据文件“%s”为空，未保存", name)
	}
	typ, err := detectType(tmpName, size)
	if err != nil {
		return nil, err
	}
	if typ == "" {
		return nil, apperr.New(CodeEvidenceBadType, "证据文件“%s”的类型不在允许范围内（PDF、JPEG、PNG、OFD、DOCX、XLSX），未保存", name)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	final := EvidencePath(dataDir, sum)
	created := false
	if _, err := os.Stat(final); errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(filepath.Dir(final), 0o750); err != nil {
			return nil, err
		}
		if err := os.Rename(tmpName, final); err != nil {
			return nil, err
		}
		created = true
	} else if err != nil {
		return nil, err
	}
	var out *ent.Evidence
	err = txn.Run(ctx, client, func(tx *ent.Tx) error {
		res, ctx, err := evidenceTarget(ctx, tx.Client(), resultID)
		if err != nil {
			return err
		}
		// The same file for the same result is one piece of evidence.
		prev, err := tx.Evidence.Query().Where(evidence.ResultID(resultID), evidence.Sha256(sum)).First(ctx)
		if err == nil {
			out = prev
			return nil
		} else if !ent.IsNotFound(err) {
			return err
		}
		c := tx.Evidence.Create().SetResultID(resultID).SetFileName(name).SetContentType(typ).SetSize(size).
			SetSha256(sum).SetDivisionCode(res.DivisionCode)
		if v := viewer.FromContext(ctx); v.Kind == viewer.Account && v.AccountID != 0 {
			c.SetUploadedByID(v.AccountID)
		}
		out, err = c.Save(ctx)
		return err
	})
	if err != nil {
		if created {
			// Nothing else refers to a file this call created, unless a concurrent upload of
			// the same bytes committed meanwhile.
			if n, cerr := client.Evidence.Query().Where(evidence.Sha256(sum)).Count(ctx); cerr == nil && n == 0 {
				_ = os.Remove(final)
			}
		}
		return nil, err
	}
	return out, nil
}

// evidenceTarget loads the result and checks that the viewer may add evidence to it now; it
// returns the context authorised for the write.
func evidenceTarget(ctx context.Context, client *ent.Client, resultID int) (*ent.Result, context.Context, error) {
	res, err := client.Result.Get(ctx, resultID)
	if ent.IsNotFound(err) {
		return nil, ctx, apperr.New(apperr.NotFound, "检查结果不存在")
	} else if err != nil {
		return nil, ctx, err
	}
	if ctx, err = authz.Require(ctx, authz.EnterResults, res.DepartmentID); err != nil {
		return nil, ctx, err
	}
	switch res.Status {
	case result.StatusDRAFT, result.StatusRETURNED:
		return res, ctx, nil
	case result.StatusPUBLISHED:
		return nil, ctx, immutable()
	}
	return nil, ctx, badState(res.Status, "增加证据材料（只有录入中或已退回的结果可以增加）")
}

func cleanFileName(s string) (string, error) {
	s = strings.ReplaceAll(s, "\\", "/")
	if i := strings.LastIndex(s, "/"); i >= 0 {
		s = s[i+1:]
	}
	s = strings.TrimSpace(s)
	if s == "" || s == "." || s == ".." || !utf8.ValidString(s) || utf8.RuneCountInString(s) > 200 || strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 }) {
		return "", apperr.New(apperr.Invalid, "证据文件名无效（不能为空、不超过 200 个字符）")
	}
	return s, nil
}

// detectType sniffs the file: PDF, JPEG and PNG by their signatures (http.DetectContentType);
// OFD, DOCX and XLSX are ZIP containers told apart by their entries (OFD.xml; word/document.xml;
// xl/workbook.xml). Anything else is "".
func detectType(path string, size int64) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	head := make([]byte, 512)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return "", err
	}
	switch t := http.DetectContentType(head[:n]); t {
	case TypePDF, TypeJPEG, TypePNG:
		return t, nil
	case "application/zip":
	default:
		return "", nil
	}
	zr, err := zip.NewReader(f, size)
	if err != nil {
		return "", nil // not a readable ZIP: not an accepted type
	}
	has := map[string]bool{}
	for _, e := range zr.File {
		has[strings.TrimPrefix(e.Name, "/")] = true
	}
	switch {
	case has["OFD.xml"]:
		return TypeOFD, nil
	case has["[Content_Types].xml"] && has["word/document.xml"]:
		return TypeDOCX, nil
	case has["[Content_Types].xml"] && has["xl/workbook.xml"]:
		return TypeXLSX, nil
	}
	return "", nil
}
