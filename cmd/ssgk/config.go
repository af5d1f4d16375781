package main

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/logging"
)

// config is read from environment variables; flags override them (call.config, cli.go).
type config struct {
	ListenAddr  string // LISTEN_ADDR
	DatabaseURL string // DATABASE_URL or DATABASE_URL_FILE; empty → SQLite in DataDir
	ReadURL     string // DATABASE_READ_URL(_FILE): a streaming standby for read-only traffic (serve)
	DataDir     string // DATA_DIR
	LogLevel    string // LOG_LEVEL: debug, info, warn, error
	LogFormat   string // LOG_FORMAT: text or json
	SecretFile  string // SSGK_SECRET_FILE: the hub's session-signing key
	// TrustedProxies is serve's --trusted-proxies; empty → TRUSTED_PROXIES (serveOptions).
	TrustedProxies string

	problems []error // settings that could not be read (see check)
}

// readEnv returns the environment variable key, or the content of the file named by key_FILE
// (a mounted secret), or def when neither is set. A key_FILE that cannot be read or is empty is
// an error: a broken secret mount must stop the hub, not start it on the defaults (an empty
// local database and a new signing key).
func readEnv(key, def string) (string, error) {
	if v := os.Getenv(key); v != "" {
		return v, nil
	}
	file := os.Getenv(key + "_FILE")
	if file == "" {
		return def, nil
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return def, fmt.Errorf("%s_FILE 指向的文件 %s 无法读取：%w", key, file, err)
	}
	v := strings.TrimSpace(string(b))
	if v == "" {
		return def, fmt.Errorf("%s_FILE 指向的文件 %s 为空", key, file)
	}
	return v, nil
}

// env is readEnv for a setting of c: a problem is kept for check.
func (c *config) env(key, def string) string {
	v, err := readEnv(key, def)
	if err != nil {
		c.problems = append(c.problems, err)
	}
	return v
}

// check refuses a configuration that would start the hub on something other than what the
// operator meant: an unreadable or empty *_FILE, an unknown log level or format.
func (c *config) check() error {
	if len(c.problems) > 0 {
		return apperr.Wrap(errors.Join(c.problems...), "CONFIG_INVALID", "配置错误：%v", errors.Join(c.problems...))
	}
	switch strings.ToLower(c.LogLevel) {
	case "debug", "info", "warn", "error":
	default:
		return apperr.New("CONFIG_INVALID", "配置错误：LOG_LEVEL（--log-level）为“%s”，应为 debug、info、warn 或 error", c.LogLevel)
	}
	switch c.LogFormat {
	case "text", "json":
	default:
		return apperr.New("CONFIG_INVALID", "配置错误：LOG_FORMAT（--log-format）为“%s”，应为 text 或 json", c.LogFormat)
	}
	return nil
}

// logger builds the one configured logger of the process and makes it slog's default, so that
// every package — the portal and the domain packages included — writes through it, with the
// request ID of the request it serves.
func (c *config) logger(w io.Writer) *slog.Logger {
	l := logging.New(w, logging.Options{Level: c.LogLevel, Format: c.LogFormat})
	slog.SetDefault(l)
	return l
}

// sessionKey reads the session-signing key, creating a random one on first use. Replicas behind
// a load balancer must share it (SSGK_SECRET_FILE).
func (c *config) sessionKey() ([]byte, error) {
	path := c.SecretFile
	if path == "" {
		path = filepath.Join(c.DataDir, "session.key")
	}
	b, err := os.ReadFile(path)
	if err == nil {
		if len(b) < 32 {
			return nil, fmt.Errorf("密钥文件 %s 过短（至少 32 字节）", path)
		}
		return b, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, err
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, key, 0o600); err != nil {
		return nil, fmt.Errorf("写入密钥文件 %s 失败: %w", path, err)
	}
	return key, nil
}
