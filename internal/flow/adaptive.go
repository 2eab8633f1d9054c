package flow

import (
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
	return c.benchmarksWhere(results, func(r *verdict.Row) bool { return !r.Settled() })
}

// benchmarksWhere compares the runner's results so far and names, per
// package, the benchmarks with a row for which keep is true.
func (c *Config) benchmarksWhere(results map[string][]byte, keep func(*verdict.Row) bool) (map[string][]string, error) {
	cmp, err := verdict.CompareRounds(results, c.VerdictOptions())
	if err != nil {
		return nil, err
	}
	return cmp.Benchmarks(keep), nil
}
