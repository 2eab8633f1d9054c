package runner

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"
)

// fortyPackages is a module of 40 packages p00..p39 with 1 to 4
// benchmarks each, of costs that differ by package; p00..p09 import
// package shared. leaf and sharedWork change p39's and shared's code.
func fortyPackages(leaf, sharedWork int) map[string]string {
	files := map[string]string{
		"go.mod":           "module example.com/forty\n\ngo 1.22\n",
		"shared/shared.go": fmt.Sprintf("package shared\n\n// Work is what ten packages call.\nfunc Work(n int) int {\n\ts := %d\n\tfor i := 0; i < n; i++ {\n\t\ts = s*31 + i\n\t}\n\treturn s\n}\n", sharedWork),
	}
	for p := range 40 {
		name := fmt.Sprintf("p%02d", p)
		var b strings.Builder
		imp := ""
		if p < 10 {
			imp = "\n\t\"example.com/forty/shared\""
		}
		fmt.Fprintf(&b, "package %s\n\nimport (\n\t\"testing\"%s\n)\n\nvar sink int\n", name, imp)
		loops := 100 * (1 + p%7)
		if p == 39 {
			loops += leaf
		}
		for i := range 1 + (p*7)%4 {
			call := fmt.Sprintf("for j := 0; j < %d; j++ {\n\t\t\tsink = sink*31 + j\n\t\t}", loops*(i+1))
			if p < 10 {
				call = fmt.Sprintf("sink += shared.Work(%d)", loops*(i+1))
			}
			fmt.Fprintf(&b, "\nfunc Benchmark%d(b *testing.B) {\n\tfor range b.N {\n\t\t%s\n\t}\n}\n", i, call)
		}
		files[name+"/"+name+"_test.go"] = b.String()
	}
	return files
}

// BenchmarkShardBalance runs each of 4 shards of fortyPackages (an A/A
// plan, 2 rounds of 50ms) and reports how far the shard furthest from the
// mean timed-loop time is from it, in percent; and, with BENCH_AFFECTED's
// selection, how many packages a change to the leaf p39 and to shared
// (imported by ten) leave to measure.
func BenchmarkShardBalance(b *testing.B) {
	base := writeTree(b, fortyPackages(0, 0))
	for i := 0; i < b.N; i++ {
		var timed []float64
		for s := 1; s <= 4; s++ {
			out := b.TempDir()
			trees := []*Tree{{Name: "base", Dir: base, Out: filepath.Join(out, "b.txt")}, {Name: "current", Dir: base, Out: filepath.Join(out, "c.txt")}}
			plan, err := PrepareWith(context.Background(), trees, []Suite{{Name: "s", Patterns: []string{"./..."}}}, b.TempDir(), Selection{Shard: Shard{s, 4}}, NewProgress(nil))
			if err != nil {
				b.Fatal(err)
			}
			if _, err := plan.Run(context.Background(), Options{Bench: ".", Time: "50ms", Count: 2}, NewProgress(nil)); err != nil {
				b.Fatal(err)
			}
			timed = append(timed, plan.Stats.Timed.Seconds())
		}
		mean := (timed[0] + timed[1] + timed[2] + timed[3]) / 4
		dev := 0.0
		for _, t := range timed {
			dev = math.Max(dev, math.Abs(t-mean)/mean*100)
		}
		b.ReportMetric(dev, "max-dev-%")
		for _, change := range []struct {
			unit         string
			leaf, shared int
		}{{"leaf-change-pkgs", 1, 0}, {"shared-change-pkgs", 0, 1}} {
			cur := writeTree(b, fortyPackages(change.leaf, change.shared))
			trees := []*Tree{{Name: "base", Dir: base}, {Name: "current", Dir: cur}}
			plan, err := PrepareWith(context.Background(), trees, []Suite{{Name: "s", Patterns: []string{"./..."}}}, b.TempDir(), Selection{Affected: true}, NewProgress(nil))
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(len(plan.Packages)), change.unit)
		}
	}
}
