package graph

// gqlgen resolves the paths in gqlgen.yml from the working directory, so it runs from the root.
//go:generate sh -c "cd .. && go tool gqlgen generate --config gqlgen.yml && go run ./tools/gqlseq graph/generated/generated.go"
