package hub_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// entPackages are the import paths of the generated ent client and its test helper.
var entPackages = map[string]bool{"github.com/ssgk/ssgk/ent": true, "github.com/ssgk/ssgk/ent/enttest": true}

// builders are the ent functions that build a client; only the composition root may call them,
// so that no client misses a hook, an interceptor or a row policy.
var builders = map[string]bool{"NewClient": true, "Open": true}

// allowed are the directories (relative to the module root) whose files may build a client.
var allowed = map[string]bool{"internal/hub": true}

// TestGuard_OnlyTheHubBuildsAnEntClient parses every hand-written Go file of the module (ent/
// is generated and skipped) and fails on any call of ent.NewClient or ent.Open outside
// internal/hub, whatever name the ent package is imported under.
func TestGuard_OnlyTheHubBuildsAnEntClient(t *testing.T) {
	root := moduleRoot(t)
	var bad []string
	hubBuilds := 0
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel == "ent" || (rel != "." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "node_modules")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		if allowed[filepath.ToSlash(filepath.Dir(rel))] {
			hubBuilds += len(clientBuilds(f))
			return nil
		}
		for _, call := range clientBuilds(f) {
			bad = append(bad, fset.Position(call.Pos()).String())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if hubBuilds == 0 {
		t.Error("internal/hub builds no ent client: the guard looks for the wrong calls")
	}
	for _, b := range bad {
		t.Errorf("%s builds an ent client: only internal/hub may (hub.Open installs every rule on it)", b)
	}
}

// clientBuilds returns the calls of ent.NewClient / ent.Open in f.
func clientBuilds(f *ast.File) []*ast.CallExpr {
	names := map[string]bool{}
	for _, imp := range f.Imports {
		p, _ := strconv.Unquote(imp.Path.Value)
		if !entPackages[p] {
			continue
		}
		name := filepath.Base(p)
		if imp.Name != nil {
			name = imp.Name.Name
		}
		names[name] = true
	}
	if len(names) == 0 {
		return nil
	}
	var out []*ast.CallExpr
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		// ent.NewClient(...), and ent.NewClient passed or called through a value.
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		if id, ok := sel.X.(*ast.Ident); ok && names[id.Name] && builders[sel.Sel.Name] {
			out = append(out, call)
		}
		return true
	})
	// A builder taken as a value (f := ent.NewClient) is a build too.
	ast.Inspect(f, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		if id, ok := sel.X.(*ast.Ident); ok && names[id.Name] && builders[sel.Sel.Name] && !isCalled(f, sel) {
			out = append(out, &ast.CallExpr{Fun: sel})
		}
		return true
	})
	return out
}

// isCalled reports whether sel is the function of a call expression in f.
func isCalled(f *ast.File, sel *ast.SelectorExpr) bool {
	called := false
	ast.Inspect(f, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok && call.Fun == sel {
			called = true
		}
		return !called
	})
	return called
}

// moduleRoot is the directory holding go.mod, above this package's directory.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found")
		}
		dir = parent
	}
}
