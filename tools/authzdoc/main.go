// Command authzdoc writes docs/authorisation.md from the write rules (authz.Markdown). It runs
// with `go generate ./...`.
package main

import (
	"log"
	"os"

	"github.com/ssgk/ssgk/internal/authz"
)

func main() {
	if len(os.Args) != 2 {
		log.Fatal("usage: authzdoc FILE")
	}
	if err := os.WriteFile(os.Args[1], []byte(authz.Markdown()), 0o644); err != nil {
		log.Fatal(err)
	}
}
