package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"entgo.io/ent/dialect"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/store"
	"github.com/ssgk/ssgk/internal/viewer"
)

// IdempotencyKeyHeader makes a mutation request retryable: a request repeated with the same key
// by the same caller (token or account) is answered with the response of the first one that
// committed — a client whose createTarget was cut off by a crash after its commit gets the
// created target on retry, not CONFLICT. The response is stored in the mutation's own
// transaction, so it exists exactly when the mutation's changes do; keys are kept for a day.
// Mutations that run outside the request transaction (login, executeDraw) ignore the key.
const IdempotencyKeyHeader = "Idempotency-Key"

// IdempotencyKeyReused is the code of a key used again with a different request.
const IdempotencyKeyReused = "IDEMPOTENCY_KEY_REUSED"

// idempotencyTTL is how long a stored response answers retries.
const idempotencyTTL = 24 * time.Hour

type idempotencyKeyKey struct{}

// idempotency is the key of a request and who sent it.
type idempotency struct {
	principal, key, hash string
}

// idempotencyOf returns the request's idempotency, or nil (no key, or an anonymous caller). A
// malformed key is an error.
func idempotencyOf(ctx context.Context) (*idempotency, error) {
	key, _ := ctx.Value(idempotencyKeyKey{}).(string)
	if key == "" {
		return nil, nil
	}
	if len(key) > 200 {
		return nil, apperr.New(apperr.Invalid, "%s 过长（最多 200 个字符）", IdempotencyKeyHeader)
	}
	for _, c := range key {
		if c < 0x21 || c > 0x7e {
			return nil, apperr.New(apperr.Invalid, "%s 只能含可见的 ASCII 字符（建议使用 UUID）", IdempotencyKeyHeader)
		}
	}
	v := viewer.FromContext(ctx)
	var principal string
	switch {
	case v.Kind == viewer.Token && v.TokenID != 0:
		principal = fmt.Sprintf("token:%d", v.TokenID)
	case v.Kind == viewer.Account && v.AccountID != 0:
		principal = fmt.Sprintf("account:%d", v.AccountID)
	default:
		return nil, nil
	}
	oc := graphql.GetOperationContext(ctx)
	vars, _ := json.Marshal(oc.Variables)
	sum := sha256.Sum256([]byte(oc.OperationName + "\x00" + oc.RawQuery + "\x00" + string(vars)))
	return &idempotency{principal: principal, key: key, hash: hex.EncodeToString(sum[:])}, nil
}

// placeholders returns n statement placeholders in the dialect of tx.
func placeholders(tx *ent.Tx, n int) []string {
	out := make([]string, n)
	for i := range out {
		if tx.Dialect() == dialect.Postgres {
			out[i] = fmt.Sprintf("$%d", i+1)
		} else {
			out[i] = "?"
		}
	}
	return out
}

// replay returns the stored response of the key, or nil when there is none. It runs in the
// mutation's transaction, which holds the write lock: a retry racing the first request waits
// for it and then finds its answer.
func (t transactioner) replay(ctx context.Context, tx *ent.Tx, id *idempotency) (*graphql.Response, error) {
	p := placeholders(tx, 3)
	rows, err := tx.QueryContext(ctx, fmt.Sprintf("SELECT request_hash, response FROM %s WHERE principal = %s AND key = %s AND created_at > %s",
		store.IdempotencyTable, p[0], p[1], p[2]), id.principal, id.key, time.Now().UTC().Add(-idempotencyTTL))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	if !rows.Next() {
		return nil, rows.Err()
	}
	var hash, stored string
	if err := rows.Scan(&hash, &stored); err != nil {
		return nil, err
	}
	if hash != id.hash {
		return &graphql.Response{Errors: gqlerror.List{{
			Message:    fmt.Sprintf("%s“%s”已用于另一个不同的请求：重试时须原样重发，新的请求请使用新的键", IdempotencyKeyHeader, id.key),
			Extensions: map[string]any{"code": IdempotencyKeyReused}}}}, nil
	}
	var rsp graphql.Response
	if err := json.Unmarshal([]byte(stored), &rsp); err != nil {
		return nil, err
	}
	if rsp.Extensions == nil {
		rsp.Extensions = map[string]any{}
	}
	rsp.Extensions["idempotentReplay"] = true
	return &rsp, nil
}

// remember stores the response of a mutation about to commit, in its transaction, and drops
// keys older than a day.
func (t transactioner) remember(ctx context.Context, tx *ent.Tx, id *idempotency, rsp *graphql.Response) error {
	b, err := json.Marshal(rsp)
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	p := placeholders(tx, 5)
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("DELETE FROM %s WHERE created_at <= %s", store.IdempotencyTable, p[0]), now.Add(-idempotencyTTL)); err != nil {
		return err
	}
	// A key expired but not yet deleted is replaced.
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("DELETE FROM %s WHERE principal = %s AND key = %s", store.IdempotencyTable, p[0], p[1]), id.principal, id.key); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, fmt.Sprintf("INSERT INTO %s (principal, key, request_hash, response, created_at) VALUES (%s, %s, %s, %s, %s)",
		store.IdempotencyTable, p[0], p[1], p[2], p[3], p[4]), id.principal, id.key, id.hash, string(b), now)
	return err
}
