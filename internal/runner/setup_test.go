package runner

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/benchgate/benchgate/internal/counter"
)

// setupOnceFile has a leaf benchmark and a parent's sub-benchmarks that
// each note their setup and its b.N in $BENCHGATE_TEST_SETUPS before
// b.ResetTimer.
const setupOnceFile = `package work

import (
	"fmt"
	"os"
	"testing"
)

func note(what string, n int) {
	f, err := os.OpenFile(os.Getenv("BENCHGATE_TEST_SETUPS"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		panic(err)
	}
	wd, _ := os.Getwd()
	fmt.Fprintf(f, "%s %d %s\n", what, n, wd)
	f.Close()
}

var sink uint64

func spin(n int) {
	for i := 0; i < n; i++ {
		sink = sink*31 + uint64(i)
	}
}

func BenchmarkLeaf(b *testing.B) {
	note("leaf", b.N)
	b.ResetTimer()
	for range b.N {
		spin(3000)
	}
}

func BenchmarkParent(b *testing.B) {
	for _, name := range []string{"a", "b"} {
		b.Run(name, func(b *testing.B) {
			note("sub-"+name, b.N)
			b.ResetTimer()
			for range b.N {
				spin(3000)
			}
		})
	}
}
`

// markedPlan prepares a plan of two sides, each a module whose package
// work has the test file src, built with the marks; its benchmarks may
// note what they run in the file it returns ($BENCHGATE_TEST_SETUPS).
func markedPlan(t *testing.T, src string, log *bytes.Buffer) (*Plan, []*Tree, string) {
	t.Helper()
	setups := filepath.Join(t.TempDir(), "setups")
	t.Setenv("BENCHGATE_TEST_SETUPS", setups)
	files := map[string]string{"go.mod": "module example.com/work\n\ngo 1.22\n", "work/work_test.go": src}
	out := t.TempDir()
	trees := []*Tree{
		{Name: "base", Dir: writeTree(t, files), Out: filepath.Join(out, "base.txt"), Marks: true},
		{Name: "current", Dir: writeTree(t, files), Out: filepath.Join(out, "current.txt"), Marks: true},
	}
	plan, err := Prepare(context.Background(), trees, []Suite{{Name: "s", Patterns: []string{"./..."}}}, t.TempDir(), NewProgress(log))
	if err != nil {
		t.Fatal(err)
	}
	return plan, trees, setups
}

// timedPlan is markedPlan for a test that times runs with the marks; it
// skips the test in -short or where the marks do not fit the toolchain.
func timedPlan(t *testing.T, src string, log *bytes.Buffer) (*Plan, []*Tree, string) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs test binaries")
	}
	plan, trees, setups := markedPlan(t, src, log)
	if !plan.marked["base"] || !plan.marked["current"] {
		t.Skipf("the marks do not fit this toolchain: %s", strings.Join(plan.Notes, "; "))
	}
	return plan, trees, setups
}

// countedPlan is markedPlan for a test that counts under callgrind with
// the marks, and the counter; it skips the test in -short, without
// valgrind, or where the marks do not fit the toolchain.
func countedPlan(t *testing.T, src string, log *bytes.Buffer) (*Plan, []*Tree, string, counter.Counter) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs test binaries under valgrind")
	}
	c, err := counter.Detect(counter.Cachegrind)
	if err != nil {
		t.Skipf("no valgrind: %v", err)
	}
	plan, trees, setups := markedPlan(t, src, log)
	if plan.Counting(c).Name() != "callgrind" {
		t.Skipf("the marks do not fit this toolchain: %s", strings.Join(plan.Notes, "; "))
	}
	return plan, trees, setups, c
}

