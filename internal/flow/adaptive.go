package flow

import (
	"math"
	"slices"

	"github.com/benchgate/benchgate/internal/runner"
	"github.com/benchgate/benchgate/internal/verdict"
)

// adaptive returns the runner's adaptive sampling, judged by this
// configuration's verdict options; nil when switched off.
func (c *Config) adaptive() *runner.Adaptive {
	if !c.Adaptive {
		return nil
	}
	return &runner.Adaptive{Undecided: c.undecided, Budget: c.Budget}
}

// undecided compares the results so far and names, per package, the
// benchmarks with a metric whose verdict is not settled.
func (c *Config) undecided(results map[string][]byte) (map[string][]string, error) {
	return c.benchmarksWhere(results, func(r *verdict.Row) bool { return !Settled(r) })
}

// benchmarksWhere compares the runner's results so far and names, per
// package, the benchmarks (without -N) with a row for which keep is true.
func (c *Config) benchmarksWhere(results map[string][]byte, keep func(*verdict.Row) bool) (map[string][]string, error) {
	cmp, err := c.compareResults(results)
	if err != nil {
		return nil, err
	}
	out := map[string][]string{}
	for i := range cmp.Rows {
		r := &cmp.Rows[i]
		if !keep(r) {
			continue
		}
		name, _ := verdict.SplitProcs([]byte(r.Benchmark))
		if !slices.Contains(out[r.Pkg], name) {
			out[r.Pkg] = append(out[r.Pkg], name)
		}
	}
	return out, nil
}

// Settled reports whether more samples cannot change a row's verdict much:
// it has no verdict to reach (one side only, no direction), it is already
// a significant regression or improvement, or the interval its two
// medians' confidence intervals allow for the change lies entirely inside
// the threshold in the bad direction.
func Settled(r *verdict.Row) bool {
	if r.Base == nil || r.Current == nil || r.Better == 0 {
		return true
	}
	if (r.Status == verdict.StatusRegression || r.Status == verdict.StatusImprovement) && !r.Unverified {
		return true
	}
	lo, hi, ok := r.ChangeInterval()
	if !ok {
		b, cur := r.Base, r.Current
		return b.Lo == b.Hi && cur.Lo == cur.Hi && b.Lo.Finite() && cur.Lo.Finite() // constant sides
	}
	worst := math.Max(lo*float64(-r.Better), hi*float64(-r.Better)) // the change in the bad direction at its worst
	return worst < r.ThresholdPct
}
