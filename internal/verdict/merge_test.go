package verdict

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestSplitAndMerge splits a comparison by suite, as CI shards produce it,
// round-trips each shard through comparison.json, merges them back and
// gets the same verdicts and summary.
func TestSplitAndMerge(t *testing.T) {
	var base, cur strings.Builder
	for i, suite := range []string{"storage", "kafka", "grpc", "storage", "mempool"} {
		for _, w := range []*strings.Builder{&base, &cur} {
			fmt.Fprintf(w, "pkg: example.com/%s%d\nsuite: %s\n", suite, i, suite)
		}
		for s := 0; s < 6; s++ {
			v := 100 * (1 + 0.001*float64(s))
			f := []float64{1, 1.5, 0.7, 1.02, 1}[i]
			fmt.Fprintf(&base, "BenchmarkOp%d-2 10 %g ns/op %d allocs/op\n", i, v, i)
			fmt.Fprintf(&cur, "BenchmarkOp%d-2 10 %g ns/op %d allocs/op\n", i, v*f, i+i%2)
		}
	}
	whole, err := Compare(read(t, "b", base.String()), read(t, "c", cur.String()), DefaultOptions)
	if err != nil {
		t.Fatal(err)
	}
	bySuite := map[string]*Comparison{}
	var order []string
	for _, r := range whole.Rows {
		s := bySuite[r.Suite]
		if s == nil {
			cp := *whole
			cp.Rows = nil
			s = &cp
			bySuite[r.Suite] = s
			order = append(order, r.Suite)
		}
		s.Rows = append(s.Rows, r)
	}
	slices.Reverse(order) // shards arrive in any order
	var shards []*Comparison
	for _, name := range order {
		s := bySuite[name]
		s.count()
		b, _ := json.Marshal(s)
		var back Comparison
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		shards = append(shards, &back)
	}
	if len(shards) != 4 {
		t.Fatalf("%d shards, want 4", len(shards))
	}
	merged, err := Merge(shards...)
	if err != nil {
		t.Fatal(err)
	}
	if merged.Summary != whole.Summary {
		t.Errorf("summary %+v, want %+v", merged.Summary, whole.Summary)
	}
	verdicts := func(c *Comparison) []string {
		var v []string
		for _, r := range c.Rows {
			v = append(v, fmt.Sprintf("%s %s %s %s %.4f", r.Suite, r.Benchmark, r.Unit, r.Status, float64(r.DeltaPct)))
		}
		slices.Sort(v)
		return v
	}
	if got, want := verdicts(merged), verdicts(whole); !reflect.DeepEqual(got, want) {
		t.Errorf("verdicts differ:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if merged.Regressed() != whole.Regressed() || !merged.Regressed() {
		t.Errorf("regressed %v, want true", merged.Regressed())
	}
	if len(merged.Suites) != 4 {
		t.Errorf("%d suite summaries, want 4", len(merged.Suites))
	}
}