// TestSetupOncePerRun: with the marks, each timed run starts a benchmark
// at its count, so its setup runs once per measured run: no b.N=1 run
// outside the pilot (Go's testing makes one before every run otherwise).
func TestSetupOncePerRun(t *testing.T) {
	var log bytes.Buffer
	plan, trees, setups := timedPlan(t, setupOnceFile, &log)
	const rounds = 3
	if _, err := plan.Run(context.Background(), Options{Bench: ".", Time: "20ms", Count: rounds}, NewProgress(&log)); err != nil {
		t.Fatalf("%v\n%s", err, &log)
	}
	b, _ := os.ReadFile(setups)
	for _, what := range []string{"leaf", "sub-a", "sub-b"} {
		first, counted := 0, 0
		for _, l := range strings.Split(string(b), "\n") {
			if f := strings.Fields(l); len(f) == 3 && f[0] == what {
				if f[1] == "1" {
					first++
				} else {
					counted++
				}
			}
		}
		// The pilot's ramp makes one b.N=1 run, on the side it measures
		// first (the other runs once at its count); the rounds none.
		if first != 1 {
			t.Errorf("%s: %d setups at b.N=1, want 1 (the pilot's ramp on the side it measures first)", what, first)
		}
		if counted < 2*rounds {
			t.Errorf("%s: %d setups at a count, want at least %d", what, counted, 2*rounds)
		}
	}
	if line := plan.Stats.String(); !strings.Contains(line, "once per run") {
		t.Errorf("the last line does not say setup ran once per run: %s", line)
	}
	base, cur := iterations(t, trees[0].Out), iterations(t, trees[1].Out)
	for name, ns := range cur {
		if len(ns) != rounds || strings.Join(ns, ",") != strings.Join(base[name], ",") {
			t.Errorf("%s: counts %v on the current side, %v on the base, want %d the same", name, ns, base[name], rounds)
		}
	}
}

// setupsOf counts the setups the file at path notes, per benchmark, of
// the side whose tree is dir: all, and those at b.N=1.
func setupsOf(t *testing.T, path, dir string) (all, first map[string]int) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	all, first = map[string]int{}, map[string]int{}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) == 3 && strings.HasPrefix(f[2], dir+string(filepath.Separator)) {
			all[f[0]]++
			if f[1] == "1" {
				first[f[0]]++
			}
		}
	}
	return all, first
}

