package main

import (
	"bytes"
	"os"
	"testing"
)

// generatedSample is the shape of what gqlgen writes for a list and for an object.
const generatedSample = `package generated

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
)

func marshalList(ctx context.Context, v []string) graphql.Marshaler {
	return graphql.MarshalSliceConcurrently(ctx, len(v), 0, false, func(ctx context.Context, i int) graphql.Marshaler {
		return graphql.MarshalString(v[i])
	})
}

func object(ctx context.Context, fields []graphql.CollectedField) int {
	deferred := graphql.NewDeferredGroup(ctx)
	return len(deferred.Defers)
}
`

func TestRewrite_ReplacesEveryCallAndIsIdempotent(t *testing.T) {
	out, counts, err := rewrite([]byte(generatedSample))
	if err != nil {
		t.Fatal(err)
	}
	if counts[0] != 1 || counts[1] != 1 {
		t.Fatalf("counts %v, want one list and one group", counts)
	}
	head := out[:bytes.Index(out, []byte(marker))]
	for _, r := range rewrites {
		if bytes.Contains(head, []byte(r.from)) {
			t.Errorf("%s is still called outside the helper", r.from)
		}
		if !bytes.Contains(head, []byte(r.to)) {
			t.Errorf("%s is not called", r.to)
		}
	}
	again, counts, err := rewrite(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, out) || counts[0] != 0 || counts[1] != 0 {
		t.Errorf("a second run changed the file (counts %v)", counts)
	}
	if bytes.Count(again, []byte(marker)) != 1 {
		t.Error("the helper is not in the file exactly once")
	}
}

// The committed executor is the rewritten one: go generate ./graph runs gqlgen and then this
// command, and a generate without it would bring the goroutines back.
func TestCommittedExecutorIsRewritten(t *testing.T) {
	src, err := os.ReadFile("../../graph/generated/generated.go")
	if err != nil {
		t.Fatal(err)
	}
	out, counts, err := rewrite(src)
	if err != nil {
		t.Fatal(err)
	}
	if counts[0] != 0 || counts[1] != 0 || !bytes.Equal(out, src) {
		t.Fatalf("graph/generated/generated.go is not rewritten (%v calls left); run go generate ./graph", counts)
	}
}
