package runner

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestFits(t *testing.T) {
	tests := []struct {
		lo, n int64
		want  bool
	}{
		{1, 1, true}, {1, 2, false}, {7, 7, true}, {7, 9, false}, // small counts only with equals
		{8, 32, true}, {8, 33, false}, {1000, 4000, true}, {1000, 4001, false},
	}
	for _, tt := range tests {
		if got := fits(tt.lo, tt.n); got != tt.want {
			t.Errorf("fits(%d, %d) = %v, want %v", tt.lo, tt.n, got, tt.want)
		}
	}
}

// selects reports which of names a -test.bench pattern runs, by Go's
// rule: each /-separated level matched on its own, a name with fewer
// levels than the pattern not run.
func selects(pattern string, names []string) []string {
	levels := strings.Split(pattern, "/")
	var out []string
	for _, n := range names {
		parts := strings.Split(n, "/")
		if len(parts) < len(levels) {
			continue
		}
		ok := true
		for i, l := range levels {
			ok = ok && regexp.MustCompile(l).MatchString(parts[i])
		}
		if ok {
			out = append(out, n)
		}
	}
	return out
}

// TestBatches: benchmarks of one package whose counts are close share a
// run whose pattern selects exactly them; others, other packages, other
// sides and profiled runs do not; every benchmark is in exactly one run.
func TestBatches(t *testing.T) {
	u := func(pkg int, leaf string, n int64) unit {
		return unit{pkg: pkg, leaf: leaf, Bench: LeafPattern(leaf), Time: fmt.Sprintf("%dx", n), Label: leaf}
	}
	tests := []struct {
		name  string
		units []unit
		want  [][]string // each run's benchmarks
	}{
		{"top level, close counts", []unit{u(0, "BenchmarkA", 1000), u(0, "BenchmarkB", 1500), u(0, "BenchmarkC", 4001)},
			[][]string{{"BenchmarkA", "BenchmarkB"}, {"BenchmarkC"}}},
		{"sub-benchmarks of one parent", []unit{u(0, "BenchmarkP/a", 300), u(0, "BenchmarkP/b", 400), u(0, "BenchmarkP/c", 500)},
			[][]string{{"BenchmarkP/a", "BenchmarkP/b", "BenchmarkP/c"}}},
		{"a cross product that is exact", []unit{u(0, "BenchmarkP/x", 300), u(0, "BenchmarkQ/x", 300), u(0, "BenchmarkP/y", 300), u(0, "BenchmarkQ/y", 300)},
			[][]string{{"BenchmarkP/x", "BenchmarkQ/x", "BenchmarkP/y", "BenchmarkQ/y"}}},
		{"a cross product that is not: per parent", []unit{u(0, "BenchmarkP/x", 300), u(0, "BenchmarkQ/y", 300), u(0, "BenchmarkP/y", 9000), u(0, "BenchmarkQ/z", 300)},
			[][]string{{"BenchmarkP/x"}, {"BenchmarkQ/y", "BenchmarkQ/z"}, {"BenchmarkP/y"}}},
		{"depths apart", []unit{u(0, "BenchmarkA", 300), u(0, "BenchmarkP/x", 300)},
			[][]string{{"BenchmarkA"}, {"BenchmarkP/x"}}},
		{"packages apart", []unit{u(0, "BenchmarkA", 300), u(1, "BenchmarkA", 300)},
			[][]string{{"BenchmarkA"}, {"BenchmarkA"}}},
		{"small counts only with equals", []unit{u(0, "BenchmarkA", 1), u(0, "BenchmarkB", 1), u(0, "BenchmarkC", 2)},
			[][]string{{"BenchmarkA", "BenchmarkB"}, {"BenchmarkC"}}},
		{"metacharacters", []unit{u(0, "BenchmarkP/a+b", 300), u(0, "BenchmarkP/(c)", 300)},
			[][]string{{"BenchmarkP/a+b", "BenchmarkP/(c)"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &Plan{Packages: []Package{{ImportPath: "example.com/m/a"}, {ImportPath: "example.com/m/b"}}, leaves: map[int][]string{}}
			for _, x := range tt.units {
				p.leaves[x.pkg] = append(p.leaves[x.pkg], x.leaf)
			}
			var got [][]string
			for _, b := range p.batches(tt.units) {
				names := b.expected()
				got = append(got, names)
				if sel := selects(b.Bench, p.leaves[b.pkg]); !slices.Equal(sel, names) && !(len(names) == 1 && slices.Equal(sel, names)) {
					t.Errorf("run %v: pattern %s selects %v", names, b.Bench, sel)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("runs %v, want %v", got, tt.want)
			}
		})
	}
}

// TestBatchesKeepProfiledAndOneSidedApart: a unit with extra flags (a
// profiled run) or run on one side only is never batched with others.
func TestBatchesKeepProfiledAndOneSidedApart(t *testing.T) {
	p := &Plan{Packages: []Package{{ImportPath: "example.com/m/a"}}}
	units := []unit{
		{pkg: 0, leaf: "BenchmarkA", Bench: "^BenchmarkA$", Time: "300x"},
		{pkg: 0, leaf: "BenchmarkB", Bench: "^BenchmarkB$", Time: "300x", Extra: []string{"-test.cpuprofile=x"}},
		{pkg: 0, leaf: "BenchmarkC", Bench: "^BenchmarkC$", Time: "300x", Trees: []string{"current"}},
		{pkg: 0, leaf: "BenchmarkD", Bench: "^BenchmarkD$", Time: "300x"},
	}
	var got []string
	for _, b := range p.batches(units) {
		got = append(got, strings.Join(b.expected(), "+"))
	}
	if want := []string{"BenchmarkA+BenchmarkD", "BenchmarkB", "BenchmarkC"}; !slices.Equal(got, want) {
		t.Errorf("runs %v, want %v", got, want)
	}
}

func TestKeeps(t *testing.T) {
	b := unit{leaves: []string{"BenchmarkP/x", "BenchmarkQ/y"}}
	if !b.keeps("BenchmarkP/x") || b.keeps("BenchmarkP/y") {
		t.Error("a batch keeps its own benchmarks only")
	}
	if !(unit{leaf: "BenchmarkA"}).keeps("BenchmarkA/anything") {
		t.Error("a single unit keeps what it ran")
	}
}

// setupFile is a package whose every process start is written to the
// file $BENCHGATE_TEST_STARTS names, with a parent benchmark whose setup
// is written too, three equal sub-benchmarks and two equal top-level
// ones.
const setupFile = `package work

import (
	"os"
	"testing"
)

func note(what string) {
	if f, err := os.OpenFile(os.Getenv("BENCHGATE_TEST_STARTS"), os.O_APPEND|os.O_WRONLY|os.O_CREATE, 0o644); err == nil {
		f.WriteString(what + "\n")
		f.Close()
	}
}

func init() { note("start") }

var sink uint64

func spin(n int) {
	for i := 0; i < n; i++ {
		sink = sink*31 + uint64(i)
	}
}

func BenchmarkP(b *testing.B) {
	note("setup")
	for _, name := range []string{"a", "b", "c"} {
		b.Run(name, func(b *testing.B) {
			for range b.N {
				spin(2000)
			}
		})
	}
}

func BenchmarkA(b *testing.B) {
	for range b.N {
		spin(5000)
	}
}

func BenchmarkB(b *testing.B) {
	for range b.N {
		spin(5000)
	}
}
`

// TestSetupOncePerProcess: the five benchmarks run in two processes per
// side and round (the parent's three sub-benchmarks with one setup, the
// two top-level ones), every benchmark still gets one sample per round
// with the same count on both sides.
func TestSetupOncePerProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs test binaries")
	}
	starts := filepath.Join(t.TempDir(), "starts")
	t.Setenv("BENCHGATE_TEST_STARTS", starts)
	files := map[string]string{"go.mod": "module example.com/setup\n\ngo 1.22\n", "work/work_test.go": setupFile}
	var log bytes.Buffer
	trees, plan := alike(t, files, &log)
	os.Remove(starts) // what Prepare started
	// The benchmarks' costs are given, as an earlier run's pilot leaves
	// them: timed on a loaded machine (a load of 11 on 2 cores), one
	// sub-benchmark's 1ms pilot came out a few times slower than its
	// twins', its count then did not fit their batch, and a round took
	// 3 processes a side. Which counts share a process is what this test
	// checks, from given costs.
	knownCosts(plan, func(*Tree) []cost {
		return []cost{
			{Name: "BenchmarkP/a", NS: 3000}, {Name: "BenchmarkP/b", NS: 3000}, {Name: "BenchmarkP/c", NS: 3000},
			{Name: "BenchmarkA", NS: 7500}, {Name: "BenchmarkB", NS: 7500},
		}
	})
	const rounds = 3
	if _, err := plan.Run(context.Background(), Options{Bench: ".", Time: "20ms", Count: rounds}, NewProgress(&log)); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(starts)
	if err != nil {
		t.Fatalf("%v\n%s", err, &log)
	}
	// No pilot (the costs are known): 2 processes per side and round (5
	// without batches).
	if got, want := strings.Count(string(b), "start\n"), 2*2*rounds; got != want {
		t.Errorf("%d process starts, want %d\n%s", got, want, &log)
	}
	if got, want := strings.Count(string(b), "setup\n"), 2*rounds; got != want {
		t.Errorf("the parent's setup ran %d times, want %d (once per process that runs it)", got, want)
	}
	base, cur := iterations(t, trees[0].Out), iterations(t, trees[1].Out)
	if len(base) != 5 {
		t.Fatalf("base has %d benchmarks, want 5: %v", len(base), base)
	}
	for name, bn := range base {
		if len(bn) != rounds || strings.Join(bn, " ") != strings.Join(cur[name], " ") {
			t.Errorf("%s: counts base %v, current %v: want %d alike", name, bn, cur[name], rounds)
		}
	}
	if !strings.Contains(log.String(), "in 4 processes") {
		t.Errorf("the plan does not say how many processes a round takes:\n%s", &log)
	}
}

