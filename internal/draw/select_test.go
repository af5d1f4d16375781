package draw

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func testSeed(i int) Hash {
	return sha256.Sum256(fmt.Appendf(nil, "ssgk draw test seed %d", i))
}

func testKeys(prefix string, n int) []string {
	keys := make([]string, n)
	for i := range keys {
		keys[i] = fmt.Sprintf("%s%08d", prefix, i)
	}
	slices.Sort(keys)
	return keys
}

func TestSelect_SameSeedSameTargets(t *testing.T) {
	in := fixtureInputs()
	_, _, o1 := mustRun(t, in, fixtureSecret, fixtureEntropy)
	_, _, o2 := mustRun(t, fixtureInputs(), fixtureSecret, fixtureEntropy)
	a, _ := canonicalJSON(o1)
	b, _ := canonicalJSON(o2)
	if string(a) != string(b) {
		t.Fatal("same inputs gave different outcomes")
	}
}

// The bounded heap must give exactly the first n of the full ticket order, for every n.
func TestSelect_HeapEqualsFullSort(t *testing.T) {
	for _, N := range []int{1, 2, 7, 100, 1000} {
		keys := testKeys("K", N)
		full := TicketOrder(testSeed(N), "S", keys)
		for _, n := range []int{0, 1, 2, N / 3, N - 1, N} {
			n = min(n, N)
			got := selectStratumWorkers(testSeed(N), "S", keys, n, 1)
			if !slices.Equal(got, full[:n]) {
				t.Fatalf("N=%d n=%d: heap selection differs from the full sort", N, n)
			}
		}
	}
}

// Parallel selection (own heap per goroutine, merged) equals the sequential one.
func TestSelect_ParallelEqualsSequential(t *testing.T) {
	N := 3*parallelMin + 17
	keys := testKeys("P", N)
	for _, n := range []int{1, 100, parallelMin / 2, N / 2, N - 1, N} {
		seq := selectStratumWorkers(testSeed(n), "B", keys, n, 1)
		for _, w := range []int{2, 3, 4} {
			if par := selectStratumWorkers(testSeed(n), "B", keys, n, w); !slices.Equal(seq, par) {
				t.Fatalf("n=%d workers=%d: parallel selection differs from sequential", n, w)
			}
		}
	}
	// And the large-sort path (radix) agrees with the comparison sort.
	full := TicketOrder(testSeed(1), "B", keys)
	if got := selectStratumWorkers(testSeed(1), "B", keys, N, 2); !slices.Equal(got, full) {
		t.Fatal("n = N: selection differs from the full ticket order")
	}
}

// Entries with equal first words are ordered by the full ticket, and equal tickets by key.
func TestSelect_TieBreakIsExact(t *testing.T) {
	keys := testKeys("T", 64)
	h := newBounded(keys, len(keys))
	es := make([]entry, len(keys))
	for i, k := range keys {
		h.pool[i] = Ticket(testSeed(0), "A", k)
		es[i] = entry{w0: 42, slot: uint32(i), idx: uint32(i)} // forged: every first word equal
	}
	slices.SortFunc(es, h.cmp)
	full := TicketOrder(testSeed(0), "A", keys)
	for i, e := range es {
		if keys[e.idx] != full[i].Key {
			t.Fatalf("position %d: %s, want %s", i, keys[e.idx], full[i].Key)
		}
	}
	// Forged equal tickets: the key decides.
	h.pool[1] = h.pool[0]
	if h.cmp(entry{slot: 0, idx: 5}, entry{slot: 1, idx: 3}) <= 0 || h.cmp(entry{slot: 1, idx: 3}, entry{slot: 0, idx: 5}) >= 0 {
		t.Fatal("equal tickets must be ordered by key")
	}
	// The radix path agrees with the comparison sort, ties included.
	r := rand.New(rand.NewPCG(1, 2))
	big := newBounded(keys, radixMin+5)
	e := make([]entry, radixMin+5)
	for i := range e {
		// Few distinct tickets and first words: equal ones occur, so ties are exercised.
		big.pool[i][31] = byte(r.IntN(4))
		e[i] = entry{w0: r.Uint64() >> 60, slot: uint32(i), idx: uint32(r.IntN(len(keys)))}
	}
	want := slices.Clone(e)
	slices.SortFunc(want, big.cmp)
	sortEntries(e, big.cmp)
	for i := range e {
		if big.cmp(e[i], want[i]) != 0 {
			t.Fatalf("radix sort differs from the comparison sort at %d", i)
		}
	}
}

