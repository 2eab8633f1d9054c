package verdict

import (
	"slices"
	"testing"
)

// TestAccount decides per benchmark what a failure means: current side
// only a gap, both sides broken before the change, base only listed,
// unreadable numbers a gap on either side.
func TestAccount(t *testing.T) {
	const pkg = "example.com/m/store"
	f := func(side, bench string) Failure {
		return Failure{Side: side, Pkg: pkg, Benchmark: bench, Msg: "panic: boom"}
	}
	tests := []struct {
		name    string
		fails   []Failure
		gaps    int
		broken  []string // Sides of each Broken entry, in order
		outcome Outcome
		// row: BenchmarkA has base samples and is missing on the
		// current side, and wantRow is its status after.
		row     bool
		wantRow Status
	}{
		{name: "current only", fails: []Failure{f("current", "BenchmarkA")}, gaps: 1, outcome: NoVerdict, row: true, wantRow: StatusUndecided},
		{name: "a row of a benchmark that did not fail stays missing", fails: []Failure{f("current", "BenchmarkB")}, gaps: 1, outcome: Fail, row: true, wantRow: StatusMissing},
		{name: "both sides", fails: []Failure{f("base", "BenchmarkA"), f("current", "BenchmarkA")}, broken: []string{SidesBoth}, outcome: Pass},
		{name: "base only", fails: []Failure{f("base", "BenchmarkA")}, broken: []string{SidesBase}, outcome: Pass},
		{name: "a parent on one side, its sub-benchmark on the other", fails: []Failure{f("base", "BenchmarkR"), f("current", "BenchmarkR/n=2")}, broken: []string{SidesBoth}, outcome: Pass},
		{name: "a package that does not build on both sides", fails: []Failure{f("base", ""), f("current", "")}, broken: []string{SidesBoth}, outcome: Pass},
		{name: "different benchmarks", fails: []Failure{f("base", "BenchmarkA"), f("current", "BenchmarkB")}, gaps: 1, broken: []string{SidesBase}, outcome: NoVerdict},
		{name: "unreadable on both sides", fails: []Failure{{Side: "base", Pkg: pkg, Benchmark: "BenchmarkA", Unreadable: true}, {Side: "current", Pkg: pkg, Benchmark: "BenchmarkA", Unreadable: true}}, gaps: 2, outcome: NoVerdict},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &Comparison{}
			if tt.row {
				c.Rows = []Row{{Pkg: pkg, Benchmark: "BenchmarkA-2", Unit: "ns/op", Status: StatusMissing, Base: &Stats{N: 6}}}
			}
			c.Account(tt.fails)
			if len(c.Gaps) != tt.gaps {
				t.Errorf("gaps %q, want %d", c.Gaps, tt.gaps)
			}
			var sides []string
			for _, b := range c.Broken {
				sides = append(sides, b.Sides)
			}
			if !slices.Equal(sides, tt.broken) {
				t.Errorf("broken %+v, want sides %q", c.Broken, tt.broken)
			}
			if got := c.Outcome(); got != tt.outcome {
				t.Errorf("outcome %d, want %d", got, tt.outcome)
			}
			if tt.row && c.Rows[0].Status != tt.wantRow {
				t.Errorf("row %s, want %s", c.Rows[0].Status, tt.wantRow)
			}
		})
	}
}

// TestGroupFailures: one line per side, package and cause, the names of
// many sub-benchmarks folded.
func TestGroupFailures(t *testing.T) {
	var fails []Failure
	for _, n := range []string{"B/a", "B/b", "B/c", "B/d", "B/e"} {
		fails = append(fails, Failure{Side: "current", Pkg: "p", Benchmark: n, Msg: "batch too large"})
	}
	fails = append(fails, Failure{Side: "current", Pkg: "p", Benchmark: "C", Msg: "panic: boom"})
	got := GroupFailures(fails)
	want := []string{"current: p: B/a, B/b, B/c and 2 more: batch too large", "current: p: C: panic: boom"}
	if !slices.Equal(got, want) {
		t.Errorf("GroupFailures:\n%q\nwant\n%q", got, want)
	}
	bs := []Broken{{Pkg: "p", Benchmark: "B/a", Sides: SidesBoth, Reason: "r"}, {Pkg: "p", Benchmark: "B/b", Sides: SidesBoth, Reason: "r"}}
	if got := GroupBroken(bs); len(got) != 1 || got[0] != "p B/a, B/b fails on both sides (broken before this change): r" {
		t.Errorf("GroupBroken: %q", got)
	}
}
