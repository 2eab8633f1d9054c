package runner

import (
	"bytes"
	"context"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/benchgate/benchgate/internal/fixture"
)

// twoSides writes the fixture module with BenchmarkWork, two
// sub-benchmarks, the current side's 4x as costly, and BenchmarkSteady,
// alike on both.
func twoSides(t *testing.T) []*Tree {
	t.Helper()
	files := func(loops int) map[string]string {
		return fixture.Spec{Benches: []fixture.Bench{{Name: "Work", Work: loops, Sizes: []int{1, 8}}, {Name: "Steady", Work: 500}}}.Files()
	}
	out := t.TempDir()
	return []*Tree{
		{Name: "base", Dir: writeTree(t, files(200)), Out: filepath.Join(out, "base.txt")},
		{Name: "current", Dir: writeTree(t, files(800)), Out: filepath.Join(out, "current.txt")},
	}
}

// iterations returns, per benchmark line name, the iteration counts of
// its result lines in order.
func iterations(t *testing.T, path string) map[string][]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string][]string{}
	o, _ := readOutput(b)
	for _, line := range o.results {
		f := strings.Fields(line)
		m[f[0]] = append(m[f[0]], f[1])
	}
	return m
}

// TestSameIterationsOnBothSides: after the pilot, both sides run every
// benchmark with the same fixed iteration count in every round, although
// one side is 4x as costly.
func TestSameIterationsOnBothSides(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs test binaries")
	}
	trees := twoSides(t)
	var log bytes.Buffer
	plan, err := Prepare(context.Background(), trees, []Suite{{Name: "s", Patterns: []string{"./..."}}}, t.TempDir(), NewProgress(&log))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := plan.Run(context.Background(), Options{Bench: ".", Time: "20ms", Count: 3}, NewProgress(&log)); err != nil {
		t.Fatal(err)
	}
	base, cur := iterations(t, trees[0].Out), iterations(t, trees[1].Out)
	if len(base) != 3 {
		t.Fatalf("base results have %d benchmarks, want 3 (two sub-benchmarks and Steady): %v", len(base), base)
	}
	for name, bn := range base {
		cn := cur[name]
		if len(bn) != 3 || strings.Join(bn, " ") != strings.Join(cn, " ") {
			t.Errorf("%s: iterations base %v, current %v; want the same 3 counts", name, bn, cn)
		}
		if bn[0] != bn[1] || bn[1] != bn[2] {
			t.Errorf("%s: iterations %v differ from round to round", name, bn)
		}
	}
	// Each benchmark runs on its own, base and current back to back.
	if !strings.Contains(log.String(), "round 1/3 fixture/work BenchmarkWork/size=8 base") || !strings.Contains(log.String(), "pilot") {
		t.Errorf("progress does not show a pilot and per-benchmark runs:\n%s", log.String())
	}
}

