// Command ssgk is the 双随机、一公开 data hub: one binary that serves the hub and runs every
// operator task.
//
//	ssgk serve [--demo]           run the hub (GraphQL at /graphql, GraphiQL at /graphiql)
//	ssgk demo                     load the demo data into an empty database
//	ssgk migrate [--to VERSION]   apply database migrations (serve does this on start)
//	ssgk version                  version, commit, build date, Go version, database schema version
//	ssgk import KIND FILE …       bulk import a spreadsheet (all or nothing by default)
//	ssgk import leads FILE        import leads (CSV, all or nothing)
//	ssgk export KIND …            export a library or list in the import layout
//	ssgk draw verify BUNDLE       re-derive a published draw offline
//	ssgk draw bundle --draw ID    write the verification bundle of a revealed draw
//	ssgk calendar load FILE       load a year of the official holiday arrangement
//	ssgk audit verify             check the audit trail's hash chain and every row against it
//	ssgk ledger verify …          check the transparency log offline (checkpoint, inclusion, consistency)
//	ssgk ledger audit             check the transparency log against the database
//	ssgk admin account create …   create a person's account
//	ssgk admin token create …     issue a department API token (shown once)
//	ssgk admin token revoke …     revoke a token
//	ssgk backup --out DIR         back up the database (SQLite online copy), keys and evidence
//	ssgk restore --from DIR       restore a backup into a new data directory
//	ssgk site show|set …          the portal's site identity (county, sponsor, ICP number …)
//
// Every command has Chinese help (ssgk COMMAND --help, exit status 0). A command line that
// cannot be run as typed prints one line and exits with status 2 (CodeUsage); a command that
// fails prints its error code and message and exits with status 1. The command tree is
// commands.go, the CLI plumbing cli.go.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/ssgk/ssgk/internal/apperr"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(exitStatus(err, os.Stderr))
}

// run runs the ssgk command line args (without the program name), writing to stdout and
// stderr. Errors are returned, not printed: main prints them (exitStatus).
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return newApp(stdout, stderr).Run(ctx, append([]string{"ssgk"}, args...))
}

// exitStatus prints err as one line on stderr and returns the exit status: 0 on success, 2 for
// a command line that cannot be run as typed (CodeUsage), 1 for every other error.
func exitStatus(err error, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	if errors.Is(err, errBareCommand) {
		return 2
	}
	var ue *usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(stderr, "错误 [%s]：%s\n", CodeUsage, ue.AppMessage())
		return 2
	}
	ae := apperr.From(err)
	if ae.Code == apperr.Internal {
		fmt.Fprintf(stderr, "错误：%v\n", err)
	} else {
		fmt.Fprintf(stderr, "错误 [%s]：%s\n", ae.Code, ae.Message)
	}
	return 1
}
