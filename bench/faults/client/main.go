// Command client is the load and the bookkeeping of bench/faults/run.sh (issue 25): it streams
// mutations at a hub while the script kills and restarts it, records every acknowledged write
// and every error, and afterwards counts the acknowledged writes in the database.
//
//	client stream -url http://127.0.0.1:18080 -token T -run R -workers 4 -duration 20s -out DIR
//	client check  -db DSN -run R -out DIR        # lost / duplicated acknowledged writes, ledger gaps
//	client query  -db DSN 'SELECT count(*) FROM targets'
//	client setup  -data-dir DIR [-database-url URL] -out ids.txt   # approved results to publish
//	client killwatch -pid PID -file F [-after-open MS | -after-close MS]  # SIGKILL an import
//
// DSN is a postgres:// URL or the path of a SQLite database file.
//
// stream: each worker creates targets (createTarget with a library, so that the owner
// generation lock is taken too) and, when -publish lists result IDs, publishes them
// (publishResult). Every request carries an Idempotency-Key; a request whose answer was lost (the
// connection dropped, the hub is down) or that failed with a fault code (UNAVAILABLE, BUSY,
// DEADLINE, DISK_FULL) is sent again, unchanged, until it is acknowledged or -retry-for has
// passed. An error without extensions.code — or an HTTP error without a GraphQL body — is an
// uncoded error; UNAUTHENTICATED for the valid token is counted apart.
package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	_ "github.com/lib/pq"
	_ "modernc.org/sqlite"

	"github.com/ssgk/ssgk/internal/uscc"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: client stream|check|query …")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "stream":
		err = stream(os.Args[2:])
	case "check":
		err = check(os.Args[2:])
	case "query":
		err = query(os.Args[2:])
	case "setup":
		err = setup(os.Args[2:])
	case "killwatch":
		err = killwatch(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "client:", err)
		os.Exit(1)
	}
}

// faultCodes are the codes after which a request is sent again.
var faultCodes = map[string]bool{"UNAVAILABLE": true, "BUSY": true, "DEADLINE": true, "DISK_FULL": true}

// ack is one acknowledged write, one JSON line of acked.jsonl.
type ack struct {
	Key    string `json:"key"`
	Kind   string `json:"kind"` // target | publish
	Name   string `json:"name,omitempty"`
	USCC   string `json:"uscc,omitempty"`
	ID     string `json:"id"`
	Tries  int    `json:"tries"`
	Replay bool   `json:"replay,omitempty"`
}

// failure is one error answer, one JSON line of errors.jsonl.
type failure struct {
	Key     string `json:"key"`
	Status  int    `json:"status"`
	Code    string `json:"code"` // "" = uncoded
	Message string `json:"message"`
	At      string `json:"at"`
}

type summary struct {
	Acked       int            `json:"acked"`
	Replays     int            `json:"replays"`
	Transport   int            `json:"transport"` // requests whose answer was lost (hub down)
	Codes       map[string]int `json:"codes"`     // coded error answers by code
	Uncoded     int            `json:"uncoded"`
	Unauth      int            `json:"unauthenticated"`
	GaveUp      int            `json:"gaveUp"` // requests never acknowledged within -retry-for
	MaxRetrySec float64        `json:"maxRetrySeconds"`
	// The change feed as a credit centre read it during the stream, resuming from each page's
	// endCursor: the ledger indexes seen must run 0, 1, 2, … with none skipped or repeated.
	FeedSeen    int  `json:"feedSeen"`
	FeedLast    int  `json:"feedLast"`
	FeedGapFree bool `json:"feedGapFree"`
}

type streamer struct {
	url, token, run string
	retryFor        time.Duration
	hc              *http.Client

	mu      sync.Mutex
	sum     summary
	acks    *json.Encoder
	fails   *json.Encoder
	publish chan string
}

