package calibrate

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/verdict"
)

// aa builds an A/A comparison of three benchmarks: a tight one (±0.5%),
// a wild one (±40%) and one with constant allocations.
func aa(t *testing.T, n int) *verdict.Comparison {
	t.Helper()
	rng := rand.New(rand.NewPCG(3, 4))
	var sides [2]strings.Builder
	for i := range sides {
		sides[i].WriteString("pkg: example.com/p\n")
		for s := 0; s < n; s++ {
			fmt.Fprintf(&sides[i], "BenchmarkTight-2 100 %g ns/op 3 allocs/op\n", 1000*(1+0.005*(2*rng.Float64()-1)))
			fmt.Fprintf(&sides[i], "BenchmarkWild-2 100 %g ns/op 3 allocs/op\n", 1000*(1+0.4*(2*rng.Float64()-1)))
		}
	}
	a, err := verdict.Read(strings.NewReader(sides[0].String()), "a")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := verdict.Read(strings.NewReader(sides[1].String()), "b")
	c, err := verdict.Compare(a, b, verdict.DefaultOptions)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCalibrate(t *testing.T) {
	opts := DefaultOptions
	opts.Trials = 100
	cal := Calibrate(aa(t, 10), 10, "100ms", opts)
	got := map[string]Row{}
	for _, r := range cal.Rows {
		got[r.Benchmark+" "+r.Unit] = r
	}
	tight, wild, allocs := got["BenchmarkTight-2 ns/op"], got["BenchmarkWild-2 ns/op"], got["BenchmarkTight-2 allocs/op"]
	if tight.Noisy || float64(tight.MDEPct) > 3 {
		t.Errorf("tight: noisy=%v, smallest detectable %v%%, want at most 3%%", tight.Noisy, tight.MDEPct)
	}
	if !wild.Noisy || float64(wild.MDEPct) <= 40 {
		t.Errorf("wild: noisy=%v, smallest detectable %v%%, want noisy and above 40%%", wild.Noisy, wild.MDEPct)
	}
	if allocs.Noisy || allocs.MDEPct != 1 {
		t.Errorf("constant allocs: noisy=%v, smallest detectable %v%%, want 1%%", allocs.Noisy, allocs.MDEPct)
	}
	if m6, m20 := float64(wild.MDEByCount[6]), float64(wild.MDEByCount[20]); !(m20 < m6) {
		t.Errorf("more samples should detect smaller changes: n=6 %v%%, n=20 %v%%", m6, m20)
	}
	noisy := cal.Noisy()
	if !noisy[verdict.MetricKey("example.com/p", "BenchmarkWild-2", "ns/op")] || noisy[verdict.MetricKey("example.com/p", "BenchmarkTight-8", "ns/op")] {
		t.Errorf("noisy set %v", noisy)
	}
	if cal.Recommendation.Count < 6 || len(cal.Recommendation.Notes) == 0 {
		t.Errorf("recommendation %+v", cal.Recommendation)
	}
}

func TestNoisyRowsAreMarked(t *testing.T) {
	opts := DefaultOptions
	opts.Trials = 50
	cal := Calibrate(aa(t, 6), 6, "100ms", opts)
	vo := verdict.DefaultOptions
	vo.Noisy = cal.Noisy()
	a, _ := verdict.Read(strings.NewReader("pkg: example.com/p\n"+strings.Repeat("BenchmarkWild-4 100 1000 ns/op\n", 6)), "a")
	b, _ := verdict.Read(strings.NewReader("pkg: example.com/p\n"+strings.Repeat("BenchmarkWild-4 100 1500 ns/op\n", 6)), "b")
	c, err := verdict.Compare(a, b, vo)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Rows[0].Noisy {
		t.Errorf("a calibrated-noisy metric is not marked on another machine's -N")
	}
}

func TestRecommendTime(t *testing.T) {
	trial := func(bt string, mde float64) TimeTrial {
		return TimeTrial{Time: bt, MedianMDEPct: verdict.Number(mde)}
	}
	tests := []struct {
		trials []TimeTrial
		want   string
	}{
		{[]TimeTrial{trial("100ms", 20), trial("200ms", 10)}, "200ms"},   // twice as long buys twice the sensitivity
		{[]TimeTrial{trial("100ms", 10.5), trial("200ms", 10)}, "100ms"}, // within 10%: the shorter
		{[]TimeTrial{trial("100ms", 10), trial("200ms", 12)}, "100ms"},
	}
	for _, tt := range tests {
		if got, note := RecommendTime(tt.trials); got != tt.want || !strings.Contains(note, "benchtime "+tt.want+" ") {
			t.Errorf("RecommendTime(%v) = %s (%s), want %s", tt.trials, got, note, tt.want)
		}
	}
	for in, want := range map[string]string{"100ms": "200ms", "1s": "2s", "50x": "100x", "junk": ""} {
		if got := Double(in); got != want {
			t.Errorf("Double(%q) = %q, want %q", in, got, want)
		}
	}
}
