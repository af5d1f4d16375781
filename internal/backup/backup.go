// Package backup writes and restores a backup of a hub: the database (SQLite: an online,
// consistent copy made with VACUUM INTO while the hub runs; PostgreSQL: by pg_dump, which the
// operator runs as docs/operations.md says), the two key files that must travel with it —
// ledger.key (the transparency log's signing key: lose it and new checkpoints can no longer be
// checked against the published public key) and session.key (lose it and every session ends) —
// and the evidence files. A manifest lists every file with its SHA-256, so a restore refuses a
// damaged or incomplete backup.
package backup

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"entgo.io/ent/dialect"

	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/ledger"
)

// Format names the layout of a backup directory.
const Format = "ssgk-backup/1"

// Names of the files in a backup directory.
const (
	ManifestFile = "MANIFEST.json"
	DatabaseFile = "ssgk.db"     // SQLite only
	LedgerKey    = "ledger.key"  // the transparency log's signing key
	SessionKey   = "session.key" // the session-signing key
	EvidenceDir  = "evidence"
	// PostgresDump is where the documented pg_dump command writes the PostgreSQL database.
	PostgresDump = "ssgk.pgdump"
	// InstructionsFile explains, in Chinese, how to finish (PostgreSQL) and restore the backup.
	InstructionsFile = "恢复说明.txt"
)

// Manifest describes a backup.
type Manifest struct {
	Format        string    `json:"format"`
	CreatedAt     time.Time `json:"createdAt"`
	Dialect       string    `json:"dialect"`
	SchemaVersion string    `json:"schemaVersion"`
	Files         []File    `json:"files"`
	// Notes for the operator (e.g. a key file that did not exist yet).
	Notes []string `json:"notes,omitempty"`
}

// File is one file of a backup.
type File struct {
	Path   string `json:"path"` // slash-separated, relative to the backup directory
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Source is what a backup copies from.
type Source struct {
	DB            *sql.DB
	Dialect       string
	SchemaVersion string
	DataDir       string // ledger.key, evidence/, and (SQLite) ssgk.db
	SessionKey    string // path of the session-signing key
}

// Create writes a backup of src into out, which must not exist or be empty.
func Create(ctx context.Context, src Source, out string) (*Manifest, error) {
	if err := emptyDir(out); err != nil {
		return nil, err
	}
	m := &Manifest{Format: Format, CreatedAt: time.Now().UTC().Truncate(time.Second), Dialect: src.Dialect, SchemaVersion: src.SchemaVersion}
	switch src.Dialect {
	case dialect.SQLite:
		// VACUUM INTO reads the database in one read transaction: a consistent copy, taken
		// while the hub keeps serving (WAL lets its writer go on).
		abs, err := filepath.Abs(filepath.Join(out, DatabaseFile))
		if err != nil {
			return nil, err
		}
		if _, err := src.DB.ExecContext(ctx, "VACUUM INTO ?", abs); err != nil {
			return nil, fmt.Errorf("复制 SQLite 数据库失败：%w", err)
		}
		if err := os.Chmod(abs, 0o600); err != nil {
			return nil, err
		}
	case dialect.Postgres:
		m.Notes = append(m.Notes, "PostgreSQL 数据库不在本目录中：请按“"+InstructionsFile+"”用 pg_dump 导出到 "+PostgresDump)
	default:
		return nil, fmt.Errorf("不支持的数据库类型 %q", src.Dialect)
	}
	copyKey := func(from, name, what string) error {
		if _, err := os.Stat(from); errors.Is(err, os.ErrNotExist) {
			m.Notes = append(m.Notes, fmt.Sprintf("%s（%s）不存在，未备份：中枢尚未生成它", what, from))
			return nil
		}
		return copyFile(from, filepath.Join(out, name), 0o600)
	}
	if err := copyKey(filepath.Join(src.DataDir, ledger.KeyFile), LedgerKey, "透明日志签名密钥"); err != nil {
		return nil, err
	}
	if err := copyKey(src.SessionKey, SessionKey, "会话签名密钥"); err != nil {
		return nil, err
	}
	// Evidence files are named by their SHA-256 and never change; tmp/ holds uploads in flight.
	evidence := filepath.Join(src.DataDir, EvidenceDir)
	err := filepath.WalkDir(evidence, func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, os.ErrNotExist) && p == evidence {
			return filepath.SkipDir
		}
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(evidence, p)
		if d.IsDir() {
			if rel == "tmp" {
				return filepath.SkipDir
			}
			return nil
		}
		return copyFile(p, filepath.Join(out, EvidenceDir, rel), 0o640)
	})
	if err != nil {
		return nil, fmt.Errorf("复制证据文件失败：%w", err)
	}
	if err := os.WriteFile(filepath.Join(out, InstructionsFile), []byte(instructions(src.Dialect)), 0o644); err != nil {
		return nil, err
	}
	if m.Files, err = listFiles(out); err != nil {
		return nil, err
	}
	b, _ := json.MarshalIndent(m, "", "  ")
	if err := os.WriteFile(filepath.Join(out, ManifestFile), append(b, '\n'), 0o644); err != nil {
		return nil, err
	}
	return m, nil
}

