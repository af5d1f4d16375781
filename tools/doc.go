// Package tools holds the developers' commands: they are run by hand or by go generate, never by
// the hub.
//
//	go run ./tools/migdiff -name NAME   # the next versioned migration after a change to ent/schema
//	go run ./tools/authzdoc FILE        # docs/authorisation.md from the write rules (go generate ./internal/authz)
//	go run ./tools/officegen …          # synthetic import files and the samples of testdata/
//	go run ./tools/gqlseq FILE          # after gqlgen (go generate ./graph): lists marshalled in order, @defer groups lazy
//	tools/compat/run.sh [BASE]          # data written by an older tree (BASE) checked by this one: digests, hashes, leaves, payloads
package tools