func stream(args []string) error {
	fs := flag.NewFlagSet("stream", flag.ExitOnError)
	url := fs.String("url", "http://127.0.0.1:18080", "hub address")
	token := fs.String("token", "", "department token (DEPT_ADMIN)")
	run := fs.String("run", "", "run label: the prefix of every name and key")
	workers := fs.Int("workers", 4, "concurrent clients")
	duration := fs.Duration("duration", 20*time.Second, "how long new requests are started")
	retryFor := fs.Duration("retry-for", 90*time.Second, "how long one request is retried")
	out := fs.String("out", ".", "directory of acked.jsonl, errors.jsonl, summary.json")
	pubFile := fs.String("publish", "", "file of result IDs to publish, one a line")
	pubToken := fs.String("publish-token", "", "token of an APPROVER of the results' department")
	stop := fs.String("stop-file", "", "stop starting requests when this file exists")
	feedToken := fs.String("feed-token", "", "token of a credit centre: read the change feed during the stream")
	_ = fs.Parse(args)
	if *token == "" || *run == "" {
		return errors.New("stream needs -token and -run")
	}
	af, err := os.Create(filepath.Join(*out, "acked.jsonl"))
	if err != nil {
		return err
	}
	defer af.Close()
	ef, err := os.Create(filepath.Join(*out, "errors.jsonl"))
	if err != nil {
		return err
	}
	defer ef.Close()
	s := &streamer{url: strings.TrimRight(*url, "/") + "/graphql", token: *token, run: *run, retryFor: *retryFor,
		hc: &http.Client{Timeout: 30 * time.Second}, acks: json.NewEncoder(af), fails: json.NewEncoder(ef),
		publish: make(chan string, 100000)}
	s.sum.Codes = map[string]int{}
	if *pubFile != "" && *pubToken != "" {
		b, err := os.ReadFile(*pubFile)
		if err != nil {
			return err
		}
		for _, id := range strings.Fields(string(b)) {
			s.publish <- id
		}
	}
	close(s.publish)

	lib, err := s.library()
	if err != nil {
		return err
	}
	end := time.Now().Add(*duration)
	going := func() bool {
		if time.Now().After(end) {
			return false
		}
		if *stop != "" {
			if _, err := os.Stat(*stop); err == nil {
				return false
			}
		}
		return true
	}
	feedDone := make(chan struct{})
	feedOut := make(chan []int, 1)
	if *feedToken != "" {
		go s.feed(*feedToken, feedDone, feedOut)
	}
	var wg sync.WaitGroup
	for w := 0; w < *workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for seq := 0; going(); seq++ {
				if w%2 == 1 { // half the workers publish while there is something to publish
					if id, ok := <-s.publish; ok {
						s.do(*pubToken, fmt.Sprintf("%s-p-%s", s.run, id), "publish", "", "", `mutation P($id: ID!) { publishResult(id: $id) { id status } }`,
							map[string]any{"id": id}, "publishResult")
						continue
					}
				}
				name := fmt.Sprintf("%s-w%d-%06d 故障注入检查对象", s.run, w, seq)
				code := newUSCC(s.run, w, seq)
				in := map[string]any{"name": name, "uscc": code, "kind": "ENTERPRISE", "divisionCode": "370921", "libraryIDs": []string{lib}}
				s.do(s.token, fmt.Sprintf("%s-t-%d-%d", s.run, w, seq), "target", name, code,
					`mutation C($in: CreateTargetInput!) { createTarget(input: $in) { id uscc name } }`, map[string]any{"in": in}, "createTarget")
			}
		}(w)
	}
	wg.Wait()
	close(feedDone)
	s.sum.FeedLast = -1
	if *feedToken != "" {
		seen := <-feedOut
		s.sum.FeedSeen, s.sum.FeedGapFree = len(seen), true
		for i, ix := range seen {
			if ix != i {
				s.sum.FeedGapFree = false
			}
			s.sum.FeedLast = ix
		}
	}
	b, _ := json.MarshalIndent(s.sum, "", "  ")
	if err := os.WriteFile(filepath.Join(*out, "summary.json"), b, 0o644); err != nil {
		return err
	}
	fmt.Println(string(b))
	return nil
}