// TestStatsLine: the run's last line accounts for timed runs when there
// were any, and for counting alone when only instructions were counted.
func TestStatsLine(t *testing.T) {
	timed := Stats{Build: time.Second, Exec: 8 * time.Second, Timed: 6 * time.Second, Starts: time.Second, Total: 10 * time.Second}
	counted := Stats{Build: time.Second, Pilot: time.Second, Counted: 8 * time.Second, Total: 10 * time.Second}
	tests := []struct {
		s         Stats
		want, not string
	}{
		{timed, "benchmark runs 8s (80%): timed loops 6s (60%), process starts 1s (10%)", "counting"},
		{counted, "10s total: building 1s (10%), the pilot 1s (10%), counting instructions 8s (80%)", "benchmark runs"},
		// The pilot says how much it reused.
		{Stats{Build: time.Second, Pilot: time.Second, PilotKnown: 3, PilotBinaries: 10, Exec: 8 * time.Second, Timed: 6 * time.Second, Total: 10 * time.Second}, "the pilot 1s (10%) (3 of 10 binaries' costs known from an earlier run)", "counting"},
		{Stats{Build: time.Second, Pilot: time.Second, PilotBinaries: 10, PilotTwins: 5, Exec: 8 * time.Second, Timed: 6 * time.Second, Total: 10 * time.Second}, "the pilot 1s (10%) (5 the same on both sides, measured on one)", "counting"},
		// Profiling is in the account of an instructions-only run too.
		{Stats{Build: time.Second, Pilot: time.Second, Counted: 5 * time.Second, Profile: 3 * time.Second, Total: 10 * time.Second}, "counting instructions 5s (50%); profiling took 3s (30%)", "benchmark runs"},
		// Writing a large base tree is in the account (it was not).
		{Stats{Materialize: 140 * time.Second, Build: time.Second, Exec: 8 * time.Second, Timed: 6 * time.Second, Total: 150 * time.Second}, "2m30s total: writing the base tree 2m20s (93%), building 1s (1%)", "counting"},
	}
	for _, tt := range tests {
		if got := tt.s.String(); !strings.Contains(got, tt.want) || strings.Contains(got, tt.not) {
			t.Errorf("%+v: %q, want %q and no %q", tt.s, got, tt.want, tt.not)
		}
	}
}

// knownCosts gives plan's binaries the pilot's costs an earlier run would
// have left (run with -test.bench=.): no pilot runs, and the counts, the
// batches and the process starts follow from the costs, not from how
// loaded the machine is.
func knownCosts(plan *Plan, costs func(*Tree) []cost) {
	for _, tr := range plan.Trees {
		for _, pk := range plan.Packages {
			plan.costs.put(costKey(plan.bins[tr.Name][pk.ImportPath], "."), costs(tr))
		}
	}
}
