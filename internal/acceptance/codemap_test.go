package acceptance

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// TestReadmeCodeMapNamesEveryPackage keeps the README's code map (its layer table) true: every
// directory of hand-written Go code is named in it, and every package path it names exists.
// The generated ent packages are named as a whole (`ent/`).
func TestReadmeCodeMapNamesEveryPackage(t *testing.T) {
	t.Parallel()
	root := filepath.Join("..", "..")
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	start := strings.Index(text, "## 代码结构")
	if start < 0 {
		t.Fatal("README.md has no 代码结构 section")
	}
	section := text[start:]
	if end := strings.Index(section[len("## 代码结构"):], "\n## "); end >= 0 {
		section = section[:len("## 代码结构")+end]
	}
	named := map[string]bool{}
	for _, m := range regexp.MustCompile("`([a-z][a-z0-9_./]*)/?`").FindAllStringSubmatch(section, -1) {
		named[strings.TrimSuffix(m[1], "/")] = true
	}

	var missing []string
	dirs := map[string]bool{}
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			base := d.Name()
			if rel != "." && (strings.HasPrefix(base, ".") || base == "testdata" || base == "node_modules" || rel == "ent") {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(rel, ".go") && !strings.HasSuffix(rel, "_test.go") {
			dirs[filepath.ToSlash(filepath.Dir(rel))] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for d := range dirs {
		if d != "." && !named[d] {
			missing = append(missing, d)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("README.md's code map does not name these packages: %v", missing)
	}
	for p := range named {
		if !strings.HasPrefix(p, "internal/") && !strings.HasPrefix(p, "tools/") && !strings.HasPrefix(p, "cmd/") {
			continue
		}
		if _, err := os.Stat(filepath.Join(root, p)); err != nil {
			t.Errorf("README.md's code map names %s, which does not exist", p)
		}
	}
	if len(dirs) < 40 {
		t.Fatalf("found only %d package directories: the walk is wrong", len(dirs))
	}
}
