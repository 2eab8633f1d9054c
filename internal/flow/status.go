package flow

import (
	"errors"
	"fmt"
	"os"

	"github.com/benchgate/benchgate/internal/exit"
	"github.com/benchgate/benchgate/internal/status"
	"github.com/benchgate/benchgate/internal/suite"
)

// suiteNames names the suites the run measures.
func (c *Config) suiteNames() []string {
	if len(c.Packages) > 0 {
		return []string{suite.Custom}
	}
	return suite.Names(c.Suites)
}

// startStatus writes status.json saying the run is under way, and removes
// the comparison a previous run left, so that nothing stale can pass for
// this run's result.
func (c *Config) startStatus() error {
	if err := status.Write(c.Path(status.File), status.Status{Suites: c.suiteNames(), State: status.Running, Shard: c.Shard.String()}); err != nil {
		return fmt.Errorf("%w: check that BENCH_RESULTS_DIR is writable", err)
	}
	if err := os.Remove(c.Path(ComparisonFile)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("removing the previous comparison: %w", err)
	}
	return nil
}

// endStatus records how the run ended.
func (c *Config) endStatus(err error) {
	code := exit.Code(err)
	st := status.Status{Suites: c.suiteNames(), State: status.StateOf(code), Exit: code, Shard: c.Shard.String()}
	if err != nil {
		st.Error = err.Error()
	}
	_, statErr := os.Stat(c.Path(ComparisonFile))
	st.Compared = statErr == nil
	if werr := status.Write(c.Path(status.File), st); werr != nil {
		fmt.Fprintf(c.Stderr, "warning: %v\n", werr)
	}
}
