package flow_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/busy"
	"github.com/benchgate/benchgate/internal/counter"
	"github.com/benchgate/benchgate/internal/exit"
	"github.com/benchgate/benchgate/internal/fixture"
	"github.com/benchgate/benchgate/internal/flow"
	"github.com/benchgate/benchgate/internal/flowtest"
	"github.com/benchgate/benchgate/internal/runner"
	"github.com/benchgate/benchgate/internal/testrepo"
	"github.com/benchgate/benchgate/internal/verdict"
)

// countedRepo is a repository of the CPU-bound fixture, Steady and Slowed
// at 2000 loops, then a commit (msg) with Slowed at slowed loops; it
// returns the first commit too.
func countedRepo(t *testing.T, slowed int, msg string) (*testrepo.Repo, string) {
	spec := func(slowed int) map[string]string {
		return fixture.Spec{Benches: []fixture.Bench{{Name: "Steady", Work: 2000}, {Name: "Slowed", Work: slowed}}}.Files()
	}
	r := testrepo.New(t)
	c1 := r.Commit("first", spec(2000))
	r.Commit(msg, spec(slowed))
	return r, c1
}

// busyLoops keeps every core busy, as on a loaded shared CI runner, until
// the test ends.
func busyLoops(t *testing.T) {
	t.Helper()
	stop, err := busy.Loops()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
}

// TestInstructionsUnderLoad: with BENCH_MEASURE=instructions and a busy
// loop on every core, a 3% slowdown (loop count) of a CPU-bound benchmark
// fails the gate, confirmed, while its unchanged neighbour passes; and the
// unchanged tree against itself passes under the same load.
func TestInstructionsUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and counts benchmarks under valgrind")
	}
	flowtest.NeedCounter(t)
	r, c1 := countedRepo(t, 2060, "slow down Slowed by 3%")
	busyLoops(t)

	cfg, out := config(t, r.Dir)
	cfg.Base = c1
	cfg.Measure = flow.MeasureInstructions
	cmp := mustRegress(t, cfg, out)
	if cmp.Current.Counter == "" || cmp.Base.Counter != cmp.Current.Counter {
		t.Errorf("counter base %q current %q: comparison.json must say which counter counted", cmp.Base.Counter, cmp.Current.Counter)
	}
	// Without hardware counters, on amd64, valgrind reads the marks: one
	// process per binary.
	if c, err := counter.Detect(counter.Auto); err == nil && c.Name() == "cachegrind" && runtime.GOARCH == "amd64" && cmp.Current.Counter != "callgrind" {
		t.Errorf("counter %q, want callgrind (the marks)", cmp.Current.Counter)
	}
	units := map[string]bool{}
	for _, row := range cmp.Rows {
		name := strings.TrimSuffix(row.Benchmark, suffix(row.Benchmark))
		units[row.Unit] = true
		switch {
		case row.Unit == "ns/op":
			t.Errorf("%s ns/op: time is not measured with BENCH_MEASURE=instructions", name)
		case name == "BenchmarkSlowed" && row.Unit == verdict.InstructionsUnit:
			if row.Status != verdict.StatusRegression || row.Confirmed == nil || !*row.Confirmed {
				t.Errorf("Slowed instructions/op: %s (%+.2f%%), confirmed %v; want a confirmed regression", row.Status, float64(row.DeltaPct), row.Confirmed)
			}
			if d := float64(row.DeltaPct); d < 2 || d > 4 {
				t.Errorf("Slowed instructions/op changed %+.2f%%, want about +3%%", d)
			}
		case row.Status != verdict.StatusOK:
			t.Errorf("%s %s: %s (%+.2f%%), want ok", name, row.Unit, row.Status, float64(row.DeltaPct))
		}
	}
	for _, u := range []string{verdict.InstructionsUnit, "B/op", "allocs/op"} {
		if !units[u] {
			t.Errorf("no %s rows: %v", u, units)
		}
	}
	md, _ := os.ReadFile(filepath.Join(cfg.ResultsDir, flow.MarkdownFile))
	if !strings.Contains(string(md), "Instructions (instructions/op)") {
		t.Errorf("report.md lacks the instructions row:\n%s", md)
	}

	// The unchanged tree against itself, under the same load.
	r.Git("checkout", "-q", c1)
	cfg2, out2 := config(t, r.Dir)
	cfg2.Base = c1
	cfg2.Measure = flow.MeasureInstructions
	if err := flow.Regression(context.Background(), cfg2); err != nil {
		t.Fatalf("A/A under load: %v\n%s", err, out2)
	}
}

