package main

import (
	"context"
	"io"

	"github.com/ssgk/ssgk/internal/auth"
	"github.com/ssgk/ssgk/internal/demo"
	"github.com/ssgk/ssgk/internal/store"
)

// demoPassword is the password of every demo account.
const demoPassword = demo.Password

// loadDemo loads the demo data and its accounts and tokens (demo.Setup).
func loadDemo(ctx context.Context, db *store.DB, authSvc *auth.Service, out io.Writer, sampleYear bool) error {
	_, err := demo.Setup(ctx, db.Client, db.Dialect, authSvc, out, sampleYear, db.DataDir)
	return err
}

// runDemo: ssgk demo.
func runDemo(ctx context.Context, cfg *config, stdout io.Writer) error {
	db, authSvc, err := openHub(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	return loadDemo(ctx, db, authSvc, stdout, true)
}
