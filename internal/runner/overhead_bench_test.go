package runner

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/benchgate/benchgate/internal/verdict"
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

// sharedSetup is a module whose benchmarks share a second of setup per
// process: package a sleeps in init, package b's BenchmarkP before its
// four sub-benchmarks; each benchmark costs about the same.
func sharedSetup() map[string]string {
	loops := func(name string) string {
		return fmt.Sprintf("func Benchmark%s(b *testing.B) {\n\tfor range b.N {\n\t\tspin(20000)\n\t}\n}\n", name)
	}
	spin := "var sink uint64\n\nfunc spin(n int) {\n\tfor i := 0; i < n; i++ {\n\t\tsink = sink*31 + uint64(i)\n\t}\n}\n"
	a := "package a\n\nimport (\n\t\"testing\"\n\t\"time\"\n)\n\nfunc init() { time.Sleep(time.Second) }\n\n" + spin
	for _, n := range []string{"W", "X", "Y", "Z"} {
		a += "\n" + loops(n)
	}
	b := "package b\n\nimport (\n\t\"testing\"\n\t\"time\"\n)\n\n" + spin + `
func BenchmarkP(b *testing.B) {
	time.Sleep(time.Second)
	for _, name := range []string{"w", "x", "y", "z"} {
		b.Run(name, func(b *testing.B) {
			for range b.N {
				spin(20000)
			}
		})
	}
}
`
	return map[string]string{"go.mod": "module example.com/setup\n\ngo 1.22\n", "a/a_test.go": a, "b/b_test.go": b}
}

// BenchmarkSharedSetup runs a default interleaved A/A plan (100ms, 6
// rounds) of sharedSetup per iteration, with batches and with every
// benchmark in its own process (Separate), and reports the share of
// timed loops and the false alarms of the default verdict.
func BenchmarkSharedSetup(b *testing.B) {
	files := sharedSetup()
	base, cur := writeTree(b, files), writeTree(b, files)
	for _, separate := range []bool{false, true} {
		b.Run(fmt.Sprintf("separate=%v", separate), func(b *testing.B) {
			var total Stats
			alarms := 0
			for i := 0; i < b.N; i++ {
				out := b.TempDir()
				trees := []*Tree{{Name: "base", Dir: base, Out: filepath.Join(out, "b.txt")}, {Name: "current", Dir: cur, Out: filepath.Join(out, "c.txt")}}
				plan, err := Prepare(context.Background(), trees, []Suite{{Name: "s", Patterns: []string{"./..."}}}, b.TempDir(), NewProgress(nil))
				if err != nil {
					b.Fatal(err)
				}
				if _, err := plan.Run(context.Background(), Options{Bench: ".", Time: "100ms", Count: 6, Separate: separate}, NewProgress(nil)); err != nil {
					b.Fatal(err)
				}
				total.Timed += plan.Stats.Timed
				total.Total += plan.Stats.Total
				c, err := verdict.CompareFiles(trees[0].Out, trees[1].Out, verdict.DefaultOptions)
				if err != nil {
					b.Fatal(err)
				}
				alarms += c.Summary.Regressions + c.Summary.Improvements
			}
			b.ReportMetric(100*total.Timed.Seconds()/total.Total.Seconds(), "timed-%")
			b.ReportMetric(float64(alarms)/float64(b.N), "unconfirmed-alarms/op")
		})
	}
}

// BenchmarkColdBuild prepares (lists and builds) both sides of this
// repository's benchmarks/ packages on an empty build cache, with the
// current side built first and, for comparison, both at once, beside one
// side's go test -c -trimpath of the same packages on an empty cache.
func BenchmarkColdBuild(b *testing.B) {
	root, err := filepath.Abs("../..")
	if err != nil {
		b.Fatal(err)
	}
	copyTree := func() string {
		dir := b.TempDir()
		if err := os.CopyFS(dir, os.DirFS(root)); err != nil {
			b.Fatal(err)
		}
		return dir
	}
	base, cur := copyTree(), copyTree()
	suites := []Suite{{Name: "s", Patterns: []string{"./benchmarks/..."}}}
	run := func(b *testing.B, f func()) {
		for i := 0; i < b.N; i++ {
			b.Setenv("GOCACHE", b.TempDir())
			f()
		}
	}
	b.Run("one-side", func(b *testing.B) {
		run(b, func() {
			cmd := exec.Command("go", "test", "-c", "-trimpath", "-o", b.TempDir()+"/", "./benchmarks/...")
			cmd.Dir = cur
			if out, err := cmd.CombinedOutput(); err != nil {
				b.Fatalf("%v\n%s", err, out)
			}
		})
	})
	for _, first := range []bool{true, false} {
		b.Run(fmt.Sprintf("both/oneSideFirst=%v", first), func(b *testing.B) {
			oneSideFirst = first
			defer func() { oneSideFirst = true }()
			run(b, func() {
				trees := []*Tree{{Name: "base", Dir: base}, {Name: "current", Dir: cur}}
				if _, err := Prepare(context.Background(), trees, suites, b.TempDir(), NewProgress(nil)); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
}
