package main

import (
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/ssgk/ssgk/internal/logging"
)

// config is read from environment variables; flags override them for one-off commands.
type config struct {
	ListenAddr  string // LISTEN_ADDR
	DatabaseURL string // DATABASE_URL or DATABASE_URL_FILE; empty → SQLite in DataDir
	DataDir     string // DATA_DIR
	LogLevel    string // LOG_LEVEL: debug, info, warn, error
	LogFormat   string // LOG_FORMAT: text or json
	SecretFile  string // SSGK_SECRET_FILE: the hub's session-signing key
	// TrustedProxies: TRUSTED_PROXIES, the reverse proxies (addresses or CIDR prefixes, comma
	// separated) whose X-Forwarded-For names the client in the access log.
	TrustedProxies string
}

func env(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	if file := os.Getenv(key + "_FILE"); file != "" {
		b, err := os.ReadFile(file)
		if err == nil {
			return strings.TrimSpace(string(b))
		}
	}
	return def
}

// bind registers the common flags on fs with environment defaults.
func (c *config) bind(fs *flag.FlagSet) {
	fs.StringVar(&c.DatabaseURL, "database-url", env("DATABASE_URL", ""), "PostgreSQL 地址 postgres://…（留空使用内置 SQLite）；环境变量 DATABASE_URL 或 DATABASE_URL_FILE")
	fs.StringVar(&c.DataDir, "data-dir", env("DATA_DIR", "data"), "数据目录（SQLite 数据库、密钥）；环境变量 DATA_DIR")
	fs.StringVar(&c.LogLevel, "log-level", env("LOG_LEVEL", "info"), "日志级别 debug|info|warn|error；环境变量 LOG_LEVEL")
	fs.StringVar(&c.LogFormat, "log-format", env("LOG_FORMAT", "text"), "日志格式 text|json；环境变量 LOG_FORMAT")
	fs.StringVar(&c.SecretFile, "secret-file", env("SSGK_SECRET_FILE", ""), "会话签名密钥文件（默认 数据目录/session.key，不存在则生成）；环境变量 SSGK_SECRET_FILE")
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