func TestSelect_EntropyDigitChangesSeedAndSelection(t *testing.T) {
	in := fixtureInputs()
	c, err := Commit(in, SecretHash(fixtureSecret))
	if err != nil {
		t.Fatal(err)
	}
	d, _ := c.Digest()
	s1 := Seed(d, fixtureSecret, "3 6 1 4 2 5")
	variants := []string{"3 6 1 4 2 6", "3 6 1 4 2 5 ", " 3 6 1 4 2 5", "3 6 1 4 2 5\n", "３ 6 1 4 2 5"}
	for _, v := range variants {
		if Seed(d, fixtureSecret, v) == s1 {
			t.Fatalf("entropy %q gives the same seed as %q: no trimming or normalisation allowed", v, "3 6 1 4 2 5")
		}
	}
	// Over a large stratum, a one-digit change redraws (practically) everything.
	keys := testKeys("E", 5000)
	a := SelectStratum(s1, "A", keys, 250)
	b := SelectStratum(Seed(d, fixtureSecret, "3 6 1 4 2 6"), "A", keys, 250)
	if slices.Equal(a, b) {
		t.Fatal("changing one entropy digit did not change the selection")
	}
}

func TestTicket_NoAllocation(t *testing.T) {
	tk := newTicketer(testSeed(0), "B")
	if n := testing.AllocsPerRun(1000, func() { tk.ticket("91370921MA5CJQ4N59") }); n != 0 {
		t.Fatalf("%v allocations per ticket, want 0", n)
	}
	if tk.ticket("x") != Ticket(testSeed(0), "B", "x") {
		t.Fatal("the reused buffer changes the ticket")
	}
}

func TestReplacements_FollowTicketOrder(t *testing.T) {
	keys := testKeys("R", 300)
	full := TicketOrder(testSeed(3), "C", keys)
	for _, tc := range []struct{ from, k int }{{10, 5}, {0, 3}, {295, 10}, {300, 1}} {
		got := Replacements(testSeed(3), "C", keys, tc.from, tc.k)
		want := full[min(tc.from, len(full)):min(tc.from+tc.k, len(full))]
		if !slices.Equal(got, want) {
			t.Fatalf("Replacements(%d, %d) differs from the ticket order", tc.from, tc.k)
		}
	}
}

// Over many fixed seeds every key of a stratum is drawn with frequency n/N. The statistic
// Σ (c_k − Mp)² · (N−1) / (M p (1−p) N) of sampling without replacement is χ²(N−1); the test
// fails below p = 10⁻⁶ in either tail. The seeds are fixed, so the outcome is deterministic —
// the threshold only says how unlikely a failure would be for a correct implementation.
func TestSelect_ChiSquareUniform(t *testing.T) {
	const M = 4000
	strata := []struct {
		name     string
		N        int
		ratioPPM int64
	}{{"A", 40, 50_000}, {"B", 30, 200_000}, {"C", 20, 600_000}, {"D", 10, PPM}}
	for _, s := range strata {
		keys := testKeys(s.name, s.N)
		n := DrawCount(StratumSpec{Mode: ModeRatio, RatioPPM: s.ratioPPM}, s.N)
		counts := map[string]int{}
		for i := range M {
			for _, p := range SelectStratum(testSeed(i), s.name, keys, n) {
				counts[p.Key]++
			}
		}
		p := float64(n) / float64(s.N)
		if n == s.N {
			for _, k := range keys {
				if counts[k] != M {
					t.Fatalf("stratum %s at 100%%: %s drawn %d of %d times", s.name, k, counts[k], M)
				}
			}
			continue
		}
		x := 0.0
		for _, k := range keys {
			d := float64(counts[k]) - M*p
			x += d * d
		}
		x *= float64(s.N-1) / (M * p * (1 - p) * float64(s.N))
		df := float64(s.N - 1)
		upper := 1 - regularizedGammaP(df/2, x/2)
		t.Logf("stratum %s: N=%d n=%d χ²=%.2f df=%.0f p=%.4f", s.name, s.N, n, x, df, upper)
		if upper < 1e-6 || upper > 1-1e-6 {
			t.Fatalf("stratum %s: selection frequencies are not uniform (χ²=%.2f, df=%.0f, p=%.3g)", s.name, x, df, upper)
		}
	}
}