// TestConfirmRunsSelectedInFreshRounds: the confirmation measures only
// what Select names, in rounds of its own, into the confirm files, and
// leaves the main results as they were.
func TestConfirmRunsSelectedInFreshRounds(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs test binaries")
	}
	const size8 = "BenchmarkWork/size=8"
	sel := func(results map[string][]byte) (map[string][]string, error) {
		if n := bytes.Count(results["current"], []byte("BenchmarkSteady-")); n != 2 {
			t.Errorf("Select saw %d Steady samples, want the 2 of the main rounds", n)
		}
		return map[string][]string{fixture.Package: {size8}}, nil
	}
	// undecided settles the main rounds at once and keeps size=8 of the
	// fresh rounds (which have no Steady) unsettled below 5 samples.
	undecided := func(results map[string][]byte) (map[string][]string, error) {
		cur := results["current"]
		if bytes.Contains(cur, []byte("BenchmarkSteady-")) || bytes.Count(cur, []byte(size8+"-")) >= 5 {
			return nil, nil
		}
		return map[string][]string{fixture.Package: {size8}}, nil
	}
	tests := []struct {
		name     string
		adaptive *Adaptive
		want     int // fresh samples of size=8
	}{
		{"fixed rounds", nil, 3},
		{"adaptive: extra fresh rounds until settled", &Adaptive{Undecided: undecided}, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			trees := twoSides(t)
			plan, err := Prepare(context.Background(), trees, []Suite{{Name: "s", Patterns: []string{"./..."}}}, t.TempDir(), NewProgress(nil))
			if err != nil {
				t.Fatal(err)
			}
			// Given costs, as the fixture's work sets them (current 4x
			// base): on a loaded machine the pilot's measured costs of
			// size=1 and size=8 came within a batch's ratio, and the main
			// rounds ran size=8 at its batch's count (3103) where the
			// confirmation ran it alone at its own (1758).
			knownCosts(plan, func(tr *Tree) []cost {
				f := 1.0
				if tr.Name == "current" {
					f = 4
				}
				return []cost{{Name: "BenchmarkWork/size=1", NS: 1000 * f}, {Name: "BenchmarkWork/size=8", NS: 8000 * f}, {Name: "BenchmarkSteady", NS: 2500}}
			})
			opts := Options{Bench: ".", Time: "10ms", Count: 2, Confirm: &Confirm{Select: sel, Count: 3}, Adaptive: tt.adaptive}
			if _, err := plan.Run(context.Background(), opts, NewProgress(nil)); err != nil {
				t.Fatal(err)
			}
			for _, tr := range trees {
				main, fresh := iterations(t, tr.Out), iterations(t, ConfirmFile(tr.Out))
				if len(fresh) != 1 {
					t.Errorf("%s confirm file has %v, want only %s", tr.Name, fresh, size8)
				}
				for name, its := range fresh {
					if !strings.HasPrefix(name, size8) || len(its) != tt.want || its[0] != main[name][0] {
						t.Errorf("%s: confirm %s %v, main %v; want %d samples at the main rounds' count", tr.Name, name, its, main[name], tt.want)
					}
				}
				if n := len(main[size8+"-"+procs(main)]); n != 2 {
					t.Errorf("%s main results have %d samples of size=8, want 2", tr.Name, n)
				}
			}
		})
	}
}

// procs finds the -N suffix the results carry.
func procs(m map[string][]string) string {
	for name := range m {
		if i := strings.LastIndexByte(name, '-'); i >= 0 {
			return name[i+1:]
		}
	}
	return ""
}

