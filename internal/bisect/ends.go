package bisect

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"

	"github.com/benchgate/benchgate/internal/changepoint"
	"github.com/benchgate/benchgate/internal/history"
	"github.com/benchgate/benchgate/internal/verdict"
)

// ErrNothingToBisect is wrapped by Found's error when neither file names
// a regression.
var ErrNothingToBisect = errors.New("nothing to bisect")

// Ends are a bisection's good and bad revisions as a gate's results name
// them, with the benchmarks that regressed there and where they came
// from.
type Ends struct {
	Good, Bad  string
	Benchmarks []string
	From       string
}

// Found finds the ends in a gate's results: the comparison (the
// comparison.json at comparisonPath) when it regressed, its base the good
// end and its current commit ("HEAD" when it has none) the bad one; else
// the newest open change point of the trend (changepoints.json at
// trendPath): a worsening step, not acknowledged, from its last good to
// its first bad run. A file that is absent is skipped; an unreadable
// trend is an error.
func Found(comparisonPath, trendPath string) (Ends, error) {
	cmp, cerr := verdict.ReadComparison(comparisonPath)
	if cerr == nil && cmp.Base.Commit != "" {
		var names []string
		for _, r := range cmp.Rows {
			if r.Status == verdict.StatusRegression {
				name, _ := verdict.SplitProcs([]byte(r.Benchmark))
				names = append(names, name)
			}
		}
		if len(names) > 0 {
			bad := cmp.Current.Commit
			if bad == "" {
				bad = "HEAD"
			}
			return Ends{Good: cmp.Base.Commit, Bad: bad, Benchmarks: names, From: "the regression in " + comparisonPath}, nil
		}
	}
	if b, err := os.ReadFile(trendPath); err == nil {
		var tr struct{ Findings []history.Finding }
		if err := json.Unmarshal(b, &tr); err != nil {
			return Ends{}, fmt.Errorf("reading %s: %w", trendPath, err)
		}
		open := slices.DeleteFunc(tr.Findings, func(f history.Finding) bool {
			return !f.Worse || f.Acknowledged || f.Kind != changepoint.Step || f.LastGood == "" || f.FirstBad == ""
		})
		if len(open) > 0 {
			f := open[len(open)-1]
			return Ends{Good: f.LastGood, Bad: f.FirstBad, Benchmarks: []string{f.Benchmark}, From: "the open change point in " + trendPath}, nil
		}
	}
	return Ends{}, fmt.Errorf("%w: %s holds no regression and %s no open change point", ErrNothingToBisect, comparisonPath, trendPath)
}
