package flow

import (
	"errors"
	"fmt"
	"os"

	"github.com/benchgate/benchgate/internal/runner"
	"github.com/benchgate/benchgate/internal/verdict"
)

// confirmation returns the runner's confirmation rounds, choosing the
// benchmarks with a regression or improvement after the main rounds; nil
// when switched off.
func (c *Config) confirmation() *runner.Confirm {
	if !c.Confirm {
		return nil
	}
	return &runner.Confirm{Count: c.ConfirmCount, Select: func(results map[string][]byte) (map[string][]string, error) {
		return c.benchmarksWhere(results, verdict.NeedsConfirmation)
	}}
}

// applyConfirmation compares the confirmation rounds' results, when the
// run wrote them, and applies them to cmp: a regression or improvement
// they do not reproduce becomes undecided.
func (c *Config) applyConfirmation(cmp *verdict.Comparison, basePath, currentPath string) error {
	bc, cc := runner.ConfirmFile(basePath), runner.ConfirmFile(currentPath)
	if _, err := os.Stat(cc); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	fresh, err := verdict.CompareFiles(bc, cc, c.VerdictOptions())
	if err != nil {
		return fmt.Errorf("comparing the confirmation rounds: %w", err)
	}
	verdict.Confirm(cmp, fresh)
	n, kept := cmp.Confirmations()
	msg := fmt.Sprintf("confirmation: %d of %d findings reproduced in fresh rounds", kept, n)
	if kept < n {
		msg += "; the others are undecided (did not reproduce)"
	}
	fmt.Fprintln(c.Stderr, msg)
	return nil
}
