package runner

import (
	"context"
	"path/filepath"
	"testing"
)

// BenchmarkRunnerOverhead runs a whole interleaved A/B plan (prepare,
// build, 4 rounds of 3 packages per side at 50ms) per iteration and
// reports where the time went as percentages of the wall time: build-%,
// exec-% (test binaries running) and timed-% (the benchmarks' own timed
// loops). The Go build cache is warm after the first iteration, as on a
// developer's machine or a CI runner with caching.
func BenchmarkRunnerOverhead(b *testing.B) {
	files := map[string]string{"go.mod": "module example.com/m\n\ngo 1.21\n"}
	for _, p := range []string{"a", "b", "c"} {
		files[p+"/"+p+"_test.go"] = pkgFiles(p, "Loop")
	}
	base, cur := writeTree(b, files), writeTree(b, files)
	var total Stats
	for i := 0; i < b.N; i++ {
		out := b.TempDir()
		trees := []*Tree{{Name: "base", Dir: base, Out: filepath.Join(out, "b.txt")}, {Name: "current", Dir: cur, Out: filepath.Join(out, "c.txt")}}
		plan, err := Prepare(context.Background(), trees, []Suite{{Name: "s", Patterns: []string{"./..."}}}, b.TempDir(), NewProgress(nil))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := plan.Run(context.Background(), Options{Bench: ".", Time: "50ms", Count: 4}, NewProgress(nil)); err != nil {
			b.Fatal(err)
		}
		total.Build += plan.Stats.Build
		total.Exec += plan.Stats.Exec
		total.Timed += plan.Stats.Timed
		total.Total += plan.Stats.Total
	}
	pct := func(f float64) float64 { return 100 * f / total.Total.Seconds() }
	b.ReportMetric(pct(total.Build.Seconds()), "build-%")
	b.ReportMetric(pct(total.Exec.Seconds()), "exec-%")
	b.ReportMetric(pct(total.Timed.Seconds()), "timed-%")
}
