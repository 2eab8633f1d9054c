// Package exit decides benchgate's exit statuses, for every front door
// (the Mage targets, the benchgate and benchcmp commands) and every flow:
// 0 passed with complete evidence, 1 a regression or a missing benchmark,
// 2 no verdict (anything else: bad input, a gap, a failed measurement).
// The numbers are verdict's Outcome; this package maps errors to them.
package exit

import (
	"errors"

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

// Code is the exit status of a flow that returned err: 0 passed with
// complete evidence, 1 a regression or a missing benchmark (a definite
// failure wins over gaps in the rest), 2 no verdict (any other error).
// An error made by With keeps the outcome it was given.
func Code(err error) int {
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

// Wrap returns err as an error whose ExitStatus method gives Code(err),
// which is how mage chooses its exit status; nil stays nil.
func Wrap(err error) error {
	return With(err, verdict.Outcome(Code(err)))
}

// With returns err with the exit status of outcome o, decided elsewhere
// (a comparison's Outcome): Code reads it back. nil stays nil.
func With(err error, o verdict.Outcome) error {
	if err == nil {
		return nil
	}
	return &exitError{err: err, code: int(o)}
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