// TestNoCounterIsNoVerdict: without valgrind (and without hardware
// counters) BENCH_MEASURE=instructions stops before building, exit 2,
// naming the install.
func TestNoCounterIsNoVerdict(t *testing.T) {
	if _, err := counter.Detect(counter.Perf); err == nil {
		t.Skip("this machine has hardware counters")
	}
	r := testrepo.New(t)
	r.Commit("first", module(1000, false))
	cfg, out := config(t, r.Dir)
	cfg.Base = "HEAD"
	cfg.Measure = flow.MeasureInstructions
	t.Setenv("PATH", filepath.Dir(goBinary(t))) // go and git only: no valgrind
	err := flow.Regression(context.Background(), cfg)
	if code := exit.Code(err); code != 2 || !errors.Is(err, counter.ErrUnavailable) || !strings.Contains(err.Error(), "apt-get install valgrind") {
		t.Fatalf("exit %d, err %v; want 2 naming apt-get install valgrind\n%s", code, err, out)
	}
	if _, err := os.Stat(filepath.Join(cfg.ResultsDir, flow.CurrentFile)); !os.IsNotExist(err) {
		t.Error("the current side was benchmarked")
	}
}

func goBinary(t *testing.T) string {
	p, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go")
	}
	return p
}

// TestMeasureBoth: BENCH_MEASURE=both gives one comparison with timed
// and counted rows, a 3x slowdown regressed in both, and names the counter.
func TestMeasureBoth(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and counts benchmarks under valgrind")
	}
	flowtest.NeedCounter(t)
	r := testrepo.New(t)
	c1 := r.Commit("first", module(1000, false))
	r.Commit("slow down Slowed 3x", module(3000, false))
	cfg, out := config(t, r.Dir)
	cfg.Base = c1
	cfg.Measure = flow.MeasureBoth
	cmp := mustRegress(t, cfg, out)
	regressed := map[string]bool{}
	for _, row := range cmp.Rows {
		if row.Status == verdict.StatusRegression {
			regressed[strings.TrimSuffix(row.Benchmark, suffix(row.Benchmark))+" "+row.Unit] = true
		}
	}
	if !regressed["BenchmarkSlowed ns/op"] || !regressed["BenchmarkSlowed "+verdict.InstructionsUnit] || len(regressed) != 2 {
		t.Errorf("regressed %v, want Slowed's ns/op and instructions/op", regressed)
	}
	if cmp.Current.Counter == "" || !cmp.Settings.Counted {
		t.Errorf("comparison.json does not say what counted: %+v", cmp.Current)
	}
}

// TestCountingNeedsADuration: counting with BENCH_TIME=1000x would count
// nothing; it stops at once, exit 2, saying why.
func TestCountingNeedsADuration(t *testing.T) {
	r := testrepo.New(t)
	r.Commit("first", module(1000, false))
	cfg, out := config(t, r.Dir)
	cfg.Base = "HEAD"
	cfg.Measure = flow.MeasureInstructions
	cfg.Run.Time = "1000x"
	err := flow.Regression(context.Background(), cfg)
	if code := exit.Code(err); code != 2 || !strings.Contains(err.Error(), "needs BENCH_TIME as a duration") {
		t.Fatalf("exit %d, err %v\n%s", code, err, out)
	}
}