// TestPilotPaysSetupOnce: with the marks, the side the pilot measures
// second runs each benchmark function (and so its setup) once, at the
// count the first side's cost gives, where Go's b.N ramp pays it at every
// step (b.N=1, then more); not at all when the binaries are unchanged;
// once for a changed binary, at the count its earlier build's costs give.
// The rounds pay it once per run.
func TestPilotPaysSetupOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs test binaries")
	}
	setups := filepath.Join(t.TempDir(), "setups")
	t.Setenv("BENCHGATE_TEST_SETUPS", setups)
	files := map[string]string{"go.mod": "module example.com/work\n\ngo 1.22\n", "work/work_test.go": setupOnceFile}
	out, binDir := t.TempDir(), t.TempDir()
	trees := []*Tree{
		{Name: "base", Dir: writeTree(t, files), Out: filepath.Join(out, "base.txt"), Marks: true},
		{Name: "current", Dir: writeTree(t, files), Out: filepath.Join(out, "current.txt"), Marks: true},
	}
	const rounds = 2
	var log bytes.Buffer
	// want is, per side, the pilot's runs of each benchmark: -1 for Go's
	// ramp (b.N=1 once, and at least one more).
	run := func(name, binDir string, want [2]int, wantLine string) {
		t.Helper()
		os.Remove(setups)
		plan, err := Prepare(context.Background(), trees, []Suite{{Name: "s", Patterns: []string{"./..."}}}, binDir, NewProgress(&log))
		if err != nil {
			t.Fatal(err)
		}
		if !plan.marked["base"] || !plan.marked["current"] {
			t.Skipf("the marks do not fit this toolchain: %s", strings.Join(plan.Notes, "; "))
		}
		if _, err := plan.Run(context.Background(), Options{Bench: ".", Time: "20ms", Count: rounds}, NewProgress(&log)); err != nil {
			t.Fatalf("%v\n%s", err, &log)
		}
		for i, tr := range trees {
			got, first := setupsOf(t, setups, tr.Dir)
			for _, what := range []string{"leaf", "sub-a", "sub-b"} {
				pilot := got[what] - rounds
				switch {
				case want[i] < 0 && (pilot < 2 || first[what] != 1):
					t.Errorf("%s: %s %s: %d pilot runs, %d at b.N=1; want Go's ramp: one at b.N=1 and more", name, tr.Name, what, pilot, first[what])
				case want[i] >= 0 && (pilot != want[i] || first[what] != 0):
					t.Errorf("%s: %s %s: %d pilot runs, %d at b.N=1; want %d, none at b.N=1", name, tr.Name, what, pilot, first[what], want[i])
				}
			}
		}
		if line := plan.Stats.String(); !strings.Contains(line, wantLine) {
			t.Errorf("%s: the last line does not say %q: %s", name, wantLine, line)
		}
	}
	// The sides' binaries are the same (an A/A): one pilot serves both.
	run("first run", binDir, [2]int{-1, 0}, "(1 the same on both sides, measured on one)")
	run("unchanged", binDir, [2]int{0, 0}, "(2 of 2 binaries' costs known from an earlier run)")
	if err := os.WriteFile(filepath.Join(trees[1].Dir, "work", "more_test.go"), []byte("package work\n\nfunc init() { sink++ }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	run("current changed", binDir, [2]int{0, 1}, "(1 of 2 binaries' costs known from an earlier run, 1 run once at counts from known costs)")
	run("first run, the sides differ", t.TempDir(), [2]int{-1, 1}, "(1 run once at counts from known costs)")
}

// groupFailFile's BenchmarkMid panics in counted runs of more than 2
// iterations (the long ones), between two benchmarks that work, and
// BenchmarkFatal calls b.Fatal in them; each
// counted run of a benchmark notes its name in $BENCHGATE_TEST_SETUPS.
const groupFailFile = `package work

import (
	"os"
	"testing"
)

var sink uint64

func note(b *testing.B) {
	if os.Getenv("BENCHGATE_MARKS") != "1" || b.N <= 2 {
		return
	}
	f, err := os.OpenFile(os.Getenv("BENCHGATE_TEST_SETUPS"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		panic(err)
	}
	f.WriteString(b.Name() + "\n")
	f.Close()
}

func work(b *testing.B) {
	note(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for j := 0; j < 1000; j++ {
			sink += uint64(j) * 7
		}
	}
}

func BenchmarkA(b *testing.B) { work(b) }

func BenchmarkMid(b *testing.B) {
	if os.Getenv("BENCHGATE_MARKS") == "1" && b.N > 2 {
		panic("counted")
	}
	work(b)
}

func BenchmarkC(b *testing.B) { work(b) }

func BenchmarkFatal(b *testing.B) {
	if os.Getenv("BENCHGATE_MARKS") == "1" && b.N > 2 {
		b.Fatal("cannot open the fixture")
	}
	work(b)
}
`

// TestCountedGroupGoesOnAfterAFailure: when a benchmark panics in a
// binary's counted process, the benchmarks counted before it are kept
// and the rest are counted together again without it: each long run of
// A and C once a round (not again one by one), Mid failed with its panic
// and Fatal with what it logged.
func TestCountedGroupGoesOnAfterAFailure(t *testing.T) {
	var log bytes.Buffer
	plan, trees, setups, c := countedPlan(t, groupFailFile, &log)
	const rounds = 2
	res, err := plan.Run(context.Background(), Options{Bench: ".", Time: "20ms", Counter: c, CountRounds: rounds, NoTime: true}, NewProgress(&log))
	if err == nil || res == nil {
		t.Fatalf("err %v, want BenchmarkMid's failures\n%s", err, &log)
	}
	b, _ := os.ReadFile(setups)
	runs := map[string]int{}
	for _, l := range strings.Fields(string(b)) {
		runs[l]++
	}
	for _, name := range []string{"BenchmarkA", "BenchmarkC"} {
		if runs[name] != 2*rounds {
			t.Errorf("%s: %d counted long runs, want %d (one a side and round)\n%s", name, runs[name], 2*rounds, b)
		}
	}
	var mid []string
	for _, f := range res.Fails {
		if f.Benchmark == "BenchmarkMid" {
			mid = append(mid, f.Side+": "+f.Msg)
		}
	}
	if len(mid) != 2 || !strings.Contains(strings.Join(mid, " "), "panic: counted") {
		t.Errorf("BenchmarkMid's failures: %q, want one a side with its panic\n%s", mid, &log)
	}
	for _, f := range res.Fails {
		if f.Benchmark == "BenchmarkFatal" && !strings.Contains(f.Msg, "failed: work_test.go:") || strings.Contains(f.Msg, "GODEBUG") {
			t.Errorf("%s: %q, want what it logged", f.Benchmark, f.Msg)
		}
	}
	for _, tr := range trees {
		for name, ns := range iterations(t, tr.Out) {
			if strings.HasPrefix(name, "BenchmarkMid") || strings.HasPrefix(name, "BenchmarkFatal") || len(ns) != rounds {
				t.Errorf("%s: %s counted %d times, want A and C %d", tr.Name, name, len(ns), rounds)
			}
		}
	}
}

// fooledFile is a benchmark of about 6,000 instructions an op that
// logs to stdout at its first op, as the logging benchmark of the
// flow's tests does.
const fooledFile = `package work

import (
	"fmt"
	"testing"
)

var sink uint64

func BenchmarkChatty(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if i == 0 {
			fmt.Println("first message")
		}
		for j := 0; j < 1000; j++ {
			sink += uint64(j) * 7
		}
	}
}
`

// TestCountFloorAfterAFooledPilot: a pilot that timed an op of about a
// microsecond at 10ms (one op that took a time slice on a loaded
// machine) gives countN 10 iterations, where what disturbed a side's run
// of 2 weighs on its count per op divided by 8. The long runs are
// counted at CountFloor's iterations instead, in every round, and the
// sides agree.
func TestCountFloorAfterAFooledPilot(t *testing.T) {
	var log bytes.Buffer
	plan, trees, _, c := countedPlan(t, fooledFile, &log)
	knownCosts(plan, func(*Tree) []cost { return []cost{{Name: "BenchmarkChatty", NS: 10e6}} })
	const rounds = 2
	if _, err := plan.Run(context.Background(), Options{Bench: ".", Time: "20ms", Counter: c, CountRounds: rounds, NoTime: true}, NewProgress(&log)); err != nil {
		t.Fatalf("%v\n%s", err, &log)
	}
	perOp := map[string][]float64{}
	for _, tr := range trees {
		for _, ns := range iterations(t, tr.Out) {
			if len(ns) != rounds {
				t.Fatalf("%s: counted %d times, want %d\n%s", tr.Name, len(ns), rounds, &log)
			}
			for _, n := range ns {
				if v, _ := strconv.Atoi(n); v < 256 {
					t.Errorf("%s: a long run of %d iterations, want CountFloor's (3M at about 6,000 an op: 256 or more)", tr.Name, v)
				}
			}
		}
		perOp[tr.Name] = instructionsOf(t, tr.Out)
	}
	for i := range perOp["base"] {
		b, cur := perOp["base"][i], perOp["current"][i]
		if d := math.Abs(cur-b) / b; d > 0.02 {
			t.Errorf("round %d: %.0f and %.0f instructions/op, %.1f%% apart, want within 2%%", i+1, b, cur, 100*d)
		}
	}
}

// instructionsOf is the instructions/op of each result line in path.
func instructionsOf(t *testing.T, path string) []float64 {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []float64
	o, _ := readOutput(b)
	for _, line := range o.results {
		f := strings.Fields(line)
		for i := 2; i+1 < len(f); i += 2 {
			if f[i+1] == "instructions/op" {
				v, _ := strconv.ParseFloat(f[i], 64)
				out = append(out, v)
			}
		}
	}
	return out
}

// TestIterationsFor: the count for a run of d from the timed cost per op,
// bounded by MaxWall x d in all for a benchmark that stops its timer in
// its loop.
func TestIterationsFor(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name        string
		d           time.Duration
		ns, untimed float64
		want        int64
	}{
		{"timed only", 100 * ms, 1000, 0, 100000},
		{"a little untimed", 100 * ms, 1000, 1000, 100000},
		{"mostly untimed", 100 * ms, 30000, 300000, 909},
		{"slower than d", 100 * ms, 5e8, 0, 1},
		{"untimed slower than d", 100 * ms, 10, 1e9, 1},
		{"at most 1e9", time.Second, 0.1, 0, 1e9},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := iterationsFor(tt.d, tt.ns, tt.untimed); got != tt.want {
				t.Errorf("iterationsFor(%s, %g, %g) = %d, want %d", tt.d, tt.ns, tt.untimed, got, tt.want)
			}
		})
	}
}

