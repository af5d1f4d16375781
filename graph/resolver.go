// Package graph serves the ssgk GraphQL API. Resolvers are thin: they parse arguments, call
// the ent client or an internal/ domain package, and return ent objects.
package graph

import (
	"context"
	stdsql "database/sql"
	"time"

	entsql "entgo.io/ent/dialect/sql"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/target"
	"github.com/ssgk/ssgk/graph/generated"
	"github.com/ssgk/ssgk/internal/auth"
	"github.com/ssgk/ssgk/internal/changefeed"
	"github.com/ssgk/ssgk/internal/draws"
	"github.com/ssgk/ssgk/internal/hub"
	"github.com/ssgk/ssgk/internal/sharing"
	"github.com/ssgk/ssgk/internal/stats"
	"github.com/ssgk/ssgk/internal/uscc"
)

// Resolver is the root resolver; it holds the hub's dependencies.
type Resolver struct {
	Client  *ent.Client
	DB      *stdsql.DB
	Auth    *auth.Service
	Drawer  *draws.Drawer
	DataDir string      // evidence files
	Schema  *ast.Schema // the executable schema, to validate persisted queries
	// Reads serves the read-only root fields — changes, entityHistory, resultAggregate — from a
	// streaming standby when one is configured (hub.Reads); nil means Client and DB.
	Reads *Reads
	// Feed returns the signal that wakes subscriptions when a leaf commits through any hub
	// (store.DB.FeedSignal); nil, or a nil signal, means they only poll every SubscriptionPoll.
	Feed func() *changefeed.Signal
}

// Reads is the read-only database a standby serves.
type Reads struct {
	Client *ent.Client
	DB     *stdsql.DB
}

// readClient is the client of the read-only root fields.
func (r *Resolver) readClient() *ent.Client {
	if r.Reads != nil {
		return r.Reads.Client
	}
	return r.Client
}

// readDB is the database of the read-only aggregates, in the dialect of its client.
func (r *Resolver) readDB() stats.Querier {
	db := r.DB
	if r.Reads != nil {
		db = r.Reads.DB
	}
	return entsql.OpenDB(r.readClient().Dialect(), db)
}

// feedSignal is the signal subscriptions wait on besides their poll (nil: poll only).
func (r *Resolver) feedSignal() *changefeed.Signal {
	if r.Feed == nil {
		return nil
	}
	return r.Feed()
}

// NewSchema builds the executable schema over the hub h: its client, its database (for the
// aggregates that ent's builders cannot express), auth service and draw service. h is nil in
// schema-only uses.
func NewSchema(h *hub.Hub) graphql.ExecutableSchema {
	r := &Resolver{}
	if h != nil {
		r = &Resolver{Client: h.Client, DB: h.SQL, Auth: h.Auth, Drawer: h.Drawer, DataDir: h.DataDir,
			Feed: h.FeedSignal}
		if reads := h.Reads(); reads != h {
			r.Reads = &Reads{Client: reads.Client, DB: reads.SQL}
		}
	}
	es := generated.NewExecutableSchema(generated.Config{Resolvers: r,
		Directives: generated.DirectiveRoot{RowRule: sharing.RowRuleDirective}})
	r.Schema = es.Schema()
	return es
}

// orNil turns "not found" into a null result: a lookup by business key that finds nothing
// answers null, as GraphQL clients expect, rather than an error.
func orNil[T any](v *T, err error) (*T, error) {
	if ent.IsNotFound(err) {
		return nil, nil
	}
	return v, err
}

// targetByUSCC looks a target up by its unified social credit code, rejecting a malformed code
// with INVALID_USCC rather than answering "not found".
func (r *Resolver) targetByUSCC(ctx context.Context, code string) (*ent.Target, error) {
	if err := uscc.Validate(code); err != nil {
		return nil, err
	}
	return orNil(r.Client.Target.Query().Where(target.Uscc(code)).Only(ctx))
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func derefInt(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

// ptrs turns a slice of values into the slice of pointers gqlgen resolvers return.
func ptrs[T any](s []T) []*T {
	out := make([]*T, len(s))
	for i := range s {
		out[i] = &s[i]
	}
	return out
}

// SubscriptionPoll is how often a subscription looks for new public acts in the log when no
// feed signal wakes it first (a signal lost while the LISTEN connection reconnects, an act
// committed by a command-line run on SQLite).
var SubscriptionPoll = time.Second

// masked returns the masked form of a personal value, null when it is empty.
func masked(s string, mask func(string) string) *string {
	if s == "" {
		return nil
	}
	m := mask(s)
	return &m
}