// TestUnchangedBinariesReuseCounts: a second counted run of the same two
// trees reuses every count of the main rounds (the same binaries, files
// and counter count the same) and gives the same numbers, while the
// confirmation still counts afresh; a changed testdata file makes its
// side count again, the other side's counts stay.
func TestUnchangedBinariesReuseCounts(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and counts benchmarks under valgrind")
	}
	flowtest.NeedCounter(t)
	r, c1 := countedRepo(t, 4000, "slow down Slowed 2x")
	cfg, out := config(t, r.Dir)
	cfg.Base = c1
	cfg.Measure = flow.MeasureInstructions
	cfg.Counter = counter.Cachegrind // a process per benchmark (TestInstructionsUnderLoad counts with the marks)
	reused := regexp.MustCompile(`instruction counts: (\d+) counted runs reused from earlier runs of unchanged binaries, (\d+) counted`)
	run := func() (*verdict.Comparison, []string) {
		t.Helper()
		stderr := &lockedBuffer{}
		cfg.Stderr = stderr
		cmp := mustRegress(t, cfg, out)
		return cmp, reused.FindStringSubmatch(stderr.String())
	}
	counts := func(cmp *verdict.Comparison) map[string]float64 {
		m := map[string]float64{}
		for _, row := range cmp.Rows {
			if row.Unit == verdict.InstructionsUnit {
				m[row.Benchmark] = float64(row.DeltaPct)
				if row.Benchmark == "BenchmarkSlowed" || strings.HasPrefix(row.Benchmark, "BenchmarkSlowed-") {
					if row.Confirmed == nil || !*row.Confirmed {
						t.Errorf("Slowed instructions/op: confirmed %v, want a confirmed regression", row.Confirmed)
					}
				}
			}
		}
		return m
	}
	first, m := run()
	if first.Current.Counter != "cachegrind" {
		t.Errorf("BENCH_COUNTER=cachegrind counted with %q", first.Current.Counter)
	}
	if m != nil {
		t.Fatalf("the first run reused counts: %s", m[0])
	}
	second, m := run()
	// 2 benchmarks x 2 sides x (3 long runs + 1 short one), none counted.
	if m == nil || m[1] != "16" || m[2] != "0" {
		t.Fatalf("second run: %q, want 16 counted runs reused and 0 counted", m)
	}
	if a, b := counts(first), counts(second); len(a) != 2 || fmt.Sprint(a) != fmt.Sprint(b) {
		t.Errorf("the reused counts changed the result: %v, then %v", a, b)
	}
	// The confirmation counted afresh: its samples are not the main
	// rounds' (a count varies by thousands of instructions a run).
	slowed := func(file string) string {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var v []string
		for _, l := range strings.Split(string(b), "\n") {
			if f := strings.Fields(l); len(f) >= 4 && strings.HasPrefix(f[0], "BenchmarkSlowed") && f[3] == verdict.InstructionsUnit {
				v = append(v, f[2])
			}
		}
		return strings.Join(v, " ")
	}
	cur := filepath.Join(cfg.ResultsDir, flow.CurrentFile)
	if main, fresh := slowed(cur), slowed(runner.ConfirmFile(cur)); main == "" || fresh == "" || main == fresh {
		t.Errorf("Slowed instructions/op: main rounds %q, confirmation %q: the confirmation must count again", main, fresh)
	}
	// The current side's package files change: it counts again.
	r.Write(map[string]string{"work/testdata/input.txt": "changed\n"})
	_, m = run()
	if m == nil || m[1] != "8" || m[2] != "8" {
		t.Fatalf("after a testdata change: %q, want the base's 8 runs reused and the current side's 8 counted", m)
	}
}

