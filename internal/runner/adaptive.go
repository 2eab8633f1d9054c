package runner

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Adaptive sampling: after the minimum rounds, benchmarks whose verdict is
// settled (its change's interval entirely inside or entirely beyond the
// threshold) stop; the remaining rounds, up to a time budget, go to the
// undecided ones. The runner does not judge: Undecided does.
type Adaptive struct {
	// Undecided gets each side's results so far (tree name -> Go
	// benchmark format) and returns, per import path, the names (without
	// the -N suffix) of the benchmarks still undecided.
	Undecided func(results map[string][]byte) (map[string][]string, error)
	// MaxRounds caps all rounds, the minimum ones included. Default 3 x
	// Count.
	MaxRounds int
	// Budget caps the time of the extra rounds. Default: the time the
	// minimum rounds took, so a run takes at most about twice as long.
	Budget time.Duration
}

// adapt runs the extra rounds, after opts.Count, into bufs; what names
// them in the progress ("adaptive", "confirm").
func (p *Plan) adapt(ctx context.Context, what string, opts Options, units []unit, minTime time.Duration, bufs map[string]*bytes.Buffer, res *Result, prog Progress) (interrupted, fatal error) {
	a := opts.Adaptive
	maxRounds := a.MaxRounds
	if maxRounds <= 0 {
		maxRounds = 3 * opts.Count
	}
	budget := a.Budget
	if budget <= 0 {
		budget = minTime
	}
	deadline := time.Now().Add(budget)
	for round := opts.Count; round < maxRounds; round++ {
		snap := map[string][]byte{}
		for name, b := range bufs {
			snap[name] = b.Bytes()
		}
		undecided, err := a.Undecided(snap)
		if err != nil {
			return nil, fmt.Errorf("%s: extra rounds: %w", what, err)
		}
		if len(undecided) == 0 {
			prog.Note(fmt.Sprintf("%s: every verdict settled after %d rounds", what, round))
			return nil, nil
		}
		n := 0
		for _, names := range undecided {
			n += len(names)
		}
		if time.Now().After(deadline) {
			prog.Note(fmt.Sprintf("%s: budget of %s spent after %d rounds; %s left", what, budget.Round(time.Second), round, undecidedCount(n)))
			return nil, nil
		}
		sub := p.subset(units, undecided)
		prog.Note(fmt.Sprintf("%s: round %d for %s", what, round+1, undecidedCount(n)))
		prog.Start(p.roundSteps(sub, round, round+1))
		if interrupted, fatal = p.round(ctx, round, fmt.Sprintf("%s extra round %d", what, round+1), sub, bufs, res, prog); interrupted != nil || fatal != nil {
			return interrupted, fatal
		}
	}
	prog.Note(fmt.Sprintf("%s: stopped at the %d-round cap", what, maxRounds))
	return nil, nil
}

// Pattern is a -test.bench pattern that runs the top-level benchmarks of
// names (and all their sub-benchmarks).
func Pattern(names []string) string {
	var tops []string
	for _, n := range names {
		top, _, _ := strings.Cut(n, "/")
		if q := regexp.QuoteMeta(top); !slices.Contains(tops, q) {
			tops = append(tops, q)
		}
	}
	slices.Sort(tops)
	return "^(" + strings.Join(tops, "|") + ")$"
}

// undecidedCount is "1 undecided benchmark" or "n undecided benchmarks".
func undecidedCount(n int) string {
	if n == 1 {
		return "1 undecided benchmark"
	}
	return fmt.Sprintf("%d undecided benchmarks", n)
}
