package flow

import (
	"context"
	"errors"

	"github.com/benchgate/benchgate/internal/report"
	"github.com/benchgate/benchgate/internal/runner"
	"github.com/benchgate/benchgate/internal/verdict"
)

// QuickOptions are the runner settings of Quick: one short round.
var QuickOptions = runner.Options{Bench: ".", Time: "20ms", Count: 1}

// Quick runs the current tree once, briefly, writes quick.txt and prints a
// table of the results. It gives no verdict.
func Quick(ctx context.Context, cfg Config) error {
	unlock, err := cfg.Start("bench:quick")
	if err != nil {
		return err
	}
	defer unlock()
	out := cfg.Path(QuickFile)
	_, runErr := cfg.run(ctx, out, nil)
	if runErr != nil && !errors.Is(runErr, runner.ErrBenchmarkFailed) {
		return runErr
	}
	set, err := verdict.ReadFile(out)
	if err != nil {
		return errors.Join(runErr, err)
	}
	c, err := verdict.Describe(set, cfg.Verdict)
	if err != nil {
		return errors.Join(runErr, err)
	}
	return errors.Join(runErr, report.Results(cfg.Stdout, c))
}
