package flow

import (
	"errors"
	"fmt"
	"strings"

	"github.com/benchgate/benchgate/internal/exit"
	"github.com/benchgate/benchgate/internal/verdict"
)

// outcomeError is the error a flow returns for a comparison's outcome,
// joined with runErr (what went wrong while measuring, if anything).
// It names every fact: what regressed, what is missing, the gaps; its
// exit status is the comparison's Outcome, the one gate decision (a
// measuring error turns a pass into no verdict; a failure stays one).
func outcomeError(c *verdict.Comparison, mdPath string, runErr error) error {
	err := outcomeFacts(c, mdPath, runErr)
	if err == nil {
		return nil
	}
	code := c.Outcome()
	if code == verdict.Pass && runErr != nil {
		code = verdict.NoVerdict
	}
	return exit.With(err, code)
}

// outcomeFacts joins what the comparison found with runErr.
func outcomeFacts(c *verdict.Comparison, mdPath string, runErr error) error {
	var errs []error
	if n := c.Summary.RegressedRows; n > 0 {
		errs = append(errs, fmt.Errorf("%w: %d benchmark metrics regressed (see %s)", exit.ErrRegression, n, mdPath))
	}
	if m := c.MissingBenchmarks(); len(m) > 0 {
		errs = append(errs, fmt.Errorf("%w: %s (set BENCH_ALLOW_MISSING to a regexp naming them if they are meant to go)", exit.ErrMissing, strings.Join(m, ", ")))
	}
	if runErr == nil && len(c.Gaps) > 0 {
		errs = append(errs, fmt.Errorf("%w: %s", exit.ErrNoVerdict, strings.Join(c.Gaps, "; ")))
	}
	return errors.Join(append(errs, runErr)...)
}