// TestUntimedOf: the marks' wall file gives, per benchmark's last run,
// its wall time per op outside its setup and its timed time; damaged
// lines are passed over.
func TestUntimedOf(t *testing.T) {
	path := filepath.Join(t.TempDir(), "wall")
	os.WriteFile(path, []byte("BenchmarkA\t10\t5000\t1000\t2000\n"+
		"BenchmarkA\t100\t50000\t1000\t9000\n"+ // the last run counts
		"BenchmarkB/x=1\t4\t100\t0\t400\n"+ // timed longer than the wall: none
		"BenchmarkC\t0\t100\t0\t0\n"+ // no iterations
		"BenchmarkD\t10\t-5\t0\t0\n"+ // negative
		"BenchmarkE\tten\t100\t0\t0\n"+
		"BenchmarkF\t1\t2\n"), 0o644)
	got := untimedOf(path)
	want := map[string]float64{"BenchmarkA": 400, "BenchmarkB/x=1": 0}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("untimedOf = %v, want %v", got, want)
	}
}

// TestReadNotes: the marks' notes give each benchmark's fields from its
// last line of the shape asked; lines of another shape are passed over,
// and the setups' reader takes the setup and whether it had no
// ResetTimer from them.
func TestReadNotes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "setups")
	os.WriteFile(path, []byte("BenchmarkA\t5\t0\n"+
		"BenchmarkA\t7000000\t0\n"+ // the last run counts
		"BenchmarkB/x=1\t9\t1\n"+
		"BenchmarkC\t1\n"+ // cut short
		"BenchmarkD\tnine\t0\n"+
		"\n"), 0o644)
	got := readNotes(path, 2)
	want := map[string][]string{"BenchmarkA": {"7000000", "0"}, "BenchmarkB/x=1": {"9", "1"}, "BenchmarkD": {"nine", "0"}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("readNotes = %v, want %v", got, want)
	}
	g := []unit{{leaf: "BenchmarkA"}, {leaf: "BenchmarkB/x=1"}, {leaf: "BenchmarkC"}, {leaf: "BenchmarkD"}}
	runs := []*counted{{}, {}, {}, {}}
	readSetups(path, g, []int{0, 1, 2, 3}, runs)
	if runs[0].Setup != 7*time.Millisecond || runs[0].Again || runs[1].Setup != 9 || !runs[1].Again || runs[2].Setup != 0 || runs[3].Setup != 0 {
		t.Errorf("setups %+v %+v %+v %+v", *runs[0], *runs[1], *runs[2], *runs[3])
	}
	if readNotes(filepath.Join(t.TempDir(), "none"), 2) != nil {
		t.Error("a file that cannot be read has notes")
	}
}

