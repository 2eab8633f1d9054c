package verdict

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// file builds a results file: per benchmark name, its ns/op samples.
func file(pkg string, benches map[string][]float64) string {
	var b strings.Builder
	fmt.Fprintf(&b, "goos: linux\ngoarch: amd64\npkg: %s\nsuite: storage\n", pkg)
	for name, vals := range benches {
		for _, v := range vals {
			fmt.Fprintf(&b, "%s-2\t1000\t%g ns/op\n", name, v)
		}
	}
	return b.String()
}

func read(t testing.TB, name, s string) *Set {
	t.Helper()
	set, err := Read(strings.NewReader(s), name)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func spread(center float64, n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = center * (1 + 0.002*float64(i-n/2))
	}
	return v
}

func TestClassify(t *testing.T) {
	tests := []struct {
		unit   string
		better int
		class  Class
		dir    int
	}{
		{"sec/op", 0, Latency, -1},
		{"p99-sec/op", 0, Latency, -1},
		{"ms/op", 0, Latency, -1},
		{"B/s", 0, Throughput, 1},
		{"msgs/s", 0, Throughput, 1},
		{"B/op", 0, Memory, -1},
		{"allocs/op", 0, Memory, -1},
		{"conns", -1, Other, -1},
		{"hits", 1, Other, 1},
		{"widgets", 0, Info, 0},
		{"records/op", 0, Info, 0},
	}
	for _, tt := range tests {
		c, d := Classify(tt.unit, tt.better)
		if c != tt.class || d != tt.dir {
			t.Errorf("Classify(%q, %d) = %s %d, want %s %d", tt.unit, tt.better, c, d, tt.class, tt.dir)
		}
	}
}

func TestOverridesPerSuiteAndPattern(t *testing.T) {
	base := read(t, "base", file("p", map[string][]float64{"BenchmarkA": spread(1000, 6), "BenchmarkB": spread(1000, 6)}))
	cur := read(t, "cur", file("p", map[string][]float64{"BenchmarkA": spread(1080, 6), "BenchmarkB": spread(1080, 6)}))
	opts := DefaultOptions
	opts.Overrides = []Override{
		{Suite: "storage", Thresholds: Thresholds{Latency: 30}},
		{Suite: "storage", Benchmark: "^BenchmarkA$", Thresholds: Thresholds{Latency: 5}},
		{Suite: "other", Thresholds: Thresholds{Latency: 1}},
	}
	c, err := Compare(base, cur, opts)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range c.Rows {
		got[r.Benchmark] = fmt.Sprintf("%s@%g", r.Status, r.ThresholdPct)
	}
	if got["BenchmarkA-2"] != "regression@5" || got["BenchmarkB-2"] != "ok@30" {
		t.Errorf("got %v", got)
	}
}

func TestCorrections(t *testing.T) {
	// Thirty benchmarks, each clearly +30% at n=6: every p is the smallest
	// six samples allow, 0.0022. Benjamini-Hochberg keeps them all; Holm,
	// controlling the family-wise error, needs 30 x 0.0022 = 0.065 < alpha
	// for the first row and so flags none: the trade-off the README names.
	bb, cb := map[string][]float64{}, map[string][]float64{}
	for i := 0; i < 30; i++ {
		name := fmt.Sprintf("BenchmarkX%02d", i)
		bb[name] = spread(100, 6)
		cb[name] = spread(130, 6)
	}
	base, cur := read(t, "b", file("p", bb)), read(t, "c", file("p", cb))
	for _, tt := range []struct {
		corr Correction
		want int
		p    float64
	}{{CorrectionNone, 30, 0.0022}, {CorrectionBH, 30, 0.0022}, {CorrectionHolm, 0, 0.065}} {
		opts := DefaultOptions
		opts.Correction = tt.corr
		c, err := Compare(base, cur, opts)
		if err != nil {
			t.Fatal(err)
		}
		if c.Summary.RegressedRows != tt.want || math.Abs(float64(c.Rows[0].P)-tt.p) > 0.0005 {
			t.Errorf("%s: %d regressions with p %v, want %d with p %v", tt.corr, c.Summary.RegressedRows, c.Rows[0].P, tt.want, tt.p)
		}
	}
}

func TestUnderpowered(t *testing.T) {
	tests := []struct {
		n1, n2 int
		want   bool
	}{{1, 1, true}, {3, 3, true}, {4, 4, false}, {2, 10, false}, {1, 10, true}, {6, 6, false}}
	for _, tt := range tests {
		if got := underpowered(tt.n1, tt.n2, 0.05); got != tt.want {
			t.Errorf("underpowered(%d, %d) = %v, want %v", tt.n1, tt.n2, got, tt.want)
		}
	}
}

func TestSplitProcs(t *testing.T) {
	tests := []struct {
		in    string
		name  string
		procs int
	}{
		{"Append-8", "Append", 8},
		{"Read/size=1KiB-16", "Read/size=1KiB", 16},
		{"Read/size=1KiB", "Read/size=1KiB", 0},
		{"Odd-name-x", "Odd-name-x", 0},
		{"Sub/a-1/b", "Sub/a-1/b", 0},
	}
	for _, tt := range tests {
		n, p := SplitProcs([]byte(tt.in))
		if n != tt.name || p != tt.procs {
			t.Errorf("SplitProcs(%q) = %q %d, want %q %d", tt.in, n, p, tt.name, tt.procs)
		}
	}
}

func TestNumberJSON(t *testing.T) {
	for _, f := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		b, _ := Number(f).MarshalJSON()
		if string(b) != "null" {
			t.Errorf("%v marshals to %s", f, b)
		}
	}
	var n Number
	if err := n.UnmarshalJSON([]byte("null")); err != nil || !math.IsNaN(float64(n)) {
		t.Errorf("null unmarshals to %v %v", n, err)
	}
}

// FuzzReadCompare reads and compares arbitrary input: it must never panic,
// and errors must be clean, one-line messages.
func FuzzReadCompare(f *testing.F) {
	f.Add("BenchmarkA-8 10 100 ns/op\n", "BenchmarkA-8 10 150 ns/op\n")
	f.Add("pkg: x\nBenchmarkA 1 1 MB/s 2 B/op\nUnit MB/s better=lower\n", "BenchmarkA 1 0 MB/s\n")
	f.Add("BenchmarkA-8 10 NaN ns/op\n", "BenchmarkA-8 10 -1 ns/op\nBenchmarkA-8 10 +Inf ns/op\n")
	f.Add("", "garbage")
	f.Fuzz(func(t *testing.T, a, b string) {
		sa, errA := Read(strings.NewReader(a), "a")
		sb, errB := Read(strings.NewReader(b), "b")
		for _, err := range []error{errA, errB} {
			if err != nil && strings.Contains(err.Error(), "\n") {
				t.Errorf("multi-line error: %q", err)
			}
		}
		if errA != nil || errB != nil {
			return
		}
		c, err := Compare(sa, sb, DefaultOptions)
		if err != nil {
			return
		}
		if c.Summary.Rows != len(c.Rows) {
			t.Errorf("summary counts %d rows of %d", c.Summary.Rows, len(c.Rows))
		}
	})
}
