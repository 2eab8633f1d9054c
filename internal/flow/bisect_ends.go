package flow

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"

	"github.com/benchgate/benchgate/internal/changepoint"
	"github.com/benchgate/benchgate/internal/gitref"
	"github.com/benchgate/benchgate/internal/history"
	"github.com/benchgate/benchgate/internal/report"
	"github.com/benchgate/benchgate/internal/runner"
	"github.com/benchgate/benchgate/internal/verdict"
)

// bisectEnds are a bisection's good and bad commits and where they come
// from.
type bisectEnds struct {
	good, bad gitref.Commit
	from      string
}

// bisectEnds chooses the ends: Good and Bad when set; else the last
// comparison's base and current when it regressed; else the newest open
// change point. Without BENCH_FILTER, the benchmarks followed are those
// that regressed there.
func (c *Config) bisectEnds(repo *gitref.Repo, o BisectOptions) (bisectEnds, error) {
	good, bad, names, from := o.Good, o.Bad, []string(nil), "BENCH_GOOD and BENCH_BAD"
	if good == "" {
		var err error
		if good, bad, names, from, err = c.lastRegression(); err != nil {
			return bisectEnds{}, err
		}
		if o.Bad != "" {
			bad = o.Bad
		}
	}
	if bad == "" {
		bad = "HEAD"
	}
	if c.Run.Bench == runner.DefaultOptions.Bench && len(names) > 0 {
		c.Run.Bench = runner.Pattern(names)
	}
	var e bisectEnds
	var err error
	if e.good, err = repo.Resolve(good); err != nil {
		return e, fmt.Errorf("BENCH_GOOD: %w", err)
	}
	if e.bad, err = repo.Resolve(bad); err != nil {
		return e, fmt.Errorf("BENCH_BAD: %w", err)
	}
	if e.good.Hash == e.bad.Hash {
		return e, fmt.Errorf("BENCH_GOOD and BENCH_BAD are the same commit %s: nothing to search", e.good.Short())
	}
	e.from = from
	return e, nil
}

// lastRegression finds the ends in the results directory: the last
// comparison, when it regressed, else the newest open change point.
func (c *Config) lastRegression() (good, bad string, names []string, from string, err error) {
	cmp, cerr := verdict.ReadComparison(c.path(ComparisonFile))
	if cerr == nil && cmp.Base.Commit != "" {
		for _, r := range cmp.Rows {
			if r.Status == verdict.StatusRegression {
				name, _ := verdict.SplitProcs([]byte(r.Benchmark))
				names = append(names, name)
			}
		}
		if len(names) > 0 {
			bad = cmp.Current.Commit
			if bad == "" {
				bad = "HEAD"
			}
			return cmp.Base.Commit, bad, names, "the regression in " + c.path(ComparisonFile), nil
		}
	}
	b, terr := os.ReadFile(c.path(ChangePointsFile))
	if terr == nil {
		var tr report.Trend
		if err := json.Unmarshal(b, &tr); err != nil {
			return "", "", nil, "", fmt.Errorf("reading %s: %w", c.path(ChangePointsFile), err)
		}
		open := slices.DeleteFunc(tr.Findings, func(f history.Finding) bool {
			return !f.Worse || f.Acknowledged || f.Kind != changepoint.Step || f.LastGood == "" || f.FirstBad == ""
		})
		if len(open) > 0 {
			f := open[len(open)-1]
			return f.LastGood, f.FirstBad, []string{f.Benchmark}, "the open change point in " + c.path(ChangePointsFile), nil
		}
	}
	return "", "", nil, "", fmt.Errorf("%w: %s holds no regression and %s no open change point: set BENCH_GOOD and BENCH_BAD", errNothingToBisect, c.path(ComparisonFile), c.path(ChangePointsFile))
}