// TestRootPackageCountsAreReused: a module whose benchmarks are in its
// root package, with the results directory inside it (the default): the
// second identical counted run recounts nothing (its own outputs were
// changing the package's key).
func TestRootPackageCountsAreReused(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and counts benchmarks under valgrind")
	}
	flowtest.NeedCounter(t)
	r := testrepo.New(t)
	c1 := r.Commit("first", map[string]string{
		"go.mod":    "module example.com/hash\n\ngo 1.21\n",
		"h.go":      "package hash\n\n// Sum mixes n integers.\nfunc Sum(n int) uint64 {\n\tvar x uint64\n\tfor i := 0; i < n; i++ {\n\t\tx = x*31 + uint64(i)\n\t}\n\treturn x\n}\n",
		"h_test.go": "package hash\n\nimport \"testing\"\n\nvar sink uint64\n\nfunc BenchmarkSum(b *testing.B) {\n\tfor i := 0; i < b.N; i++ {\n\t\tsink += Sum(1000)\n\t}\n}\n",
	})
	cfg, out := config(t, r.Dir)
	cfg.Base = c1
	cfg.Measure = flow.MeasureInstructions
	cfg.ResultsDir = filepath.Join(r.Dir, "benchmark_results")
	reused := regexp.MustCompile(`instruction counts: (\d+) counted runs reused from earlier runs of unchanged binaries, (\d+) counted`)
	for run := 1; run <= 2; run++ {
		stderr := &lockedBuffer{}
		cfg.Stderr = stderr
		if err := flow.Regression(context.Background(), cfg); err != nil {
			t.Fatalf("run %d: %v\n%s\n%s", run, err, out, stderr)
		}
		m := reused.FindStringSubmatch(stderr.String())
		if run == 2 && (m == nil || m[2] != "0") {
			t.Errorf("second run: %q, want every count reused and 0 counted\n%s", m, stderr)
		}
	}
}

// TestCountsAcrossToolchains: the base built by a downloaded toolchain
// (BENCH_BASE_GO=go1.27.3, which lives in the module cache, whose files
// go build does not overlay) is counted too: without the marks, each
// benchmark in a process of its own on both sides, and the report names
// the counter. Under CI=true it fails rather than skips when that Go
// cannot be had.
func TestCountsAcrossToolchains(t *testing.T) {
	if testing.Short() {
		t.Skip("fetches a toolchain, builds and counts benchmarks under valgrind")
	}
	flowtest.NeedCounter(t)
	const other = "go1.27.3"
	if out, err := exec.Command("go", "env", "-C", t.TempDir(), "GOVERSION").CombinedOutput(); err != nil || strings.TrimSpace(string(out)) == other {
		t.Skipf("the go command is %s already (%v)", out, err)
	}
	probe := exec.Command("go", "version")
	probe.Env = append(os.Environ(), "GOTOOLCHAIN="+other)
	if out, err := probe.CombinedOutput(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s cannot be had from the module proxy: %v\n%s", other, err, out)
		}
		t.Skipf("%s cannot be had: %v", other, err)
	}
	r, c1 := countedRepo(t, 2200, "Slowed +10%")
	cfg, out := config(t, r.Dir)
	cfg.Base, cfg.BaseGo = c1, other
	cfg.Measure = flow.MeasureInstructions
	err := flow.Regression(context.Background(), cfg)
	if code := exit.Code(err); code == 2 {
		t.Fatalf("no verdict: %v\n%s\n%s", err, out, cfg.Stderr)
	}
	cmp, rerr := verdict.ReadComparison(filepath.Join(cfg.ResultsDir, flow.ComparisonFile))
	if rerr != nil {
		t.Fatal(rerr)
	}
	if !strings.HasPrefix(cmp.Base.Go, other) || cmp.Base.Counter == "" || cmp.Current.Counter != cmp.Base.Counter {
		t.Errorf("base go %q counted by %q, current by %q: want %s, both counted by one counter", cmp.Base.Go, cmp.Base.Counter, cmp.Current.Counter, other)
	}
	counted := 0
	for _, row := range cmp.Rows {
		if row.Unit == verdict.InstructionsUnit && row.Base != nil && row.Current != nil && row.Base.N > 0 && row.Current.N > 0 {
			counted++
		}
	}
	if counted == 0 {
		t.Errorf("no instructions/op row counted on both sides\n%s", out)
	}
	if log := fmt.Sprint(cfg.Stderr); !strings.Contains(log, "lives in the module cache") {
		t.Errorf("the fallback is not named:\n%s", log)
	}
}

