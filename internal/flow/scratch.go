package flow

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/benchgate/benchgate/internal/lock"
	"github.com/benchgate/benchgate/internal/scratch"
)

// Start begins a flow: it checks the configuration and takes the results
// directory's lock; release it when the flow ends.
func (c *Config) Start(name string) (release func(), err error) {
	if err := c.validate(); err != nil {
		return nil, err
	}
	return c.lockResults(name)
}

// lockResults takes the results directory's lock for a flow, so that two
// runs never write one directory; a second run is told who holds it.
func (c *Config) lockResults(flow string) (release func(), err error) {
	if err := os.MkdirAll(c.ResultsDir, 0o755); err != nil {
		return nil, fmt.Errorf("creating the results directory %s: %w: set BENCH_RESULTS_DIR to a writable directory", c.ResultsDir, err)
	}
	l, err := lock.Acquire(filepath.Join(c.ResultsDir, ".lock"), flow)
	if errors.Is(err, lock.ErrHeld) {
		return nil, fmt.Errorf("%w: wait for that run, or give this one its own BENCH_RESULTS_DIR", err)
	}
	if err != nil {
		return nil, err
	}
	return func() { l.Release() }, nil
}

// keptBins returns the directory where this module's test binaries are
// built from run to run (scratch.KeptBins), or fallback.
func (c *Config) keptBins(fallback string) (dir string, release func()) {
	return scratch.KeptBins(c.TempDir, c.Dir, fallback)
}
