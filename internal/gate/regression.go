package gate

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/benchgate/benchgate/internal/gitref"
	"github.com/benchgate/benchgate/internal/runner"
	"github.com/benchgate/benchgate/internal/verdict"
)

// ErrRegression is wrapped by Regression's error when the comparison found
// a regression.
var ErrRegression = errors.New("performance regression")

// Regression benchmarks the base and the current tree, compares them and
// writes the reports. The base is, in order: Base, the saved baseline
// file, the merge base of HEAD and the main branch. It returns an error
// wrapping ErrRegression on a regression, and an error wrapping
// runner.ErrBenchmarkFailed when a benchmark failed (after comparing the
// rest).
func Regression(ctx context.Context, cfg Config) error {
	if err := cfg.validate(); err != nil {
		return err
	}
	if err := cfg.loadCalibration(); err != nil {
		return err
	}
	baseline := cfg.path(BaselineFile)
	_, statErr := os.Stat(baseline)
	haveBaseline := statErr == nil

	var basePath string
	var runErr error
	if cfg.Base == "" && haveBaseline {
		fmt.Fprintf(cfg.Stderr, "comparing with the saved baseline %s (set BENCH_BASE to compare with a git revision instead)\n", baseline)
		if cfg.Adaptive {
			fmt.Fprintf(cfg.Stderr, "note: adaptive sampling needs both sides in one run; against a saved baseline only the current side runs, so it runs exactly %d rounds (set BENCH_BASE to a git revision to use it)\n", cfg.Run.Count)
		}
		basePath = baseline
		runErr = cfg.run(ctx, cfg.path(CurrentFile), nil)
	} else {
		repo, err := gitref.Open(cfg.Dir)
		if err != nil {
			return err
		}
		base, err := cfg.baseCommit(repo)
		if err != nil {
			return err
		}
		fmt.Fprintf(cfg.Stderr, "comparing the working tree with %s (%s), interleaved on this machine\n", base.Rev, base.Short())
		basePath = cfg.path(BaseFile)
		runErr = cfg.run(ctx, cfg.path(CurrentFile), func(ctx context.Context, scratch string) (*runner.Tree, error) {
			return cfg.materializeBase(ctx, repo, base, scratch, basePath)
		})
	}
	if runErr != nil && !errors.Is(runErr, runner.ErrBenchmarkFailed) {
		return runErr
	}
	t := cfg.Verdict.Thresholds
	fmt.Fprintf(cfg.Stderr, "judging at thresholds throughput %g%%, latency %g%%, memory %g%% (alpha %g)\n", t.Throughput, t.Latency, t.Memory, cfg.Verdict.Alpha)
	cmp, err := cfg.compare(basePath, cfg.path(CurrentFile))
	if err != nil {
		return errors.Join(runErr, err)
	}
	if !haveBaseline {
		if err := copyFile(cfg.path(CurrentFile), baseline); err != nil {
			return errors.Join(runErr, err)
		}
		fmt.Fprintf(cfg.Stderr, "no baseline existed: saved the current results as %s\n", baseline)
	}
	if cmp.Regressed() {
		runErr = errors.Join(fmt.Errorf("%w: %d benchmark metrics regressed (see %s)", ErrRegression, cmp.Summary.RegressedRows, cfg.path(MarkdownFile)), runErr)
	}
	return runErr
}

// run runs the current tree, writing its results to out, and, when
// makeBase is not nil, the base tree it materializes, in a scratch
// directory that is removed afterwards whatever happens.
func (c *Config) run(ctx context.Context, out string, makeBase func(context.Context, string) (*runner.Tree, error)) (err error) {
	scratch, err := newScratch(c.TempDir)
	if err != nil {
		return err
	}
	defer os.RemoveAll(scratch)
	prog := runner.NewProgress(c.Stderr)
	trees := []*runner.Tree{}
	if makeBase != nil {
		base, err := makeBase(ctx, scratch)
		if err != nil {
			return err
		}
		trees = append(trees, base)
	}
	trees = append(trees, c.currentTree(out))
	suites, _ := c.suites()
	plan, err := runner.Prepare(ctx, trees, suites, filepath.Join(scratch, "bin"), prog)
	if err != nil {
		return err
	}
	for _, n := range plan.Notes {
		prog.Note("note: " + n)
	}
	opts := c.Run
	if len(trees) > 1 {
		opts.Adaptive = c.adaptive()
	}
	_, err = plan.Run(ctx, opts, prog)
	if err == nil || errors.Is(err, runner.ErrBenchmarkFailed) {
		prog.Note(plan.Stats.String())
	}
	return err
}

// compare compares two results files and writes comparison.json and
// report.md, prints the text report and appends the Markdown to the step
// summary when configured.
func (c *Config) compare(basePath, currentPath string) (*verdict.Comparison, error) {
	cmp, err := verdict.CompareFiles(basePath, currentPath, c.verdictOptions())
	if err != nil {
		return nil, err
	}
	return cmp, c.publish(cmp)
}
