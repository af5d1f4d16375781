package draw

import (
	"crypto/sha256"
	"runtime"
	"slices"
	"sync"
	"testing"
)

// benchStrata is a province-sized frame (design.md §8: ~10⁷ targets) of 10,000,000 candidates
// in the four credit-risk strata; the split between classes is illustrative.
var benchStrata = []struct {
	name string
	size int
}{{"A", 4_000_000}, {"B", 4_000_000}, {"C", 1_500_000}, {"D", 500_000}}

// benchWorkloads are the ratios drawn: 3% everywhere (the minimum for public-information checks,
// domain.md §2.6: n = 300,000) and the default credit-risk ratios A 5%, B 20%, C 60%, D 100%
// (n = 2,400,000).
var benchWorkloads = []struct {
	name  string
	ratio func(i int) int64
}{
	{"ratio=3%", func(int) int64 { return 30_000 }},
	{"credit-risk-defaults", func(i int) int64 { return DefaultCreditRiskStrata()[i].RatioPPM }},
}

var (
	benchOnce sync.Once
	benchKeys map[string][]string
	benchSeed = Hash(sha256.Sum256([]byte("ssgk benchmark seed")))
)

// uscc returns a syntactically valid USCC for serial (GB 32100-2015 check character).
func uscc(serial int) string {
	const charset = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	weights := [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}
	var b [18]byte
	copy(b[:], "91370921")
	for i := 16; i >= 8; i-- {
		b[i] = charset[serial%31]
		serial /= 31
	}
	sum := 0
	for i := range 17 {
		sum += weights[i] * indexByte(charset, b[i])
	}
	b[17] = charset[(31-sum%31)%31]
	return string(b[:])
}

func indexByte(s string, c byte) int {
	for i := range len(s) {
		if s[i] == c {
			return i
		}
	}
	return -1
}

func benchFrame() map[string][]string {
	benchOnce.Do(func() {
		benchKeys = map[string][]string{}
		serial := 0
		for _, s := range benchStrata {
			keys := make([]string, s.size)
			for j := range keys {
				keys[j] = uscc(serial)
				serial++
			}
			slices.Sort(keys)
			benchKeys[s.name] = keys
		}
	})
	return benchKeys
}

func benchmarkSelect(b *testing.B, workers int) {
	keys := benchFrame()
	for _, wl := range benchWorkloads {
		b.Run(wl.name, func(b *testing.B) {
			counts := map[string]int{}
			for i, s := range benchStrata {
				counts[s.name] = DrawCount(StratumSpec{Mode: ModeRatio, RatioPPM: wl.ratio(i)}, s.size)
			}
			runtime.GC() // do not bill the set-up's garbage to the first iteration
			drawn := 0
			for b.Loop() {
				drawn = 0
				for _, s := range benchStrata {
					drawn += len(selectStratumWorkers(benchSeed, s.name, keys[s.name], counts[s.name], workers))
				}
			}
			b.ReportMetric(float64(drawn), "drawn/op")
		})
	}
}

// BenchmarkSelect draws 10,000,000 candidates in 4 strata with all cores (GOMAXPROCS).
func BenchmarkSelect(b *testing.B) { benchmarkSelect(b, Workers()) }

// BenchmarkSelectSequential is the same draw on one goroutine, for comparison.
func BenchmarkSelectSequential(b *testing.B) { benchmarkSelect(b, 1) }

// BenchmarkTicket is the cost of one ticket (no allocation: the prefix is hashed from a reused
// buffer).
func BenchmarkTicket(b *testing.B) {
	t := newTicketer(benchSeed, "B")
	var sink byte
	for b.Loop() {
		h := t.ticket("91370921MA5CJQ4N59")
		sink ^= h[0]
	}
	_ = sink
}