// Target is where a restore puts the files.
type Target struct {
	Dialect    string // of the database the restored hub will use
	DataDir    string
	SessionKey string // path of the session-signing key
}

// Restore checks the backup in from against its manifest and copies it into the target. It
// never overwrites: a data directory that already holds a database or a key is refused.
func Restore(from string, to Target) (*Manifest, error) {
	b, err := os.ReadFile(filepath.Join(from, ManifestFile))
	if err != nil {
		return nil, apperr.New(apperr.Invalid, "%s 不是 ssgk 备份目录（缺少 %s）", from, ManifestFile)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil || m.Format != Format {
		return nil, apperr.New(apperr.Invalid, "备份清单 %s 无法识别（格式应为 %s）", ManifestFile, Format)
	}
	for _, f := range m.Files {
		sum, size, err := hashFile(filepath.Join(from, filepath.FromSlash(f.Path)))
		if err != nil {
			return nil, apperr.New(apperr.Invalid, "备份不完整：缺少 %s", f.Path)
		}
		if sum != f.SHA256 || size != f.Size {
			return nil, apperr.New(apperr.Invalid, "备份已损坏：%s 的 SHA-256 与清单不符", f.Path)
		}
	}
	if m.Dialect != to.Dialect {
		return nil, apperr.New(apperr.Invalid, "这是 %s 数据库的备份，不能恢复到 %s 数据库", dialectName(m.Dialect), dialectName(to.Dialect))
	}
	has := map[string]bool{}
	for _, f := range m.Files {
		has[f.Path] = true
	}
	dbDest := filepath.Join(to.DataDir, DatabaseFile)
	ledgerDest := filepath.Join(to.DataDir, ledger.KeyFile)
	for _, p := range []string{dbDest, ledgerDest, to.SessionKey} {
		if _, err := os.Stat(p); err == nil {
			if p == dbDest && m.Dialect != dialect.SQLite {
				continue
			}
			return nil, apperr.New(apperr.Conflict, "%s 已存在：恢复不会覆盖现有文件，请恢复到新的数据目录，或先把现有文件移走", p)
		}
	}
	if err := os.MkdirAll(to.DataDir, 0o750); err != nil {
		return nil, err
	}
	if m.Dialect == dialect.SQLite {
		if !has[DatabaseFile] {
			return nil, apperr.New(apperr.Invalid, "备份中没有 SQLite 数据库 %s", DatabaseFile)
		}
		if err := copyFile(filepath.Join(from, DatabaseFile), dbDest, 0o600); err != nil {
			return nil, err
		}
	}
	if has[LedgerKey] {
		if err := copyFile(filepath.Join(from, LedgerKey), ledgerDest, 0o600); err != nil {
			return nil, err
		}
	}
	if has[SessionKey] {
		if err := copyFile(filepath.Join(from, SessionKey), to.SessionKey, 0o600); err != nil {
			return nil, err
		}
	}
	for _, f := range m.Files {
		if rel, ok := strings.CutPrefix(f.Path, EvidenceDir+"/"); ok {
			if err := copyFile(filepath.Join(from, filepath.FromSlash(f.Path)), filepath.Join(to.DataDir, EvidenceDir, filepath.FromSlash(rel)), 0o640); err != nil {
				return nil, err
			}
		}
	}
	return &m, nil
}

func dialectName(d string) string {
	if d == dialect.Postgres {
		return "PostgreSQL"
	}
	return "SQLite"
}

// emptyDir creates dir, or accepts it when it exists and is empty.
func emptyDir(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return os.MkdirAll(dir, 0o700)
	case err != nil:
		return err
	case len(entries) > 0:
		return apperr.New(apperr.Conflict, "备份目录 %s 不是空目录：请指定新的目录", dir)
	}
	return os.Chmod(dir, 0o700)
}

