package main

import (
	"context"
	"io"

	"github.com/ssgk/ssgk/internal/demo"
	"github.com/ssgk/ssgk/internal/hub"
)

// loadDemo loads the demo data and its accounts and tokens (demo.Setup).
func loadDemo(ctx context.Context, db *hub.Hub, out io.Writer, sampleYear bool) error {
	_, err := demo.Setup(ctx, db, out, sampleYear)
	return err
}

// runDemo: ssgk demo.
func runDemo(ctx context.Context, cfg *config, stdout io.Writer) error {
	db, err := openHub(ctx, cfg, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx = db.Context(ctx) // the hub's business clock
	return loadDemo(ctx, db, stdout, true)
}
