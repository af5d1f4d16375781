// Command load drives bench/replica/run.sh: mutations and publications through two hubs on one
// PostgreSQL primary, feed and history readers through a third hub whose reads go to a
// streaming standby (DATABASE_READ_URL); after a failover, verify checks that every
// acknowledged write is on the promoted standby.
//
//	go run ./bench/replica/load load -write http://A,http://B -read http://C -duration 60s -acks acks.json
//	go run ./bench/replica/load verify -db postgres://…promoted… -acks acks.json
package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	_ "github.com/lib/pq"

	"github.com/ssgk/ssgk/internal/uscc"
)

const password = "ssgk-demo-2026" // the demo accounts' (internal/demo)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: load load|verify …")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "load":
		err = runLoad(os.Args[2:])
	case "verify":
		err = runVerify(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

// Acks are the writes the hubs acknowledged.
type Acks struct {
	Targets   []string `json:"targets"`   // USCCs of created targets
	ItemLists []int    `json:"itemLists"` // ids of published item-list versions
	Errors    int      `json:"errors"`    // failed (unacknowledged) writes
	// ErrorsBeforeCrash are the failed writes before the primary was stopped (-crash-after).
	ErrorsBeforeCrash int     `json:"errorsBeforeCrash"`
	FeedGaps          int     `json:"feedGaps"` // gaps or reorderings seen by the feed readers
	Summary           Summary `json:"summary"`
}

// Summary is what the run measured.
type Summary struct {
	Seconds          float64 `json:"seconds"`
	TargetsPerSec    float64 `json:"targetsPerSec"`
	PublishedPerSec  float64 `json:"publishedPerSec"`
	FeedReads        int     `json:"feedReads"`
	FeedLagP50ms     float64 `json:"feedLagP50ms"`
	FeedLagP99ms     float64 `json:"feedLagP99ms"`
	FeedLagMaxms     float64 `json:"feedLagMaxms"`
	FeedLagSamples   int     `json:"feedLagSamples"`
	StandbyReads     int     `json:"standbyReads"`
	StandbyReadP50ms float64 `json:"standbyReadP50ms"`
	StandbyReadP99ms float64 `json:"standbyReadP99ms"`
	ReadErrors       int     `json:"readErrors"`
	ReadErrorsEarly  int     `json:"readErrorsBeforeCrash"`
}

type client struct {
	base, token string
	hc          *http.Client
}

type gqlError struct {
	Message    string         `json:"message"`
	Extensions map[string]any `json:"extensions"`
}

func (c *client) do(ctx context.Context, query string, vars map[string]any, out any) error {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/graphql", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var r struct {
		Data   json.RawMessage `json:"data"`
		Errors []gqlError      `json:"errors"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		return fmt.Errorf("HTTP %d: %w", resp.StatusCode, err)
	}
	if len(r.Errors) > 0 {
		return fmt.Errorf("HTTP %d: %s (%v)", resp.StatusCode, r.Errors[0].Message, r.Errors[0].Extensions["code"])
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	if out != nil {
		return json.Unmarshal(r.Data, out)
	}
	return nil
}

func login(ctx context.Context, base, user string) (*client, error) {
	c := &client{base: base, hc: &http.Client{Timeout: 30 * time.Second}}
	var out struct{ Login struct{ Token string } }
	if err := c.do(ctx, `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`, map[string]any{"u": user, "p": password}, &out); err != nil {
		return nil, fmt.Errorf("login %s at %s: %w", user, base, err)
	}
	c.token = out.Login.Token
	return c, nil
}

// newUSCC returns a valid unified social credit code not used before (random body).
func newUSCC() string {
	const body = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	b := []byte("91")
	for range 6 {
		b = append(b, byte('0'+rand.IntN(10)))
	}
	for range 9 {
		b = append(b, body[rand.IntN(len(body))])
	}
	return string(b) + string(uscc.CheckChar(string(b)))
}

// firstErrors prints the first few errors of each kind (the rest are only counted).
var firstErrors sync.Map // kind → *atomic.Int64

func report(kind string, err error) {
	v, _ := firstErrors.LoadOrStore(kind, new(atomic.Int64))
	if v.(*atomic.Int64).Add(1) <= 3 {
		fmt.Fprintf(os.Stderr, "%s %s: %v\n", time.Now().Format("15:04:05.000"), kind, err)
	}
}

type latencies struct {
	mu sync.Mutex
	d  []time.Duration
}

func (l *latencies) add(d time.Duration) { l.mu.Lock(); l.d = append(l.d, d); l.mu.Unlock() }

func (l *latencies) pct(p float64) float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.d) == 0 {
		return 0
	}
	s := slices.Clone(l.d)
	slices.Sort(s)
	i := int(float64(len(s)-1) * p)
	return float64(s[i].Microseconds()) / 1000
}

func runLoad(args []string) error {
	fs := flag.NewFlagSet("load", flag.ExitOnError)
	writeHubs := fs.String("write", "", "comma-separated base URLs of the hubs that take writes")
	readHub := fs.String("read", "", "base URL of the hub whose reads go to the standby")
	duration := fs.Duration("duration", time.Minute, "how long to run")
	ackFile := fs.String("acks", "acks.json", "where to write the acknowledged writes")
	writers := fs.Int("writers", 2, "createTarget clients per write hub")
	readers := fs.Int("readers", 2, "entityHistory/aggregate clients on the read hub")
	_ = fs.Parse(args)
	ctx := context.Background()
	hubs := strings.Split(*writeHubs, ",")
	usr1 := make(chan os.Signal, 1)
	signal.Notify(usr1, syscall.SIGUSR1) // first: the default action would end the process

	var (
		mu        sync.Mutex
		acks      Acks
		ackedAt   = map[int]time.Time{} // item list id → acknowledgement time
		seenAt    = map[int]time.Time{} // item list id → first seen in the standby's feed
		errs      atomic.Int64
		errsEarly atomic.Int64
		// read failures before the primary was stopped
		readErrsEarly atomic.Int64
		readErrs      atomic.Int64
		feedGaps      atomic.Int64
		reads         latencies
		feedReads     atomic.Int64
		wg            sync.WaitGroup
	)
	// Office sessions on every hub (one login, on the first hub: sessions hold across hubs).
	office, err := login(ctx, hubs[0], "office")
	if err != nil {
		return err
	}
	credit, err := login(ctx, hubs[len(hubs)-1], "credit")
	if err != nil {
		return err
	}
	var deps struct {
		Departments struct {
			Edges []struct{ Node struct{ ID, Code string } }
		}
	}
	if err := office.do(ctx, `{ departments(first: 100) { edges { node { id code } } } }`, nil, &deps); err != nil {
		return err
	}
	depID := map[string]string{}
	for _, e := range deps.Departments.Edges {
		depID[e.Node.Code] = e.Node.ID
	}
	// Known USCCs for entityHistory.
	var tg struct {
		Targets struct {
			Edges []struct{ Node struct{ Uscc *string } }
		}
	}
	if err := office.do(ctx, `{ targets(first: 200) { edges { node { uscc } } } }`, nil, &tg); err != nil {
		return err
	}
	var known []string
	for _, e := range tg.Targets.Edges {
		if e.Node.Uscc != nil {
			known = append(known, *e.Node.Uscc)
		}
	}
	// Where the feed is now: readers start there.
	var start struct {
		Changes struct {
			EndCursor *string
			Changes   []struct{ LedgerIndex int }
		}
	}
	cursor := ""
	for {
		if err := credit.do(ctx, `query($a: String) { changes(after: $a, first: 1000) { endCursor changes { ledgerIndex } } }`, map[string]any{"a": cursor}, &start); err != nil {
			return err
		}
		if start.Changes.EndCursor == nil || *start.Changes.EndCursor == cursor || len(start.Changes.Changes) == 0 {
			break
		}
		cursor = *start.Changes.EndCursor
	}

	began := time.Now()
	deadline := began.Add(*duration)
	running := func() bool { return time.Now().Before(deadline) }
	// run.sh sends SIGUSR1 just before it stops the primary: failures before it are counted apart.
	var crashed atomic.Bool
	go func() {
		<-usr1
		crashed.Store(true)
		fmt.Fprintf(os.Stderr, "%s the primary is being stopped\n", time.Now().Format("15:04:05.000"))
	}()
	failed := func() {
		errs.Add(1)
		if !crashed.Load() {
			errsEarly.Add(1)
		}
	}
	readFailed := func() {
		readErrs.Add(1)
		if !crashed.Load() {
			readErrsEarly.Add(1)
		}
	}
	at := func(c *client, base string) *client { return &client{base: base, token: c.token, hc: c.hc} }

	// Target writers through every write hub.
	for _, h := range hubs {
		for range *writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c := at(office, h)
				for running() {
					code := newUSCC()
					err := c.do(ctx, `mutation($i: CreateTargetInput!) { createTarget(input: $i) { id } }`,
						map[string]any{"i": map[string]any{"name": "多实例压测企业" + code[10:], "uscc": code}}, nil)
					if err != nil {
						failed()
						report("createTarget", err)
						time.Sleep(100 * time.Millisecond)
						continue
					}
					mu.Lock()
					acks.Targets = append(acks.Targets, code)
					mu.Unlock()
				}
			}()
		}
	}
	// Publishers: a new item-list version filed and published, one department per hub.
	pubDeps := []string{"SCJG", "WJ", "FG", "ZJ"}
	for i, h := range hubs {
		dep := depID[pubDeps[i%len(pubDeps)]]
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := at(office, h)
			for n := 0; running(); n++ {
				id, err := publishList(ctx, c, dep, n)
				if err != nil {
					failed()
					report("publish", err)
					time.Sleep(200 * time.Millisecond)
					continue
				}
				mu.Lock()
				acks.ItemLists = append(acks.ItemLists, id)
				ackedAt[id] = time.Now()
				mu.Unlock()
			}
		}()
	}
	// Feed reader on the standby hub: gap-free, and when each publication shows up.
	wg.Add(1)
	go func() {
		defer wg.Done()
		c := at(credit, *readHub)
		cur := cursor
		next := -1
		if cur != "" {
			n, _ := strconv.Atoi(cur)
			next = n + 1
		}
		for running() {
			var page struct {
				Changes struct {
					EndCursor   *string
					HasNextPage bool
					Changes     []struct {
						LedgerIndex int
						Kind        string
						Publication struct{ SubjectID int }
					}
				}
			}
			t0 := time.Now()
			err := c.do(ctx, `query($a: String) { changes(after: $a, first: 500) { endCursor hasNextPage changes { ledgerIndex kind publication { subjectID } } } }`, map[string]any{"a": cur}, &page)
			if err != nil {
				readFailed()
				report("changes", err)
				time.Sleep(50 * time.Millisecond)
				continue
			}
			reads.add(time.Since(t0))
			feedReads.Add(1)
			now := time.Now()
			for _, ch := range page.Changes.Changes {
				if next >= 0 && ch.LedgerIndex != next {
					feedGaps.Add(1)
					fmt.Fprintf(os.Stderr, "feed gap: %d after %d\n", ch.LedgerIndex, next-1)
				}
				next = ch.LedgerIndex + 1
				if ch.Kind == "ITEM_LIST" {
					mu.Lock()
					if _, ok := seenAt[ch.Publication.SubjectID]; !ok {
						seenAt[ch.Publication.SubjectID] = now
					}
					mu.Unlock()
				}
			}
			if page.Changes.EndCursor != nil {
				cur = *page.Changes.EndCursor
			}
			if !page.Changes.HasNextPage {
				time.Sleep(10 * time.Millisecond)
			}
		}
	}()
	// History and aggregate readers on the standby hub.
	for range *readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := at(credit, *readHub)
			for i := 0; running(); i++ {
				t0 := time.Now()
				var err error
				if i%4 == 3 {
					err = c.do(ctx, `{ resultAggregate(groupBy: [DEPARTMENT]) { total } }`, nil, nil)
				} else if len(known) > 0 {
					err = c.do(ctx, `query($u: String!) { entityHistory(uscc: $u) { target { name } results { id } tasks { number } } }`,
						map[string]any{"u": known[rand.IntN(len(known))]}, nil)
				}
				if err != nil {
					readFailed()
					report("history/aggregate", err)
					time.Sleep(50 * time.Millisecond)
					continue
				}
				reads.add(time.Since(t0))
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(began)

	var lags latencies
	for id, a := range ackedAt {
		if s, ok := seenAt[id]; ok {
			lags.add(max(s.Sub(a), 0))
		}
	}
	acks.Errors, acks.ErrorsBeforeCrash, acks.FeedGaps = int(errs.Load()), int(errsEarly.Load()), int(feedGaps.Load())
	s := &acks.Summary
	s.Seconds = elapsed.Seconds()
	s.TargetsPerSec = float64(len(acks.Targets)) / elapsed.Seconds()
	s.PublishedPerSec = float64(len(acks.ItemLists)) / elapsed.Seconds()
	s.FeedReads = int(feedReads.Load())
	s.FeedLagP50ms, s.FeedLagP99ms, s.FeedLagMaxms, s.FeedLagSamples = lags.pct(0.5), lags.pct(0.99), lags.pct(1), len(lags.d)
	s.StandbyReads, s.StandbyReadP50ms, s.StandbyReadP99ms = len(reads.d), reads.pct(0.5), reads.pct(0.99)
	s.ReadErrors, s.ReadErrorsEarly = int(readErrs.Load()), int(readErrsEarly.Load())
	b, _ := json.MarshalIndent(acks, "", " ")
	return os.WriteFile(*ackFile, b, 0o644)
}

// publishList files and publishes a new item-list version of department dep: four mutations.
func publishList(ctx context.Context, c *client, dep string, n int) (int, error) {
	var v struct{ NewItemListVersion struct{ ID string } }
	if err := c.do(ctx, `mutation($d: ID!, $r: String!) { newItemListVersion(departmentID: $d, changeReason: $r) { id } }`,
		map[string]any{"d": dep, "r": fmt.Sprintf("多实例压测第 %d 版", n)}, &v); err != nil {
		return 0, fmt.Errorf("newItemListVersion: %w", err)
	}
	id := v.NewItemListVersion.ID
	var f struct{ SubmitItemList struct{ ID string } }
	if err := c.do(ctx, `mutation($i: ID!) { submitItemList(id: $i) { id } }`, map[string]any{"i": id}, &f); err != nil {
		return 0, fmt.Errorf("submitItemList: %w", err)
	}
	if err := c.do(ctx, `mutation($i: ID!) { decideFiling(id: $i, accept: true) { id } }`, map[string]any{"i": f.SubmitItemList.ID}, nil); err != nil {
		return 0, fmt.Errorf("decideFiling: %w", err)
	}
	if err := c.do(ctx, `mutation($i: ID!, $t: Time!) { publishItemList(id: $i, effectiveDate: $t) { id } }`,
		map[string]any{"i": id, "t": time.Now().UTC().Format(time.RFC3339)}, nil); err != nil {
		return 0, fmt.Errorf("publishItemList: %w", err)
	}
	return strconv.Atoi(id)
}

func runVerify(args []string) error {
	fs := flag.NewFlagSet("verify", flag.ExitOnError)
	dsn := fs.String("db", "", "postgres:// URL of the promoted standby")
	ackFile := fs.String("acks", "acks.json", "the acknowledged writes")
	_ = fs.Parse(args)
	b, err := os.ReadFile(*ackFile)
	if err != nil {
		return err
	}
	var acks Acks
	if err := json.Unmarshal(b, &acks); err != nil {
		return err
	}
	db, err := sql.Open("postgres", *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx := context.Background()
	lostTargets, lostLists := 0, 0
	for _, code := range acks.Targets {
		var n int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM targets WHERE uscc = $1`, code).Scan(&n); err != nil {
			return err
		}
		if n != 1 {
			lostTargets++
			fmt.Fprintf(os.Stderr, "target %s: %d rows after promotion\n", code, n)
		}
	}
	for _, id := range acks.ItemLists {
		var n int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM publications WHERE kind = 'ITEM_LIST' AND subject_id = $1 AND ledger_index IS NOT NULL`, id).Scan(&n); err != nil {
			return err
		}
		if n != 1 {
			lostLists++
			fmt.Fprintf(os.Stderr, "item list %d: %d logged publications after promotion\n", id, n)
		}
	}
	var leaves, maxIndex, pubs int64
	if err := db.QueryRowContext(ctx, `SELECT count(*), coalesce(max(index), -1) FROM ledger_leafs`).Scan(&leaves, &maxIndex); err != nil {
		return err
	}
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM publications WHERE ledger_index IS NOT NULL`).Scan(&pubs); err != nil {
		return err
	}
	s := acks.Summary
	fmt.Printf("| measurement | value |\n|---|---:|\n")
	fmt.Printf("| run length | %.0f s |\n", s.Seconds)
	fmt.Printf("| createTarget acknowledged (both hubs) | %d (%.1f/s) |\n", len(acks.Targets), s.TargetsPerSec)
	fmt.Printf("| item-list versions published (both hubs) | %d (%.2f/s) |\n", len(acks.ItemLists), s.PublishedPerSec)
	fmt.Printf("| failed writes before the primary was stopped / after (not acknowledged) | %d / %d |\n", acks.ErrorsBeforeCrash, acks.Errors-acks.ErrorsBeforeCrash)
	fmt.Printf("| feed lag, acknowledgement → seen in `changes` from the standby: p50 / p99 / max | %.1f / %.1f / %.1f ms (%d publications) |\n", s.FeedLagP50ms, s.FeedLagP99ms, s.FeedLagMaxms, s.FeedLagSamples)
	fmt.Printf("| reads through hub C (standby): p50 / p99 | %.1f / %.1f ms (%d reads) |\n", s.StandbyReadP50ms, s.StandbyReadP99ms, s.StandbyReads)
	fmt.Printf("| failed reads before the primary was stopped / after | %d / %d |\n", s.ReadErrorsEarly, s.ReadErrors-s.ReadErrorsEarly)
	fmt.Printf("| feed gaps or reorderings seen from the standby | %d |\n", acks.FeedGaps)
	fmt.Printf("| after promotion: acknowledged targets missing | %d of %d |\n", lostTargets, len(acks.Targets))
	fmt.Printf("| after promotion: acknowledged publications missing | %d of %d |\n", lostLists, len(acks.ItemLists))
	fmt.Printf("| after promotion: ledger leaves / highest index + 1 / logged publications | %d / %d / %d |\n", leaves, maxIndex+1, pubs)
	var problems []string
	if lostTargets+lostLists > 0 {
		problems = append(problems, fmt.Sprintf("%d acknowledged writes lost", lostTargets+lostLists))
	}
	if acks.FeedGaps > 0 {
		problems = append(problems, fmt.Sprintf("%d feed gaps", acks.FeedGaps))
	}
	if leaves != maxIndex+1 || leaves != pubs {
		problems = append(problems, "the log has a gap")
	}
	if len(acks.Targets) == 0 || len(acks.ItemLists) == 0 || s.FeedLagSamples == 0 {
		problems = append(problems, "the load did not run (no acknowledged writes or no feed samples)")
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	fmt.Println("OK: no acknowledged write lost, the feed gap-free")
	return nil
}
