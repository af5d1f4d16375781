// Command gqlseq rewrites two things in the executor gqlgen generates, which gqlgen offers no
// setting for (issue 22):
//
//   - the elements of a list are marshalled one after the other on the request's goroutine,
//     instead of on a goroutine each (graphql.MarshalSliceConcurrently);
//   - an object's @defer group is built only when one of its selected fields is deferred: the
//     group of every object record otherwise costs the allocations of its response path
//     (graphql.NewDeferredGroup), about 14 of the 120 allocations of a row of five fields.
//
// The hub's list elements never wait on I/O of their own: every edge of a page is loaded with the
// page (entgql field collection, checked by the statement-count tests), and there are no data
// loaders that would batch concurrent element resolvers. A goroutine per element therefore only
// costs — a new goroutine and the growth of its small stack for every record of a page, about
// a sixth of the CPU time of a 1,000-record query (issue 22) — and gains nothing.
//
//   - a plain field (a struct field of the record marshalled as a scalar or enum) is written
//     without gqlgen's field machinery when the application's field gate allows it on every
//     record of the operation (plain.go).
//
// It runs after gqlgen in `go generate ./graph` (graph/generate.go) and is idempotent:
//
//	go run ./tools/gqlseq graph/generated/generated.go
package main

import (
	"bytes"
	"fmt"
	"go/format"
	"log"
	"os"
)

// rewrites are the calls replaced, each by a function of helper.
var rewrites = []struct{ from, to string }{
	{"graphql.MarshalSliceConcurrently(", "marshalSliceInOrder("},
	{"graphql.NewDeferredGroup(ctx)", "deferredGroupFor(ctx, fields)"},
}

const marker = "// marshalSliceInOrder is written by tools/gqlseq"

// helper is appended to the generated file once. It keeps every behaviour of the function it
// replaces but the goroutines: each element gets its own field context with its index, and a
// panicking element becomes null with an error unless the panic handler is omitted.
const helper = marker + `: the elements of a list are marshalled in order on
// the caller's goroutine (see tools/gqlseq for why). workerLimit is accepted and ignored.
func marshalSliceInOrder(ctx context.Context, length int, workerLimit int64, omitPanicHandler bool, marshalElement func(ctx context.Context, i int) graphql.Marshaler) graphql.Array {
	_ = workerLimit
	ret := make(graphql.Array, length)
	if length == 0 {
		return ret
	}
	index := make([]int, length)
	fcs := make([]graphql.FieldContext, length)
	for i := range length {
		index[i] = i
		fcs[i].Index = &index[i]
		childCtx := graphql.WithFieldContext(ctx, &fcs[i])
		if omitPanicHandler {
			ret[i] = marshalElement(childCtx, i)
			continue
		}
		ret[i] = marshalGuarded(childCtx, i, marshalElement)
	}
	return ret
}

// marshalGuarded marshals element i, turning a panic into null and an error on the response.
func marshalGuarded(ctx context.Context, i int, marshalElement func(ctx context.Context, i int) graphql.Marshaler) (ret graphql.Marshaler) {
	defer func() {
		if r := recover(); r != nil {
			graphql.AddError(ctx, graphql.Recover(ctx, r))
			ret = graphql.Null
		}
	}()
	return marshalElement(ctx, i)
}

// deferredGroupFor is written by tools/gqlseq: the @defer group of an object, built only when one
// of its selected fields is deferred. Without one the group is never read but for its empty
// Defers, and graphql.FieldSet.ResolveConcurrently touches it only for deferred fields.
func deferredGroupFor(ctx context.Context, fields []graphql.CollectedField) graphql.DeferredGroup {
	for i := range fields {
		if fields[i].IsDeferred() {
			return graphql.NewDeferredGroup(ctx)
		}
	}
	return graphql.DeferredGroup{}
}
`

func main() {
	if len(os.Args) != 2 {
		log.Fatal("usage: gqlseq GENERATED.go")
	}
	path := os.Args[1]
	src, err := os.ReadFile(path)
	if err != nil {
		log.Fatal(err)
	}
	out, counts, err := rewrite(src)
	if err != nil {
		log.Fatalf("gqlseq: %s: %v", path, err)
	}
	if err := os.WriteFile(path, out, 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Fprintf(os.Stderr, "gqlseq: %s: %d list marshallers made sequential, %d @defer groups made lazy, %d plain field assignments given the fast path\n", path, counts[0], counts[1], counts[2])
}

// rewrite returns src with every call of rewrites replaced and helper as its tail, formatted;
// counts are the replacements of each rewrite. An earlier run's helper is cut off first, so that
// rewriting a rewritten file changes nothing.
func rewrite(src []byte) (out []byte, counts []int, err error) {
	if i := bytes.Index(src, []byte(marker)); i >= 0 {
		src = src[:i]
	}
	out = src
	for _, r := range rewrites {
		counts = append(counts, bytes.Count(out, []byte(r.from)))
		out = bytes.ReplaceAll(out, []byte(r.from), []byte(r.to))
	}
	pr, err := rewritePlain(out)
	if err != nil {
		return nil, nil, fmt.Errorf("plain fields: %w", err)
	}
	counts = append(counts, pr.fields)
	out = append(bytes.TrimRight(pr.src, "\n"), []byte("\n\n"+helper+pr.tail())...)
	out = addImport(out, "io")    // gqlseqObject.MarshalGQL
	out = addImport(out, "bytes") // gqlseqEnum
	out = addImport(out, "sync")
	formatted, err := format.Source(out)
	if err != nil {
		return nil, nil, fmt.Errorf("the rewritten file does not parse: %w", err)
	}
	return formatted, counts, nil
}

// addImport adds path to the first import block of src unless it is imported already.
func addImport(src []byte, path string) []byte {
	q := []byte("\t\"" + path + "\"\n")
	if bytes.Contains(src, q) {
		return src
	}
	i := bytes.Index(src, []byte("import (\n"))
	if i < 0 {
		return src
	}
	i += len("import (\n")
	return append(src[:i:i], append(q, src[i:]...)...)
}