// stopTimerFile's benchmark stops its timer for 2ms of sleep in every
// iteration around a timed op of a few microseconds: Go's testing counts
// only the timed part, so at 20ms a run it would run thousands of
// iterations, many seconds a run.
const stopTimerFile = `package work

import (
	"testing"
	"time"
)

var sink uint64

func BenchmarkStops(b *testing.B) {
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		time.Sleep(2 * time.Millisecond)
		b.StartTimer()
		for j := 0; j < 3000; j++ {
			sink = sink*31 + uint64(j)
		}
	}
}
`

// TestStopTimerRunsStayShort: with the marks, the pilot notes a
// benchmark's untimed time per op, and its rounds run few enough
// iterations that a run takes about MaxWall x the benchtime in all,
// where the timed cost alone gives thousands (tens of seconds a run).
func TestStopTimerRunsStayShort(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs test binaries")
	}
	var log bytes.Buffer
	plan, trees, _ := markedPlan(t, stopTimerFile, &log)
	if !plan.marked["base"] || !plan.marked["current"] {
		t.Skipf("the marks do not fit this toolchain: %s", strings.Join(plan.Notes, "; "))
	}
	if _, err := plan.Run(context.Background(), Options{Bench: ".", Time: "20ms", Count: 2}, NewProgress(&log)); err != nil {
		t.Fatalf("%v\n%s", err, &log)
	}
	// 3 x 20ms in runs of at least 2ms an iteration: at most 30.
	for _, tr := range trees {
		for name, ns := range iterations(t, tr.Out) {
			for _, n := range ns {
				if k, _ := strconv.Atoi(n); k < 1 || k > 30 {
					t.Errorf("%s: %s ran %s iterations, want 1 to 30 (3 x 20ms at 2ms or more each)", tr.Name, name, n)
				}
			}
		}
	}
}

