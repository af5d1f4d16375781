package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/importer"
	"github.com/ssgk/ssgk/internal/server"
)

// serveOptions reads the limits and the exposure of the hub's HTTP edge from the environment
// (README “限制与安全设置”). A value that does not parse stops the start.
func serveOptions(c *config) (server.Options, string, error) {
	o := server.DefaultOptions
	var errs []error
	size := func(key string, dst *int64) {
		if v := c.env(key, ""); v != "" {
			n, err := parseSize(v)
			if err != nil || n <= 0 {
				errs = append(errs, fmt.Errorf("%s=%q 不是有效的大小（如 1MiB、64MiB、1048576）", key, v))
				return
			}
			*dst = n
		}
	}
	count := func(key string, dst *int) {
		if v := c.env(key, ""); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n <= 0 {
				errs = append(errs, fmt.Errorf("%s=%q 应为正整数", key, v))
				return
			}
			*dst = n
		}
	}
	size("GRAPHQL_MAX_BODY", &o.MaxBodyBytes)
	size("UPLOAD_MAX_SIZE", &o.MaxUploadBytes)
	var queryBytes int64
	size("GRAPHQL_MAX_QUERY_SIZE", &queryBytes)
	if queryBytes > 0 {
		o.Limits.MaxQueryBytes = int(queryBytes)
	}
	count("GRAPHQL_MAX_TOKENS", &o.Limits.MaxTokens)
	count("GRAPHQL_MAX_FIELDS", &o.Limits.MaxFields)
	count("GRAPHQL_MAX_ALIASES", &o.Limits.MaxAliases)
	count("GRAPHQL_MAX_DEPTH", &o.Limits.MaxDepth)
	count("GRAPHQL_MAX_COMPLEXITY", &o.Limits.MaxComplexity)
	switch v := strings.ToLower(c.env("GRAPHQL_PUBLIC_SCHEMA", "false")); v {
	case "true", "1", "yes":
		o.PublicSchema = true
	case "false", "0", "no":
	default:
		errs = append(errs, fmt.Errorf("GRAPHQL_PUBLIC_SCHEMA=%q 应为 true 或 false", v))
	}
	o.MetricsToken = c.env("METRICS_TOKEN", "")
	if o.MetricsToken != "" && len(o.MetricsToken) < 16 {
		errs = append(errs, errors.New("METRICS_TOKEN 过短（至少 16 个字符）"))
	}
	proxies := c.env("TRUSTED_PROXIES", "")
	if c.TrustedProxies != "" {
		proxies = c.TrustedProxies
	}
	for _, p := range strings.FieldsFunc(proxies, func(r rune) bool { return r == ',' || r == ' ' }) {
		pfx, err := netip.ParsePrefix(p)
		if err != nil {
			a, aerr := netip.ParseAddr(p)
			if aerr != nil {
				errs = append(errs, fmt.Errorf("TRUSTED_PROXIES 中的“%s”不是 IP 地址或 CIDR 网段", p))
				continue
			}
			pfx = netip.PrefixFrom(a, a.BitLen())
		}
		o.TrustedProxies = append(o.TrustedProxies, pfx)
	}
	admin := c.env("ADMIN_LISTEN_ADDR", "")
	if len(c.problems) > 0 {
		errs = append(errs, c.problems...)
	}
	if len(errs) > 0 {
		return o, "", apperr.Wrap(errors.Join(errs...), "CONFIG_INVALID", "配置错误：%v", errors.Join(errs...))
	}
	return o, admin, nil
}

// applyImportLimits sets the import limits of this process — the same for GraphQL uploads and
// for ssgk import.
func applyImportLimits(c *config) error {
	var l importer.Limits
	var errs []error
	if v := c.env("IMPORT_MAX_ROWS", ""); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			errs = append(errs, fmt.Errorf("IMPORT_MAX_ROWS=%q 应为正整数", v))
		}
		l.MaxRows = n
	}
	if v := c.env("IMPORT_MAX_CELL_CHARS", ""); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			errs = append(errs, fmt.Errorf("IMPORT_MAX_CELL_CHARS=%q 应为正整数", v))
		}
		l.MaxCellChars = n
	}
	if v := c.env("XLSX_MAX_UNZIP_SIZE", ""); v != "" {
		n, err := parseSize(v)
		if err != nil || n <= 0 {
			errs = append(errs, fmt.Errorf("XLSX_MAX_UNZIP_SIZE=%q 不是有效的大小（如 512MiB）", v))
		}
		l.MaxUnzipBytes = n
	}
	if len(c.problems) > 0 {
		errs = append(errs, c.problems...)
	}
	if len(errs) > 0 {
		return apperr.Wrap(errors.Join(errs...), "CONFIG_INVALID", "配置错误：%v", errors.Join(errs...))
	}
	importer.SetLimits(l)
	return nil
}

// parseSize reads a byte count: 1048576, 512KiB, 64MiB, 1GiB (K/M/G and KB/MB/GB are taken as
// powers of 1024 too).
func parseSize(s string) (int64, error) {
	s = strings.TrimSpace(strings.ToUpper(s))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"GIB", 1 << 30}, {"MIB", 1 << 20}, {"KIB", 1 << 10}, {"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}, {"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10}, {"B", 1}} {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, err
	}
	if n > (1<<62)/mult {
		return 0, errors.New("too large")
	}
	return n * mult, nil
}

// serveAdmin starts the admin listener (metrics and profiling). It should be a loopback or
// management address: anything on it is served without a credential.
func serveAdmin(addr string, h http.Handler, log *slog.Logger) (func(), error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("无法监听管理端口 %s：%w", addr, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("admin listener stopped", "err", err)
		}
	}()
	log.Info("admin listener", "addr", ln.Addr().String())
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}, nil
}
