package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/urfave/cli/v3"

	"github.com/ssgk/ssgk/internal/store"
)

// commandPaths walks the command tree as the program builds it (newApp) and returns every
// command: its path below ssgk ("import targets") and the command.
func commandPaths() map[string]*cli.Command {
	out := map[string]*cli.Command{}
	var walk func(prefix string, c *cli.Command)
	walk = func(prefix string, c *cli.Command) {
		out[prefix] = c
		for _, sub := range c.Commands {
			p := sub.Name
			if prefix != "" {
				p = prefix + " " + sub.Name
			}
			walk(p, sub)
		}
	}
	walk("", newApp(io.Discard, io.Discard))
	return out
}

// runProgram runs the real program (this test binary running main, TestMain) in dir.
func runProgram(t *testing.T, dir string, args ...string) (stdout, stderr string, status int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), runMainEnv+"=1", "DATABASE_URL=", "DATABASE_URL_FILE=", "DATA_DIR=", "DATA_DIR_FILE=")
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		status = ee.ExitCode()
	default:
		t.Fatalf("ssgk %s: %v", strings.Join(args, " "), err)
	}
	return o.String(), e.String(), status
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// requiredFlagArgs gives every required flag of c a value, so that a test reaches the check
// of the positional arguments.
func requiredFlagArgs(c *cli.Command) []string {
	var out []string
	for _, f := range c.Flags {
		if r, ok := f.(cli.RequiredFlag); ok && r.IsRequired() {
			out = append(out, "--"+f.Names()[0], "1")
		}
	}
	return out
}

// Every command and subcommand — found by walking the command tree, not from a list — has a
// Chinese usage line, a description and an example, and prints them for --help and -h with
// exit status 0; an unknown flag, a missing or extra argument and a missing subcommand exit
// with status 2 and one Chinese line naming the command's --help.
func TestHelp_EveryCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the program")
	}
	dir := t.TempDir()
	paths := commandPaths()
	if len(paths) < 30 {
		t.Fatalf("only %d commands in the tree", len(paths))
	}
	for path, c := range paths {
		name := strings.TrimSpace("ssgk " + path)
		t.Run(strings.ReplaceAll(name, " ", "_"), func(t *testing.T) {
			if !hasHan(c.Usage) || !hasHan(c.Description) {
				t.Errorf("usage %q, description %q: want both, in Chinese", c.Usage, c.Description)
			}
			ex, _ := c.Metadata["examples"].([]string)
			if len(ex) == 0 || !strings.HasPrefix(ex[0], "ssgk ") && !strings.Contains(ex[0], " ssgk ") {
				t.Errorf("examples %q: want at least one command line", ex)
			}
			words := strings.Fields(path)
			for _, h := range []string{"--help", "-h"} {
				out, errOut, status := runProgram(t, dir, append(append([]string{}, words...), h)...)
				if status != 0 || errOut != "" {
					t.Fatalf("%s %s: status %d, stderr %q", name, h, status, errOut)
				}
				for _, want := range []string{name + " —— " + c.Usage, "用法：", "说明：", "示例：", ex[0], "-h, --help"} {
					if !strings.Contains(out, want) {
						t.Errorf("%s %s lacks %q:\n%s", name, h, want, out)
					}
				}
				for _, english := range []string{"USAGE:", "OPTIONS:", "NAME:", "COMMANDS:", "DESCRIPTION:", "default:", "show help"} {
					if strings.Contains(out, english) {
						t.Errorf("%s %s shows the English %q:\n%s", name, h, english, out)
					}
				}
			}
			oneLine := func(args []string, want string) {
				t.Helper()
				out, errOut, status := runProgram(t, dir, args...)
				line := "错误 [USAGE]：" + want
				if status != 2 || out != "" || strings.Count(errOut, "\n") != 1 || !strings.HasPrefix(errOut, line) ||
					!strings.HasSuffix(errOut, "；用 "+name+" --help 查看用法\n") {
					t.Errorf("ssgk %s: status %d, stdout %q, stderr %q; want status 2 and one line %q…", strings.Join(args, " "), status, out, errOut, line)
				}
			}
			oneLine(append(append([]string{}, words...), "--no-such-flag"), "未知参数 --no-such-flag")
			if len(c.Commands) > 0 {
				if path != "" {
					oneLine(words, "缺少子命令")
				}
				oneLine(append(append([]string{}, words...), "no-such-command"), "未知命令 no-such-command")
				return
			}
			args := append(append([]string{}, words...), requiredFlagArgs(c)...)
			if c.ArgsUsage != "" {
				oneLine(args, "缺少参数 "+c.ArgsUsage)
				args = append(args, strings.Fields(c.ArgsUsage)...)
			}
			oneLine(append(args, "extra-argument"), "多余的参数 extra-argument")
			if len(requiredFlagArgs(c)) > 0 {
				oneLine(words, "缺少必填参数 --")
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "data")); err == nil {
		t.Error("a usage error created the data directory")
	}
}

// ssgk alone prints the overview on stderr and exits with status 2; ssgk help [命令] is --help.
func TestHelp_BareAndHelpCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the program")
	}
	dir := t.TempDir()
	out, errOut, status := runProgram(t, dir)
	if status != 2 || out != "" || !strings.Contains(errOut, "ssgk —— ") || !strings.Contains(errOut, "  import ") {
		t.Errorf("ssgk: status %d, stdout %q, stderr %q", status, out, errOut)
	}
	out, _, status = runProgram(t, dir, "help", "ledger", "verify")
	if status != 0 || !strings.Contains(out, "ssgk ledger verify —— ") {
		t.Errorf("ssgk help ledger verify: status %d\n%s", status, out)
	}
	// A value of the wrong kind and a flag without its value are usage errors too.
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"draw", "bundle", "--draw", "abc", "--out", "x.json"}, "错误 [USAGE]：参数 --draw 的值“abc”无效；用 ssgk draw bundle --help 查看用法\n"},
		{[]string{"backup", "--out"}, "错误 [USAGE]：参数 --out 需要一个值；用 ssgk backup --help 查看用法\n"},
		{[]string{"import", "targets", "a.csv"}, "错误 [USAGE]：缺少必填参数 --department；用 ssgk import targets --help 查看用法\n"},
	} {
		out, errOut, status := runProgram(t, dir, c.args...)
		if status != 2 || out != "" || errOut != c.want {
			t.Errorf("ssgk %s: status %d, stdout %q, stderr %q; want %q", strings.Join(c.args, " "), status, out, errOut, c.want)
		}
	}
}