func TestLeafPattern(t *testing.T) {
	for in, want := range map[string]string{
		"BenchmarkRead":              `^BenchmarkRead$`,
		"BenchmarkRead/size=1KiB":    `^BenchmarkRead$/^size=1KiB$`,
		"BenchmarkA.b/x(y)/z#01":     `^BenchmarkA\.b$/^x\(y\)$/^z#01$`,
		"BenchmarkProduce/parts=4-8": `^BenchmarkProduce$/^parts=4-8$`,
	} {
		if got := LeafPattern(in); got != want {
			t.Errorf("LeafPattern(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTrimProcs(t *testing.T) {
	for in, want := range map[string]string{
		"BenchmarkX-2":          "BenchmarkX",
		"BenchmarkX/size=1-16":  "BenchmarkX/size=1",
		"BenchmarkX":            "BenchmarkX",
		"BenchmarkX/a-b":        "BenchmarkX/a-b",
		"BenchmarkX-2/not-proc": "BenchmarkX-2/not-proc",
	} {
		if got := trimProcs(in); got != want {
			t.Errorf("trimProcs(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestHangingBenchmarkTimesOut: a run of one benchmark that hangs fails
// after its unit's timeout, named, and the round goes on.
func TestHangingBenchmarkTimesOut(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs test binaries")
	}
	files := map[string]string{"go.mod": "module example.com/m\n\ngo 1.21\n", "h/h_test.go": `package h

import (
	"testing"
	"time"
)

func BenchmarkHang(b *testing.B) { time.Sleep(time.Hour) }
`}
	trees := []*Tree{{Name: "current", Dir: writeTree(t, files), Out: filepath.Join(t.TempDir(), "c.txt")}}
	plan, err := Prepare(context.Background(), trees, []Suite{{Name: "s", Patterns: []string{"./..."}}}, t.TempDir(), NewProgress(nil))
	if err != nil {
		t.Fatal(err)
	}
	res := &Result{}
	u := unit{pkg: 0, leaf: "BenchmarkHang", Bench: LeafPattern("BenchmarkHang"), Time: "1x", Label: "hang", Timeout: 2 * time.Second}
	bufs := plan.buffers(Options{Time: "1x"})
	start := time.Now()
	if interrupted, fatal := plan.round(context.Background(), 0, "round", []unit{u}, bufs, res, NewProgress(nil)); interrupted != nil || fatal != nil {
		t.Fatal(interrupted, fatal)
	}
	if time.Since(start) > time.Minute || len(res.Failures()) != 1 || !strings.Contains(res.Failures()[0], "timed out") {
		t.Errorf("failures %q after %s; want the hang named as timed out", res.Failures(), time.Since(start))
	}
}

// TestPilotCostsRemembered: a second run with the same binaries knows
// their costs and runs no pilot; after the current side's code changes,
// only its binary is measured again. Both sides keep one iteration count.
func TestPilotCostsRemembered(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs test binaries")
	}
	trees := twoSides(t)
	binDir := t.TempDir()
	run := func() string {
		t.Helper()
		plan, err := Prepare(context.Background(), trees, []Suite{{Name: "s", Patterns: []string{"./..."}}}, binDir, NewProgress(nil))
		if err != nil {
			t.Fatal(err)
		}
		var log bytes.Buffer
		if _, err := plan.Run(context.Background(), Options{Bench: ".", Time: "10ms", Count: 2}, NewProgress(&log)); err != nil {
			t.Fatal(err)
		}
		base, cur := iterations(t, trees[0].Out), iterations(t, trees[1].Out)
		for name, bn := range base {
			if strings.Join(bn, " ") != strings.Join(cur[name], " ") {
				t.Errorf("%s: iterations base %v, current %v", name, bn, cur[name])
			}
		}
		return log.String()
	}
	if log := run(); strings.Contains(log, "unchanged since the last run") || !strings.Contains(log, "pilot fixture/work base") || !strings.Contains(log, "pilot fixture/work current") {
		t.Errorf("first run: want a pilot of both sides:\n%s", log)
	}
	if log := run(); !strings.Contains(log, "2 of 2 binaries unchanged") || strings.Contains(log, "pilot fixture/work") {
		t.Errorf("second run: want no pilot run:\n%s", log)
	}
	if err := fixture.Write(trees[1].Dir, fixture.Spec{Benches: []fixture.Bench{{Name: "Work", Work: 1600, Sizes: []int{1, 8}}, {Name: "Steady", Work: 500}}}.Files()); err != nil {
		t.Fatal(err)
	}
	if log := run(); !strings.Contains(log, "1 of 2 binaries unchanged") || !strings.Contains(log, "pilot fixture/work current") || strings.Contains(log, "pilot fixture/work base") {
		t.Errorf("after changing the current side: want its pilot only:\n%s", log)
	}
}

// TestBuildID: the build ID read from a binary is the one go tool buildid
// prints.
func TestBuildID(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a test binary")
	}
	trees := twoSides(t)
	bins, _, err := build(context.Background(), trees[0], []string{fixture.Package}, t.TempDir(), "")
	if err != nil {
		t.Fatal(err)
	}
	bin := bins[fixture.Package]
	want, err := exec.Command("go", "tool", "buildid", bin).Output()
	if err != nil {
		t.Fatal(err)
	}
	if got := buildID(bin); got == "" || got != strings.TrimSpace(string(want)) {
		t.Errorf("buildID %q, go tool buildid %q", got, want)
	}
	if buildID(filepath.Join(t.TempDir(), "missing")) != "" {
		t.Error("a missing file has a build ID")
	}
}

// TestCostCacheSave: a binary's new key replaces its old entries; other
// binaries' entries stay.
func TestCostCacheSave(t *testing.T) {
	path := filepath.Join(t.TempDir(), CostsFile)
	c := loadCosts(path)
	c.put("base/a.test|id1|2|.", []cost{{Name: "BenchmarkA", NS: 10}})
	c.put("base/b.test|id1|2|.", []cost{{Name: "BenchmarkB", NS: 20}})
	if err := c.save(map[string]bool{"base/a.test|id1|2|.": true, "base/b.test|id1|2|.": true}); err != nil {
		t.Fatal(err)
	}
	c = loadCosts(path)
	c.put("base/a.test|id2|2|.", []cost{{Name: "BenchmarkA", NS: 40}})
	if err := c.save(map[string]bool{"base/a.test|id2|2|.": true}); err != nil {
		t.Fatal(err)
	}
	c = loadCosts(path)
	if _, ok := c.get("base/a.test|id1|2|."); ok {
		t.Error("a.test's old entry stayed")
	}
	if e, ok := c.get("base/a.test|id2|2|."); !ok || e[0].NS != 40 {
		t.Errorf("a.test's new entry %v, want 40 ns/op", e)
	}
	if _, ok := c.get("base/b.test|id1|2|."); !ok {
		t.Error("b.test's entry was dropped")
	}
	c.put("base/c.test|id1|2|.", []cost{{Name: "BenchmarkC", NS: math.NaN()}})
	if _, ok := c.get("base/c.test|id1|2|."); ok {
		t.Error("a NaN cost was taken for known")
	}
}

// growingFile is a benchmark whose ops cost about 1ns for its first 1M
// iterations and about 0.5µs after (a rate limiter past its burst): a
// pilot sees only the cheap ones, and a round's count runs millions of
// the costly ones.
const growingFile = `package work

import "testing"

var sink uint64

func BenchmarkGrowing(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if i < 1000000 {
			sink += uint64(i)
			continue
		}
		for j := 0; j < 1000; j++ {
			sink += uint64(j) * 7
		}
	}
}
`

// TestOverrunShortensLaterRounds: a benchmark whose run on the side that
// ran first in the first round took far over the benchtime (its cost
// grows with N) runs the count that run's cost gives: on the other side in
// that round, then on both sides again in it (the run that overran is
// left out) and in the later rounds; the run says so.
func TestOverrunShortensLaterRounds(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs test binaries")
	}
	files := map[string]string{"go.mod": "module example.com/work\n\ngo 1.22\n", "work/work_test.go": growingFile}
	out := t.TempDir()
	trees := []*Tree{
		{Name: "base", Dir: writeTree(t, files), Out: filepath.Join(out, "base.txt")},
		{Name: "current", Dir: writeTree(t, files), Out: filepath.Join(out, "current.txt")},
	}
	var log bytes.Buffer
	plan, err := Prepare(context.Background(), trees, []Suite{{Name: "s", Patterns: []string{"./..."}}}, t.TempDir(), NewProgress(&log))
	if err != nil {
		t.Fatal(err)
	}
	// The pilot's cost, as an earlier run left it: 5ns an op gives the
	// rounds 2M iterations at 10ms, 1M of them costly: 563ms idle, 56x
	// (400 of these adds an op ran 22x a 20ms benchtime on a loaded
	// machine, too near Overrun).
	knownCosts(plan, func(*Tree) []cost { return []cost{{Name: "BenchmarkGrowing", NS: 5}} })
	if _, err := plan.Run(context.Background(), Options{Bench: ".", Time: "10ms", Count: 3}, NewProgress(&log)); err != nil {
		t.Fatalf("%v\n%s", err, &log)
	}
	var base, cur []string // BenchmarkGrowing's, its one benchmark
	for name, ns := range iterations(t, trees[0].Out) {
		base, cur = ns, iterations(t, trees[1].Out)[name]
	}
	if len(base) != 3 || strings.Join(base, " ") != strings.Join(cur, " ") {
		t.Fatalf("iterations base %v, current %v: want the same 3 counts\n%s", base, cur, &log)
	}
	if n, _ := strconv.Atoi(base[0]); n >= 2000000/10 || base[1] != base[0] || base[2] != base[0] {
		t.Errorf("iterations %v: want three alike, far short of the pilot's 2M\n%s", base, &log)
	}
	if !strings.Contains(log.String(), "a run of 2000000 iterations took") || !strings.Contains(log.String(), "that run is left out, and this round's runs and the next rounds' run "+base[0]+" on both sides") {
		t.Errorf("the run does not say it shortened the first round's other side and the later rounds:\n%s", &log)
	}
}
