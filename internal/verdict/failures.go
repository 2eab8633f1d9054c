package verdict

import (
	"fmt"
	"slices"
	"strings"
)

// A Failure is a benchmark (or a package) that failed on one side: it
// panicked, exited, hung, failed (b.Fatal), printed no result, or its
// package does not build.
type Failure struct {
	// Side is "base" or "current".
	Side string `json:"side"`
	// Pkg is the package's import path.
	Pkg string `json:"pkg"`
	// Benchmark is the benchmark's name without -N; "" for the whole
	// package (it does not build, or its run died before a benchmark
	// could be named).
	Benchmark string `json:"benchmark,omitempty"`
	// Msg says what happened: "panic: boom at boom/boom.go:12".
	Msg string `json:"msg"`
	// Unreadable is set when the benchmark ran and printed its name but
	// no numbers that can be read: the gate could not read it, which
	// says nothing of the change, so it is a gap on either side.
	Unreadable bool `json:"unreadable,omitempty"`
}

// String is the failure as one line: "current: pkg: BenchmarkX: msg".
func (f Failure) String() string {
	if f.Benchmark == "" {
		return fmt.Sprintf("%s: %s: %s", f.Side, f.Pkg, f.Msg)
	}
	return fmt.Sprintf("%s: %s: %s: %s", f.Side, f.Pkg, f.Benchmark, f.Msg)
}

// covers reports whether f and g are about the same benchmark: the same
// package, and the same name, one a parent of the other, or one of them
// the whole package.
func (f Failure) covers(g Failure) bool {
	if f.Pkg != g.Pkg {
		return false
	}
	a, b := f.Benchmark, g.Benchmark
	return a == "" || b == "" || a == b || strings.HasPrefix(a, b+"/") || strings.HasPrefix(b, a+"/")
}

// A Broken benchmark (or package) failed on the base side: the change
// did not break it. It is listed in every report and not judged.
type Broken struct {
	Pkg string `json:"pkg"`
	// Benchmark is "" for a whole package.
	Benchmark string `json:"benchmark,omitempty"`
	// Sides is SidesBoth (broken before this change) or SidesBase
	// (fails on the base side only: the change fixed it, or the base
	// lacks what it needs).
	Sides string `json:"sides"`
	// Reason is what the current side's failure (or, for SidesBase, the
	// base's) says.
	Reason string `json:"reason"`
}

// The Sides of a Broken entry.
const (
	SidesBoth = "both"
	SidesBase = "base"
)

// String is the entry as one line.
func (b Broken) String() string {
	what := b.Pkg
	if b.Benchmark != "" {
		what += " " + b.Benchmark
	}
	when := "fails on both sides (broken before this change)"
	if b.Sides == SidesBase {
		when = "fails on the base side only (not compared)"
	}
	return fmt.Sprintf("%s %s: %s", what, when, b.Reason)
}

// ReasonBroken is the reason of a row whose benchmark fails on both
// sides.
const ReasonBroken = "fails on both sides: broken before this change, not judged"

// Account decides what the failures of a run mean for the verdict, per
// benchmark and package:
//   - failed on the current side and not on the base: the change broke
//     it, a gap (no verdict), and its rows missing on the current side
//     become undecided (ReasonFailed), not missing;
//   - failed on both sides: broken before this change, listed in Broken,
//     not judged (its rows are undecided with ReasonBroken);
//   - failed on the base side only: listed in Broken, not compared;
//   - ran with numbers that cannot be read, on either side: a gap, since
//     that says nothing about the change.
//
// The summary is counted again.
func (c *Comparison) Account(fails []Failure) {
	if fails != nil {
		c.Failures = fails
	}
	var base, cur []Failure
	for _, f := range fails {
		if f.Side == "base" {
			base = append(base, f)
		} else {
			cur = append(cur, f)
		}
	}
	related := func(f Failure, in []Failure) bool {
		return slices.ContainsFunc(in, f.covers)
	}
	add := func(b Broken) {
		// One entry per benchmark and sides: a flaky crash fails with
		// another message every time (a panic's index), the first says
		// enough.
		if !slices.ContainsFunc(c.Broken, func(o Broken) bool { return o.Pkg == b.Pkg && o.Benchmark == b.Benchmark && o.Sides == b.Sides }) {
			c.Broken = append(c.Broken, b)
		}
	}
	var unread []Failure
	for _, f := range base {
		if f.Unreadable {
			unread = append(unread, f)
		}
	}
	c.Gaps = append(c.Gaps, GroupFailures(unread)...)
	var gaps []Failure
	for _, f := range cur {
		if related(f, base) && !f.Unreadable {
			add(Broken{Pkg: f.Pkg, Benchmark: f.Benchmark, Sides: SidesBoth, Reason: f.Msg})
		} else {
			gaps = append(gaps, f)
		}
	}
	for _, g := range GroupFailures(gaps) {
		if !slices.Contains(c.Gaps, g) {
			c.Gaps = append(c.Gaps, g)
		}
	}
	for _, f := range base {
		if !related(f, cur) && !f.Unreadable {
			add(Broken{Pkg: f.Pkg, Benchmark: f.Benchmark, Sides: SidesBase, Reason: f.Msg})
		}
	}
	for i := range c.Rows {
		r := &c.Rows[i]
		name, _ := SplitProcs([]byte(r.Benchmark))
		f := Failure{Pkg: r.Pkg, Benchmark: name}
		switch {
		case (r.Base == nil || r.Current == nil) && related(f, cur) && related(f, base):
			// A benchmark that failed in some rounds on both sides and
			// has samples on both is judged on them.
			r.Status, r.Reason, r.AllowedMissing = StatusUndecided, ReasonBroken, false
		case r.Status == StatusMissing && related(f, cur):
			r.Status, r.Reason, r.AllowedMissing = StatusUndecided, ReasonFailed, false
		}
	}
	c.count()
}

// GroupFailures are failures as lines, one per side, package and message:
// "current: pkg: BenchmarkA, BenchmarkB and 7 more: msg". Real suites
// fail many sub-benchmarks of one function for one cause.
func GroupFailures(fails []Failure) []string {
	return grouped(fails, func(f Failure) string { return f.Benchmark }, func(f Failure, b string) Failure { f.Benchmark = b; return f })
}

// GroupBroken are broken entries as lines, one per package, sides and
// reason, as GroupFailures.
func GroupBroken(bs []Broken) []string {
	return grouped(bs, func(b Broken) string { return b.Benchmark }, func(b Broken, name string) Broken { b.Benchmark = name; return b })
}

// grouped is items as lines, one per group of items that differ only in
// their benchmark (bench reads it, setBench writes it), its benchmarks
// named together (Names).
func grouped[T interface {
	comparable
	String() string
}](items []T, bench func(T) string, setBench func(T, string) T) []string {
	var order []T
	names := map[T][]string{}
	for _, it := range items {
		k := setBench(it, "")
		if _, ok := names[k]; !ok {
			order = append(order, k)
		}
		if b := bench(it); !slices.Contains(names[k], b) {
			names[k] = append(names[k], b)
		}
	}
	out := make([]string, len(order))
	for i, k := range order {
		out[i] = setBench(k, Names(names[k], 3)).String()
	}
	return out
}

// Names are up to n names joined with commas, then "and N more".
func Names(names []string, n int) string {
	if len(names) <= n {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:n], ", "), len(names)-n)
}
