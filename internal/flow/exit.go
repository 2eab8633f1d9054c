package flow

import (
	"errors"
	"fmt"
	"strings"

	"github.com/benchgate/benchgate/internal/lines"
	"github.com/benchgate/benchgate/internal/verdict"
)

// The errors a flow wraps when it has a verdict. Every other error means
// no verdict.
var (
	// ErrRegression: a benchmark metric regressed.
	ErrRegression = errors.New("performance regression")
	// ErrMissing: a benchmark of the base is missing on the current side
	// and BENCH_ALLOW_MISSING does not name it.
	ErrMissing = errors.New("benchmarks missing on the current side")
	// ErrNoVerdict: nothing failed, but the evidence is incomplete (a
	// benchmark failed, a shard is absent).
	ErrNoVerdict = errors.New("no verdict: the evidence is incomplete")
)

// ExitCode is the exit status of a flow that returned err: 0 passed with
// complete evidence, 1 a regression or a missing benchmark (a definite
// failure wins over gaps in the rest), 2 no verdict (any other error).
func ExitCode(err error) int {
	var decided *exitError
	switch {
	case errors.As(err, &decided):
		return decided.code
	case err == nil:
		return int(verdict.Pass)
	case errors.Is(err, ErrRegression), errors.Is(err, ErrMissing):
		return int(verdict.Fail)
	}
	return int(verdict.NoVerdict)
}

// Exit returns err as an error whose ExitStatus method gives ExitCode(err),
// which is how mage chooses its exit status; nil stays nil.
func Exit(err error) error {
	if err == nil {
		return nil
	}
	return &exitError{err: err, code: ExitCode(err)}
}

type exitError struct {
	err  error
	code int
}

// Error is the error's text, printable (see lines.Printable): it quotes
// names from measured code and stored history.
func (e *exitError) Error() string   { return lines.Printable(e.err.Error()) }
func (e *exitError) Unwrap() error   { return e.err }
func (e *exitError) ExitStatus() int { return e.code }

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
	return &exitError{err: err, code: int(code)}
}

// outcomeFacts joins what the comparison found with runErr.
func outcomeFacts(c *verdict.Comparison, mdPath string, runErr error) error {
	var errs []error
	if n := c.Summary.RegressedRows; n > 0 {
		errs = append(errs, fmt.Errorf("%w: %d benchmark metrics regressed (see %s)", ErrRegression, n, mdPath))
	}
	if m := c.MissingBenchmarks(); len(m) > 0 {
		errs = append(errs, fmt.Errorf("%w: %s (set BENCH_ALLOW_MISSING to a regexp naming them if they are meant to go)", ErrMissing, strings.Join(m, ", ")))
	}
	if runErr == nil && len(c.Gaps) > 0 {
		errs = append(errs, fmt.Errorf("%w: %s", ErrNoVerdict, strings.Join(c.Gaps, "; ")))
	}
	return errors.Join(append(errs, runErr)...)
}