func copyFile(from, to string, mode os.FileMode) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	if err := os.MkdirAll(filepath.Dir(to), 0o750); err != nil {
		return err
	}
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func hashFile(p string) (string, int64, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	return hex.EncodeToString(h.Sum(nil)), n, err
}

// listFiles lists every file under dir (but the manifest) with its checksum, sorted.
func listFiles(dir string) ([]File, error) {
	var out []File
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if rel == ManifestFile {
			return nil
		}
		sum, size, err := hashFile(p)
		if err != nil {
			return err
		}
		out = append(out, File{Path: rel, Size: size, SHA256: sum})
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, err
}

// instructions is the operator's note kept in every backup.
func instructions(d string) string {
	var b strings.Builder
	b.WriteString("ssgk 备份（" + Format + "）\n\n")
	b.WriteString("本目录含：透明日志签名密钥 ledger.key、会话签名密钥 session.key、证据文件 evidence/，\n")
	b.WriteString("以及 MANIFEST.json（每个文件的 SHA-256）。两个密钥文件是机密：请与数据库备份一起加密保存，\n")
	b.WriteString("丢失 ledger.key 后新的检查点无法再用已公布的公钥核验；丢失 session.key 后所有登录会话失效。\n\n")
	if d == dialect.Postgres {
		b.WriteString("数据库（PostgreSQL）须另用 pg_dump 导出到本目录（在备份密钥之后立即执行）：\n\n")
		b.WriteString("  pg_dump --format=custom --no-owner --file \"本目录/" + PostgresDump + "\" \"$DATABASE_URL\"\n\n")
		b.WriteString("恢复：\n")
		b.WriteString("  1. createdb 新库名（或使用已建好的空库）\n")
		b.WriteString("  2. pg_restore --no-owner --exit-on-error --dbname \"新库地址\" \"本目录/" + PostgresDump + "\"\n")
		b.WriteString("  3. DATABASE_URL=新库地址 ssgk restore --from 本目录 --data-dir 新数据目录\n")
		b.WriteString("  4. DATABASE_URL=新库地址 ssgk audit verify --data-dir 新数据目录\n")
		b.WriteString("     DATABASE_URL=新库地址 ssgk ledger audit --data-dir 新数据目录\n")
	} else {
		b.WriteString("数据库（SQLite）ssgk.db 是运行中用 VACUUM INTO 取得的一致副本。\n\n")
		b.WriteString("恢复：\n")
		b.WriteString("  1. ssgk restore --from 本目录 --data-dir 新数据目录\n")
		b.WriteString("  2. ssgk audit verify --data-dir 新数据目录\n")
		b.WriteString("     ssgk ledger audit --data-dir 新数据目录\n")
		b.WriteString("  3. 用新数据目录启动：DATA_DIR=新数据目录 ssgk serve\n")
	}
	b.WriteString("\n详见 docs/operations.md。\n")
	return b.String()
}