// regularizedGammaP is P(a, x), the CDF of χ²(2a) at 2x (series for x < a+1, continued
// fraction otherwise; Numerical Recipes §6.2).
func regularizedGammaP(a, x float64) float64 {
	if x <= 0 {
		return 0
	}
	lg, _ := math.Lgamma(a)
	if x < a+1 {
		sum, del := 1/a, 1/a
		for n := 1; n < 1000; n++ {
			del *= x / (a + float64(n))
			sum += del
			if math.Abs(del) < math.Abs(sum)*1e-15 {
				break
			}
		}
		return sum * math.Exp(-x+a*math.Log(x)-lg)
	}
	b := x + 1 - a
	c := 1 / 1e-300
	d := 1 / b
	h := d
	for i := 1; i < 1000; i++ {
		an := -float64(i) * (float64(i) - a)
		b += 2
		d = an*d + b
		if math.Abs(d) < 1e-300 {
			d = 1e-300
		}
		c = b + an/c
		if math.Abs(c) < 1e-300 {
			c = 1e-300
		}
		d = 1 / d
		del := d * c
		h *= del
		if math.Abs(del-1) < 1e-15 {
			break
		}
	}
	return 1 - math.Exp(-x+a*math.Log(x)-lg)*h
}

func TestRegularizedGammaP(t *testing.T) {
	// χ² critical values: P(χ²(19) ≤ 30.144) = 0.95, P(χ²(9) ≤ 21.666) = 0.99.
	for _, tc := range []struct{ df, x, want float64 }{{19, 30.144, 0.95}, {9, 21.666, 0.99}, {2, 2 * math.Ln2, 0.5}} {
		if got := regularizedGammaP(tc.df/2, tc.x/2); math.Abs(got-tc.want) > 1e-3 {
			t.Fatalf("χ²(%v) CDF at %v = %v, want %v", tc.df, tc.x, got, tc.want)
		}
	}
}

// Tickets are uniform: the first 64 bits of many tickets spread evenly over 16 buckets.
func TestTicket_FirstWordUniform(t *testing.T) {
	var buckets [16]int
	keys := testKeys("U", 16000)
	for _, k := range keys {
		tk := Ticket(testSeed(9), "A", k)
		buckets[binary.BigEndian.Uint64(tk[:8])>>60]++
	}
	x := 0.0
	for _, c := range buckets {
		d := float64(c) - 1000
		x += d * d / 1000
	}
	if p := 1 - regularizedGammaP(7.5, x/2); p < 1e-6 {
		t.Fatalf("ticket prefixes not uniform: χ²=%.1f p=%.3g", x, p)
	}
}

// The kept-under-a-limit path is exact at the limit's edge, and the heap path takes over when
// fewer than n tickets lie under it.
func TestSelect_LimitEdgeAndHeapFallback(t *testing.T) {
	N := 2*parallelMin + 5
	keys := testKeys("L", N)
	full := TicketOrder(testSeed(7), "C", keys)
	for _, n := range []int{1, 1000, N / 2, N} {
		nth := binary.BigEndian.Uint64(full[n-1].Ticket[0:8])
		for _, limit := range []uint64{nth, nth - 1, 0} {
			for _, w := range []int{1, 2, 3} {
				if got := smallestUnder(testSeed(7), "C", keys, n, w, limit); !slices.Equal(got, full[:n]) {
					t.Fatalf("n=%d limit=%d workers=%d: selection differs from the full ticket order", n, limit, w)
				}
			}
		}
	}
	if ticketLimit(5, 5) != math.MaxUint64 || ticketLimit(0, 10) == 0 {
		t.Fatal("limit of a full draw must keep everything; an empty draw still keeps a margin")
	}
}