// TestTwinPilotFailsOnItsOwn: where the sides' binaries are the same but
// the first side's pilot did not run clean, the other side runs its own
// pilot, so that a broken benchmark is known broken on both sides (not on
// the base only, which an A/A cannot be).
func TestTwinPilotFailsOnItsOwn(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs test binaries")
	}
	var log bytes.Buffer
	plan, trees, setups := markedPlan(t, `package work

import (
	"fmt"
	"os"
	"testing"
)

var sink int

func note(b *testing.B) {
	f, err := os.OpenFile(os.Getenv("BENCHGATE_TEST_SETUPS"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		panic(err)
	}
	wd, _ := os.Getwd()
	fmt.Fprintf(f, "%s %d %s\n", b.Name(), b.N, wd)
	f.Close()
}

func BenchmarkOK(b *testing.B) {
	note(b)
	for i := 0; i < b.N; i++ {
		sink += i
	}
}

func BenchmarkBroken(b *testing.B) {
	note(b)
	b.Fatal("broken")
}
`, &log)
	if plan.twin(trees[1], plan.Packages[0]) == "" {
		t.Fatalf("the sides' binaries of one source are not twins:\n%s", &log)
	}
	res, err := plan.Run(context.Background(), Options{Bench: ".", Time: "10ms", Count: 1}, NewProgress(&log))
	if !errors.Is(err, ErrBenchmarkFailed) {
		t.Fatalf("Run: %v, want %v\n%s", err, ErrBenchmarkFailed, &log)
	}
	for _, tr := range trees {
		if !res.Failed(tr.Name, "example.com/work/work", "BenchmarkBroken") {
			t.Errorf("BenchmarkBroken is not failed on %s\n%s", tr.Name, &log)
		}
	}
	// On the current side BenchmarkOK runs in the round only: its cost is
	// the base's.
	got, _ := setupsOf(t, setups, trees[1].Dir)
	if got["BenchmarkOK"] != 1 || got["BenchmarkBroken"] == 0 {
		t.Errorf("current side: BenchmarkOK ran %d times, BenchmarkBroken %d; want 1 (the round), and its own pilot's\n%s", got["BenchmarkOK"], got["BenchmarkBroken"], &log)
	}
	if plan.Stats.PilotTwins != 1 || !strings.Contains(log.String(), "its costs, and the 1 benchmarks that failed there run here") {
		t.Errorf("%d twins took the first side's costs; want 1, and a note saying so\n%s", plan.Stats.PilotTwins, &log)
	}
}

