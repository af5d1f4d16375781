// Command migdiff writes the next versioned migration for SQLite and PostgreSQL from the
// difference between the committed migrations and the ent schema. Developers run it after
// changing ent/schema and `go generate ./...`:
//
//	go run ./tools/migdiff -name add_something
//
// After merging branches that each added a migration, rewrite both atlas.sum files with
//
//	go run ./tools/migdiff -rehash
//
// It replays the existing migrations on a scratch database (in-memory SQLite; a temporary
// PostgreSQL database created on POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres)
// and writes only what is new.
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"log"
	"net/url"
	"os"
	"time"

	"ariga.io/atlas/sql/migrate"
	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"entgo.io/ent/dialect/sql/schema"
	_ "github.com/lib/pq"
	_ "modernc.org/sqlite"

	entmigrate "github.com/ssgk/ssgk/ent/migrate"
)

func main() {
	name := flag.String("name", "", "migration name (snake_case)")
	pgURL := flag.String("postgres", envOr("POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"), "PostgreSQL server for the scratch database")
	rehash := flag.Bool("rehash", false, "only rewrite atlas.sum of both migration directories")
	flag.Parse()
	if *rehash {
		for _, p := range []string{"internal/store/migrations/sqlite", "internal/store/migrations/postgres"} {
			dir, err := migrate.NewLocalDir(p)
			if err != nil {
				log.Fatal(err)
			}
			sum, err := dir.Checksum()
			if err != nil {
				log.Fatal(err)
			}
			if err := migrate.WriteSumFile(dir, sum); err != nil {
				log.Fatal(err)
			}
		}
		return
	}
	if *name == "" {
		log.Fatal("usage: migdiff -name NAME")
	}
	ctx := context.Background()

	db, err := sql.Open("sqlite", "file:migdiff?mode=memory&cache=shared&_pragma=foreign_keys(1)")
	if err != nil {
		log.Fatal(err)
	}
	if err := diff(ctx, entsql.OpenDB(dialect.SQLite, db), dialect.SQLite, "internal/store/migrations/sqlite", *name); err != nil {
		log.Fatalf("sqlite: %v", err)
	}

	admin, err := sql.Open("postgres", *pgURL)
	if err != nil {
		log.Fatal(err)
	}
	scratch := fmt.Sprintf("ssgk_migdiff_%d", time.Now().UnixNano())
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+scratch); err != nil {
		log.Fatalf("postgres: %v", err)
	}
	defer admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+scratch) //nolint:errcheck
	u, _ := url.Parse(*pgURL)
	u.Path = "/" + scratch
	pg, err := sql.Open("postgres", u.String())
	if err != nil {
		log.Fatal(err)
	}
	err = diff(ctx, entsql.OpenDB(dialect.Postgres, pg), dialect.Postgres, "internal/store/migrations/postgres", *name)
	pg.Close()
	if err != nil {
		log.Fatalf("postgres: %v", err)
	}
}

func diff(ctx context.Context, drv dialect.Driver, dialectName, dirPath, name string) error {
	dir, err := migrate.NewLocalDir(dirPath)
	if err != nil {
		return err
	}
	return entmigrate.NewSchema(drv).NamedDiff(ctx, name,
		schema.WithDir(dir),
		schema.WithMigrationMode(schema.ModeReplay),
		schema.WithDialect(dialectName),
		schema.WithFormatter(migrate.DefaultFormatter),
		schema.WithDropColumn(true),
		schema.WithDropIndex(true),
	)
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}
