// Package persisted stores GraphQL queries under the SHA-256 of their text so that dashboards
// call them by id (保存的查询), with the Apollo persisted-query protocol
// (extensions.persistedQuery.sha256Hash). A stored query runs as the caller, under the same
// row and field rules as any other query.
package persisted

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/persistedquery"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/authz"
	"github.com/ssgk/ssgk/internal/viewer"
)

// Error codes.
const (
	CodeInvalidQuery = "INVALID_QUERY"
	MaxQueryBytes    = 64 << 10
)

// Hash is the id of a query: SHA-256 of its exact text, lowercase hex.
func Hash(query string) string {
	sum := sha256.Sum256([]byte(query))
	return hex.EncodeToString(sum[:])
}

// Save validates the query against the schema and stores it for the viewer's department; saving
// the same text again returns the stored query.
func Save(ctx context.Context, client *ent.Client, schema *ast.Schema, name, query string) (*ent.PersistedQuery, error) {
	v := viewer.FromContext(ctx)
	ctx, err := authz.Require(ctx, authz.SaveQueries, v.DepartmentID)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(query) == "" || len(query) > MaxQueryBytes {
		return nil, apperr.New(CodeInvalidQuery, "查询不能为空，且不超过 %d 字节", MaxQueryBytes)
	}
	doc, perr := parser.ParseQuery(&ast.Source{Input: query})
	if perr != nil {
		return nil, apperr.New(CodeInvalidQuery, "查询语法错误：%s", perr.Error())
	}
	if errs := validator.ValidateWithRules(schema, doc, nil); len(errs) > 0 {
		return nil, apperr.New(CodeInvalidQuery, "查询不符合接口定义：%s", errs.Error())
	}
	for _, op := range doc.Operations {
		if op.Operation != ast.Query {
			return nil, apperr.New(CodeInvalidQuery, "只能保存查询（query），不能保存变更或订阅")
		}
	}
	hash := Hash(query)
	if q, err := client.PersistedQuery.Query().Where(persistedquery.Hash(hash)).Only(ctx); err == nil {
		return q, nil
	} else if !ent.IsNotFound(err) {
		return nil, err
	}
	c := client.PersistedQuery.Create().SetHash(hash).SetName(name).SetQuery(query).SetDepartmentID(v.DepartmentID)
	if v.AccountID != 0 {
		c.SetCreatedByID(v.AccountID)
	}
	return c.Save(ctx)
}

// Cache serves stored queries to gqlgen's persisted-query extension. Queries are added only by
// Save: a client that sends a query with its hash runs it without storing it.
type Cache struct {
	Client *ent.Client
}

var _ graphql.Cache[string] = Cache{}

// Get returns the stored query with the hash.
func (c Cache) Get(ctx context.Context, hash string) (string, bool) {
	sys := viewer.NewContext(ctx, viewer.NewSystem("persisted-query"))
	q, err := c.Client.PersistedQuery.Query().Where(persistedquery.Hash(hash)).Only(sys)
	if err != nil {
		return "", false
	}
	return q.Query, true
}

// Add does nothing: only Save stores queries.
func (Cache) Add(context.Context, string, string) {}