// walkModule is a module whose BenchmarkWalk reads 256Ki words of a 16
// MiB table, each op, at (i << shift) & mask: shift 0 walks 2 MiB word
// by word, shift 3 jumps a cache line at a time over all 16 MiB. The
// instructions are the same; the memory traffic is not.
func walkModule(shift int) map[string]string {
	return map[string]string{
		"go.mod": "module example.com/walk\n\ngo 1.21\n",
		"walk/walk.go": fmt.Sprintf(`package walk

var table = make([]uint64, 1<<21) // 16 MiB

// shift spaces the words a walk reads.
var shift = %d

// Walk reads 256Ki words of table.
func Walk() uint64 {
	var sum uint64
	mask := len(table) - 1
	for i := 0; i < 1<<18; i++ {
		sum += table[(i<<shift)&mask]
	}
	return sum
}
`, shift),
		"walk/walk_test.go": "package walk\n\nimport \"testing\"\n\nvar sink uint64\n\nfunc BenchmarkWalk(b *testing.B) {\n\tfor i := 0; i < b.N; i++ {\n\t\tsink += Walk()\n\t}\n}\n",
	}
}

// TestCyclesSeeMemory: a walk that keeps its instructions and jumps a
// cache line at a time instead of reading words in order passes the
// instruction count and fails on estimated cycles, with a busy loop on
// every core; the sequential side's estimate reproduces within 0.5%
// over the rounds, and every report names the metric.
func TestCyclesSeeMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and counts benchmarks under valgrind's cache simulator")
	}
	flowtest.NeedCounter(t)
	r := testrepo.New(t)
	c1 := r.Commit("sequential", walkModule(0))
	r.Commit("strided", walkModule(3))
	busyLoops(t)
	cfg, out := config(t, r.Dir)
	cfg.Base = c1
	cfg.Measure = flow.MeasureCycles
	cmp := mustRegress(t, cfg, out)
	byUnit := map[string]verdict.Row{}
	for _, row := range cmp.Rows {
		byUnit[row.Unit] = row
	}
	ins, cyc := byUnit[verdict.InstructionsUnit], byUnit[verdict.CyclesUnit]
	t.Logf("instructions/op %+.3f%%, estimated-cycles/op %+.1f%% (base %v, current %v)", float64(ins.DeltaPct), float64(cyc.DeltaPct), cyc.Base, cyc.Current)
	if ins.Status != verdict.StatusOK || math.Abs(float64(ins.DeltaPct)) > 0.5 {
		t.Errorf("instructions/op: %s %+.2f%%, want ok within 0.5%%", ins.Status, float64(ins.DeltaPct))
	}
	if cyc.Status != verdict.StatusRegression || cyc.Class != verdict.Cycles || float64(cyc.DeltaPct) < 50 {
		t.Errorf("estimated-cycles/op: %s %s %+.1f%%, want a regression of the cycles class", cyc.Status, cyc.Class, float64(cyc.DeltaPct))
	}
	if cyc.Base == nil || halfRangePct(cyc.Base.Samples) > 0.5 {
		t.Errorf("the sequential walk's estimated cycles vary by more than 0.5%%: %v", cyc.Base)
	}
	// The misses the estimate weighs are in comparison.json beside it,
	// shown and not gated: the strided walk misses both levels far more.
	for _, unit := range []string{runner.L1MissesUnit, runner.LLMissesUnit} {
		row, ok := byUnit[unit]
		t.Logf("%s: %v -> %v", unit, row.Base, row.Current)
		if !ok || row.Class != verdict.Info || row.Base == nil || row.Current == nil || row.Current.Center < 2*row.Base.Center {
			t.Errorf("%s: %+v, want an info row whose current side misses more than twice as often", unit, row)
		}
	}
	if !strings.HasSuffix(cmp.Current.Counter, "+cache") {
		t.Errorf("counter %q does not say the cache was simulated", cmp.Current.Counter)
	}
	md, _ := os.ReadFile(filepath.Join(cfg.ResultsDir, flow.MarkdownFile))
	if !strings.Contains(string(md), "Estimated cycles (estimated-cycles/op)") || !strings.Contains(string(md), "estimated cycles +3%") {
		t.Errorf("report.md does not name the metric and its threshold:\n%s", md)
	}
}