// feed follows the change feed from the start, one page after the other from each endCursor,
// until done is closed and a last read finds nothing new; it sends the ledger indexes seen.
func (s *streamer) feed(token string, done <-chan struct{}, out chan<- []int) {
	var seen []int
	cursor := ""
	finishing := false
	failures := 0
	for {
		select {
		case <-done:
			finishing = true
		default:
		}
		vars := map[string]any{"first": 1000}
		if cursor != "" {
			vars["after"] = cursor
		}
		_, g, _, err := s.post(token, "", `query F($after: String, $first: Int) { changes(after: $after, first: $first) { changes { ledgerIndex } endCursor hasNextPage } }`, vars)
		if err != nil || g == nil || len(g.Errors) > 0 {
			if finishing && (err != nil || failures > 50) { // the hub is gone for good
				break
			}
			failures++
			time.Sleep(200 * time.Millisecond)
			continue
		}
		var p struct {
			Changes []struct {
				LedgerIndex int `json:"ledgerIndex"`
			} `json:"changes"`
			EndCursor   string `json:"endCursor"`
			HasNextPage bool   `json:"hasNextPage"`
		}
		if err := json.Unmarshal(g.Data["changes"], &p); err != nil {
			time.Sleep(200 * time.Millisecond)
			continue
		}
		for _, c := range p.Changes {
			seen = append(seen, c.LedgerIndex)
		}
		if p.EndCursor != "" {
			cursor = p.EndCursor
		}
		if p.HasNextPage {
			continue
		}
		if finishing {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	out <- seen
}

// newUSCC returns a valid USCC of an enterprise, unique to (run, worker, seq): its organisation
// code is numbered, and its division (370923) is not the demo data's (370921).
func newUSCC(run string, w, seq int) string {
	h := fnv.New32a()
	_, _ = h.Write([]byte(run))
	org := fmt.Sprintf("%08d", (int(h.Sum32())+w*10_000_000+seq)%100_000_000)
	first := "91370923" + org + string(uscc.OrgCodeCheckChar(org))
	return first + string(uscc.CheckChar(first))
}

type gqlResponse struct {
	Data       map[string]json.RawMessage `json:"data"`
	Errors     []gqlError                 `json:"errors"`
	Extensions map[string]any             `json:"extensions"`
}

type gqlError struct {
	Message    string         `json:"message"`
	Extensions map[string]any `json:"extensions"`
}

// post sends one request; err is a transport error (no answer).
func (s *streamer) post(token, key, q string, vars map[string]any) (int, *gqlResponse, []byte, error) {
	body, _ := json.Marshal(map[string]any{"query": q, "variables": vars})
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, s.url, bytes.NewReader(body))
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	rsp, err := s.hc.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer rsp.Body.Close()
	raw, err := io.ReadAll(rsp.Body)
	if err != nil {
		return 0, nil, nil, err
	}
	var g gqlResponse
	if json.Unmarshal(raw, &g) != nil {
		return rsp.StatusCode, nil, raw, nil
	}
	return rsp.StatusCode, &g, raw, nil
}

// do sends the mutation until it is acknowledged, refused for good, or -retry-for has passed.
func (s *streamer) do(token, key, kind, name, code, q string, vars map[string]any, field string) {
	start := time.Now()
	for tries := 1; ; tries++ {
		status, g, raw, err := s.post(token, key, q, vars)
		retry := false
		switch {
		case err != nil:
			s.count(func(m *summary) { m.Transport++ })
			retry = true
		case g == nil:
			s.fail(failure{Key: key, Status: status, Message: truncate(string(raw))})
			retry = status >= 500
		case len(g.Errors) == 0 && len(g.Data[field]) > 0 && string(g.Data[field]) != "null":
			var obj struct {
				ID string `json:"id"`
			}
			_ = json.Unmarshal(g.Data[field], &obj)
			replay, _ := g.Extensions["idempotentReplay"].(bool)
			s.mu.Lock()
			s.sum.Acked++
			if replay {
				s.sum.Replays++
			}
			if d := time.Since(start).Seconds(); d > s.sum.MaxRetrySec {
				s.sum.MaxRetrySec = d
			}
			_ = s.acks.Encode(ack{Key: key, Kind: kind, Name: name, USCC: code, ID: obj.ID, Tries: tries, Replay: replay})
			s.mu.Unlock()
			return
		default:
			if len(g.Errors) == 0 {
				g.Errors = []gqlError{{Message: "no data and no error: " + truncate(string(raw))}}
			}
			for _, e := range g.Errors {
				c, _ := e.Extensions["code"].(string)
				s.fail(failure{Key: key, Status: status, Code: c, Message: truncate(e.Message)})
				if faultCodes[c] {
					retry = true
				}
			}
		}
		if !retry || time.Since(start) > s.retryFor {
			s.count(func(m *summary) { m.GaveUp++ })
			return
		}
		time.Sleep(150 * time.Millisecond)
	}
}

func (s *streamer) count(f func(*summary)) {
	s.mu.Lock()
	f(&s.sum)
	s.mu.Unlock()
}

func (s *streamer) fail(f failure) {
	f.At = time.Now().UTC().Format(time.RFC3339Nano)
	s.mu.Lock()
	defer s.mu.Unlock()
	switch f.Code {
	case "":
		s.sum.Uncoded++
	case "UNAUTHENTICATED":
		s.sum.Unauth++
	default:
		s.sum.Codes[f.Code]++
	}
	_ = s.fails.Encode(f)
}

func truncate(s string) string {
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}

// library returns the ID of a target library of the token's department, waiting for the hub.
func (s *streamer) library() (string, error) {
	deadline := time.Now().Add(60 * time.Second)
	for {
		_, g, raw, err := s.post(s.token, "", `{ targetLibraries(first: 1) { edges { node { id } } } }`, nil)
		if err == nil && g != nil {
			var c struct {
				Edges []struct {
					Node struct {
						ID string `json:"id"`
					} `json:"node"`
				} `json:"edges"`
			}
			if json.Unmarshal(g.Data["targetLibraries"], &c) == nil && len(c.Edges) > 0 {
				return c.Edges[0].Node.ID, nil
			}
			return "", fmt.Errorf("no target library: %s", truncate(string(raw)))
		}
		if time.Now().After(deadline) {
			return "", fmt.Errorf("hub not answering: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func openDB(dsn string) (*sql.DB, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return sql.Open("postgres", dsn)
	}
	return sql.Open("sqlite", "file:"+dsn+"?_pragma=busy_timeout(10000)")
}

// check compares the acknowledged writes of a stream with the database.
func check(args []string) error {
	fs := flag.NewFlagSet("check", flag.ExitOnError)
	dsn := fs.String("db", "", "database")
	run := fs.String("run", "", "run label")
	out := fs.String("out", ".", "directory of acked.jsonl")
	_ = fs.Parse(args)
	db, err := openDB(*dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx := context.Background()

	present := map[string]int{} // name → rows
	rows, err := db.QueryContext(ctx, "SELECT name FROM targets WHERE name LIKE '"+strings.ReplaceAll(*run, "'", "")+"-%'")
	if err != nil {
		return err
	}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return err
		}
		present[n]++
	}
	if err := rows.Close(); err != nil {
		return err
	}
	published := map[string]bool{}
	rows, err = db.QueryContext(ctx, "SELECT id FROM results WHERE status = 'PUBLISHED'")
	if err != nil {
		return err
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return err
		}
		published[id] = true
	}
	if err := rows.Close(); err != nil {
		return err
	}

	f, err := os.Open(filepath.Join(*out, "acked.jsonl"))
	if err != nil {
		return err
	}
	defer f.Close()
	dec := json.NewDecoder(f)
	var acked, lost, dup, pubs int
	var lostKeys []string
	seenName := map[string]bool{}
	for {
		var a ack
		if err := dec.Decode(&a); err == io.EOF {
			break
		} else if err != nil {
			return err
		}
		acked++
		switch a.Kind {
		case "target":
			seenName[a.Name] = true
			switch n := present[a.Name]; {
			case n == 0:
				lost++
				lostKeys = append(lostKeys, a.Key)
			case n > 1:
				dup++
			}
		case "publish":
			pubs++
			if !published[a.ID] {
				lost++
				lostKeys = append(lostKeys, a.Key)
			}
		}
	}
	// Rows of the run that no one acknowledged are not errors (a request whose answer was lost
	// and that was never retried to the end), but a name twice is a duplicate in any case.
	unacked := 0
	for n, c := range present {
		if !seenName[n] {
			unacked++
			if c > 1 {
				dup++
			}
		}
	}

	// The transparency log: leaf indexes 0…n-1 without a gap (the change feed's cursors).
	var leaves, maxIndex, distinct int64
	if err := db.QueryRowContext(ctx, "SELECT count(*), COALESCE(max(\"index\"), -1), count(DISTINCT \"index\") FROM ledger_leafs").Scan(&leaves, &maxIndex, &distinct); err != nil {
		return err
	}
	gapFree := leaves == maxIndex+1 && distinct == leaves
	// A result published twice would have two RESULT publications (two ledger leaves).
	var twice int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM (SELECT subject_id FROM publications WHERE kind = 'RESULT' GROUP BY subject_id HAVING count(*) > 1) d").Scan(&twice); err != nil {
		return err
	}
	dup += twice
	sort.Strings(lostKeys)
	res := map[string]any{"acked": acked, "publishAcked": pubs, "lost": lost, "duplicated": dup, "presentUnacked": unacked,
		"ledgerLeaves": leaves, "ledgerGapFree": gapFree, "lostKeys": lostKeys}
	b, _ := json.Marshal(res)
	fmt.Println(string(b))
	return nil
}

// query prints the first column of every row of one SQL statement.
func query(args []string) error {
	fs := flag.NewFlagSet("query", flag.ExitOnError)
	dsn := fs.String("db", "", "database")
	_ = fs.Parse(args)
	db, err := openDB(*dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	rows, err := db.Query(fs.Arg(0))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var v sql.NullString
		if err := rows.Scan(&v); err != nil {
			return err
		}
		fmt.Println(v.String)
	}
	return rows.Err()
}