// ssgk version names the build, the Go version and the database's schema version — 未连接
// when there is no database, the latest migration once migrated — and creates nothing.
// migrate --to an unknown version is refused, naming the latest known one.
func TestVersionAndMigrateTo(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the program")
	}
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	all, err := store.Migrations("sqlite3")
	if err != nil || len(all) == 0 {
		t.Fatalf("migrations: %v", err)
	}
	latest := all[len(all)-1].Version

	out, errOut, status := runProgram(t, dir, "version", "--data-dir", data)
	for _, want := range []string{"ssgk 版本：", "提交：", "构建日期：", "Go 版本：go1.", "本程序的数据库版本：" + latest, "数据库版本：未连接"} {
		if !strings.Contains(out, want) {
			t.Errorf("version lacks %q:\n%s", want, out)
		}
	}
	if status != 0 || errOut != "" {
		t.Errorf("version: status %d, stderr %q", status, errOut)
	}
	if _, err := os.Stat(data); err == nil {
		t.Fatal("ssgk version created the data directory")
	}

	out, errOut, status = runProgram(t, dir, "migrate", "--to", "99999999", "--data-dir", data)
	if status != 1 || !strings.HasPrefix(errOut, "错误 [MIGRATION_UNKNOWN]：未知的迁移版本 99999999") ||
		!strings.Contains(errOut, "最新为 "+latest) || strings.Count(errOut, "\n") != 1 {
		t.Errorf("migrate --to 99999999: status %d, stdout %q, stderr %q", status, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(data, "ssgk.db")); err == nil {
		t.Fatal("migrate --to an unknown version created the database")
	}

	// A known version migrates to it; version then reports it.
	first := all[0].Version
	if _, errOut, status := runProgram(t, dir, "migrate", "--to", first, "--data-dir", data); status != 0 {
		t.Fatalf("migrate --to %s: status %d, %s", first, status, errOut)
	}
	out, _, _ = runProgram(t, dir, "version", "--data-dir", data)
	if !strings.Contains(out, "数据库版本："+first+"（sqlite3") {
		t.Errorf("version after migrate --to %s:\n%s", first, out)
	}
	if _, errOut, status := runProgram(t, dir, "migrate", "--data-dir", data); status != 0 {
		t.Fatalf("migrate: status %d, %s", status, errOut)
	}
	out, _, _ = runProgram(t, dir, "version", "--data-dir", data)
	if !strings.Contains(out, "数据库版本："+latest+"（sqlite3") || !strings.Contains(out, "已执行 ") {
		t.Errorf("version after migrate:\n%s", out)
	}
}

// The release build strips and trims the binary and writes the build information that
// ssgk version shows into the variables buildinfo.go declares.
func TestReleaseBuildFlags(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "deploy", "release.sh"))
	if err != nil {
		t.Fatal(err)
	}
	script := string(b)
	for _, want := range []string{"go build -trimpath -ldflags \"$LDFLAGS\"", `LDFLAGS="-s -w `, "-X main.version=", "-X main.commit=", "-X main.buildDate=", "CGO_ENABLED=0"} {
		if !strings.Contains(script, want) {
			t.Errorf("deploy/release.sh lacks %q", want)
		}
	}
}

// A repeated flag takes each value whole: a comma belongs to the file name (split, the
// records and proofs would not pair up).
func TestRepeatedFlagKeepsCommas(t *testing.T) {
	cp := filepath.Join(t.TempDir(), "checkpoint.json")
	if err := os.WriteFile(cp, []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	err := run(t.Context(), []string{"ledger", "verify", "--checkpoint", cp, "--record", "a,b.json", "--proof", "c.json"}, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "无法读取叶子记录文件 a,b.json") {
		t.Fatalf("err = %v", err)
	}
}