// halfRangePct is half the samples' range in percent of their mean.
func halfRangePct(s []float64) float64 {
	if len(s) == 0 {
		return math.Inf(1)
	}
	lo, hi, sum := s[0], s[0], 0.0
	for _, v := range s {
		lo, hi, sum = min(lo, v), max(hi, v), sum+v
	}
	return 50 * (hi - lo) / (sum / float64(len(s)))
}

// allocModule is a package shaped as this repository's mempool suite:
// sub-benchmarks that each allocate a buffer (4, 64 and 256 KiB) and copy
// into it from a shared source, the 64 KiB one computing extra steps more.
func allocModule(extra int) map[string]string {
	return map[string]string{
		"go.mod": "module example.com/alloc\n\ngo 1.21\n",
		"alloc/alloc_test.go": fmt.Sprintf(`package alloc

import (
	"strconv"
	"testing"
)

var (
	sink []byte
	acc  uint64
)

func work(n int) {
	for i := 0; i < n; i++ {
		acc = acc*31 + uint64(i)
	}
}

func BenchmarkBuffer(b *testing.B) {
	src := make([]byte, 256<<10)
	for _, n := range []int{4 << 10, 64 << 10, 256 << 10} {
		b.Run("size="+strconv.Itoa(n>>10)+"KiB", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				buf := make([]byte, n)
				copy(buf, src)
				sink = buf
				if n == 64<<10 {
					work(%d)
				}
			}
		})
	}
}
`, extra),
	}
}

// TestAllocatingCountsGate: counts of benchmarks allocating 4-256 KiB per
// op are tight enough to gate (a long counted run allocates CountHeap,
// and the runtime's page allocator and sweeper are left out): with a busy
// loop per core, more computing in the 64 KiB one is a regression, exit
// 1, and its unchanged neighbours are ok. Before, the pilot's cost of a
// fresh heap made the counted runs a few dozen ops long, their counts
// varied by ±6-21% (this repository's mempool suite), and the same change
// passed, widened away (exit 0).
func TestAllocatingCountsGate(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and counts benchmarks under valgrind")
	}
	flowtest.NeedCounter(t)
	r := testrepo.New(t)
	c1 := r.Commit("first", allocModule(0))
	r.Commit("compute more in the 64 KiB one", allocModule(1500))
	busyLoops(t)
	cfg, out := config(t, r.Dir)
	cfg.Base = c1
	cfg.Measure = flow.MeasureInstructions
	cmp := mustRegress(t, cfg, out)
	for _, row := range cmp.Rows {
		if row.Unit != verdict.InstructionsUnit {
			continue
		}
		name := strings.TrimSuffix(row.Benchmark, suffix(row.Benchmark))
		t.Logf("%s: %s %+.2f%% at %.1f%% (base %v, current %v)", name, row.Status, float64(row.DeltaPct), float64(row.ThresholdPct), row.Base.Samples, row.Current.Samples)
		switch name {
		case "BenchmarkBuffer/size=64KiB":
			if row.Status != verdict.StatusRegression {
				t.Errorf("%s instructions/op: %s %+.2f%% at threshold %.1f%%, want a regression", name, row.Status, float64(row.DeltaPct), float64(row.ThresholdPct))
			}
		default:
			if row.Status != verdict.StatusOK {
				t.Errorf("%s instructions/op: %s %+.2f%% at threshold %.1f%%, want ok", name, row.Status, float64(row.DeltaPct), float64(row.ThresholdPct))
			}
		}
	}
}