// rampFile's benchmarks note "name N elapsed-ns dir" per run of their
// function in $BENCHGATE_TEST_SETUPS: BenchmarkHeavy after 30ms of setup,
// BenchmarkLight after none; both spin for a few microseconds an op.
const rampFile = `package work

import (
	"fmt"
	"os"
	"testing"
	"time"
)

var sink uint64

func work(b *testing.B, setup time.Duration) {
	time.Sleep(setup)
	b.ResetTimer()
	for range b.N {
		for i := 0; i < 3000; i++ {
			sink = sink*31 + uint64(i)
		}
	}
	b.StopTimer()
	f, err := os.OpenFile(os.Getenv("BENCHGATE_TEST_SETUPS"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		panic(err)
	}
	wd, _ := os.Getwd()
	fmt.Fprintf(f, "%s %d %d %s\n", b.Name(), b.N, b.Elapsed().Nanoseconds(), wd)
	f.Close()
}

func BenchmarkHeavy(b *testing.B) { work(b, 30*time.Millisecond) }

func BenchmarkLight(b *testing.B) { work(b, 0) }
`

// TestPilotRampForSetup: in the pilot, a benchmark whose setup takes
// longer than the pilot's run goes from its b.N=1 run straight to the
// count that run predicts (counter.RampEnv): its setup is paid twice, not
// at every step of Go's ramp (b.N=1, 100, then more). One whose b.N=1 op
// took over a hundredth of the pilot's time (a loaded machine) keeps Go's
// ramp, and so does one with no setup.
func TestPilotRampForSetup(t *testing.T) {
	var log bytes.Buffer
	plan, trees, setups := timedPlan(t, rampFile, &log)
	const benchtime = 200 * time.Millisecond // a pilot of 10ms
	pilot := benchtime / PilotFraction
	if _, err := plan.Run(context.Background(), Options{Bench: ".", Time: benchtime.String(), Count: 1}, NewProgress(&log)); err != nil {
		t.Fatalf("%v\n%s", err, &log)
	}
	b, err := os.ReadFile(setups)
	if err != nil {
		t.Fatal(err)
	}
	// The pilot's runs, on the base side (the current side's binary is
	// the same: it takes the base's costs), in order, and the rounds' one
	// run a side.
	runs := map[string][][2]int64{}
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) != 4 || !strings.HasPrefix(f[3], trees[0].Dir+string(filepath.Separator)) {
			continue
		}
		n, _ := strconv.ParseInt(f[1], 10, 64)
		ns, _ := strconv.ParseInt(f[2], 10, 64)
		runs[f[0]] = append(runs[f[0]], [2]int64{n, ns})
	}
	for name, rs := range runs {
		rs = rs[:len(rs)-1] // the round's
		if len(rs) < 2 || rs[0][0] != 1 {
			t.Errorf("%s: pilot runs (N, ns) %v, want b.N=1 first and more", name, rs)
			continue
		}
		jumped := len(rs) == 2 && rs[1][0] >= 100
		fast := rs[0][1] < pilot.Nanoseconds()/120 // the b.N=1 op predicts 100 or more
		switch {
		case name == "BenchmarkHeavy" && fast && !jumped:
			t.Errorf("%s: pilot runs (N, ns) %v: a setup of 30ms paid %d times in a %s pilot; want 2 (b.N=1, then the count it predicts)", name, rs, len(rs), pilot)
		case name == "BenchmarkLight" && fast && rs[1][0] != 100:
			t.Errorf("%s: pilot runs (N, ns) %v; want Go's ramp (b.N=1, 100, then as the runs say) for a benchmark with no setup", name, rs)
		}
	}
	if len(runs) != 2 {
		t.Errorf("runs of %d benchmarks noted, want 2:\n%s", len(runs), b)
	}
}
