package flow

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/benchgate/benchgate/internal/annotate"
	"github.com/benchgate/benchgate/internal/counter"
	"github.com/benchgate/benchgate/internal/gitref"
	"github.com/benchgate/benchgate/internal/profile"
	"github.com/benchgate/benchgate/internal/quarantine"
	"github.com/benchgate/benchgate/internal/runner"
	"github.com/benchgate/benchgate/internal/scratch"
	"github.com/benchgate/benchgate/internal/verdict"
)

// FileBasePrefix marks a Base that names a saved results file instead of
// a git revision: "file:benchmark_results/baseline.txt".
const FileBasePrefix = "file:"

// Regression benchmarks the base and the current tree, compares them and
// writes the reports. The base is Base: a git revision, measured
// interleaved with the current tree, or a saved results file
// ("file:path"); when Base is empty, the merge base of HEAD and the main
// branch. It writes status.json at the start and the end, and never
// writes the saved baseline. Its error wraps exit.ErrRegression or exit.ErrMissing
// on a failing comparison and anything else when there is no verdict
// (exit.Code maps it).
func Regression(ctx context.Context, cfg Config) (err error) {
	unlock, err := cfg.Start("bench:regression")
	if err != nil {
		return err
	}
	defer unlock()
	if err := cfg.startStatus(); err != nil {
		return err
	}
	defer func() { cfg.endStatus(err) }()
	// The previous run's verdict goes before this one is measured: after
	// a failure or Ctrl-C nobody must read it as this run's.
	for _, f := range []string{ProfilesDir, ComparisonFile, MarkdownFile, HTMLFile} {
		if err := os.RemoveAll(cfg.Path(f)); err != nil {
			return fmt.Errorf("removing the previous run's %s: %w", f, err)
		}
	}
	if err := cfg.loadCalibration(); err != nil {
		return err
	}
	basePath, res, runErr, err := cfg.measureBoth(ctx)
	if err != nil {
		return err
	}
	if runErr != nil && !errors.Is(runErr, runner.ErrBenchmarkFailed) {
		return runErr
	}
	judged := verdict.Empty(cfg.VerdictOptions()).Settings
	judged.Counted = cfg.Measure.Counts()
	judged.Cycles = cfg.Measure == MeasureCycles
	fmt.Fprintf(cfg.Stderr, "judging at thresholds %s\n", judged)
	var cmp *verdict.Comparison
	if res != nil && res.Measured == 0 && len(res.Unaffected) > 0 {
		fmt.Fprintf(cfg.Stderr, "the change reaches none of the %d packages: nothing to measure\n", len(res.Unaffected))
		cmp = verdict.Empty(cfg.VerdictOptions())
	} else if cmp, err = verdict.CompareFiles(basePath, cfg.Path(CurrentFile), cfg.VerdictOptions()); err != nil {
		return errors.Join(runErr, err)
	}
	if res != nil {
		cmp.NotAffected = res.Unaffected
	}
	// As the run read it (RunTrees).
	cmp.Quarantined = cfg.quarantined
	cmp.Warnings = append(cmp.Warnings, quarantine.Warnings(cfg.quarantined, cfg.Quarantine)...)
	if err := cfg.applyConfirmation(cmp, basePath, cfg.Path(CurrentFile)); err != nil {
		return errors.Join(runErr, err)
	}
	if res != nil {
		// What failed decides per benchmark: broken on both sides is
		// listed, not judged; on the current side only, a gap.
		cmp.Account(res.Fails)
		if errors.Is(runErr, runner.ErrBenchmarkFailed) {
			runErr = nil
		}
		if cmp.Profiles, err = profile.DiffAll(res.Profiles, TopFunctions); err != nil {
			return errors.Join(runErr, err)
		}
	}
	if err := cfg.publish(cmp); err != nil {
		return errors.Join(runErr, err)
	}
	if cfg.Annotate {
		opts := annotate.Options{ModuleDir: cfg.Dir}
		if repo, err := gitref.Open(cfg.Dir); err == nil {
			opts.RepoRoot = repo.Root()
		}
		if abs, err := filepath.Abs(cfg.Dir); err == nil {
			opts.ModuleDir = abs
		}
		if err := annotate.Write(cfg.Stdout, cmp, opts); err != nil {
			return errors.Join(runErr, err)
		}
	}
	return outcomeError(cmp, cfg.Path(MarkdownFile), runErr)
}

// measureBoth measures the current side and, against a git revision, the
// base interleaved with it (against a saved file, only the current side).
// It returns the base results' path, what the run gave and its error;
// err is for a base that cannot be used.
func (cfg *Config) measureBoth(ctx context.Context) (basePath string, res *runner.Result, runErr, err error) {
	if file, ok := strings.CutPrefix(cfg.Base, FileBasePrefix); ok {
		if _, err := os.Stat(file); err != nil {
			return "", nil, nil, fmt.Errorf("BENCH_BASE=%s: %w: save a baseline with bench:saveBaseline, or set BENCH_BASE to a git revision", cfg.Base, err)
		}
		// Read before anything is built: a bad file is found in a
		// second, not after the current side was benchmarked.
		if _, err := verdict.ReadFile(file); err != nil {
			return "", nil, nil, fmt.Errorf("BENCH_BASE=%s: %w: name a results file written by bench:saveBaseline or go test -bench", cfg.Base, err)
		}
		fmt.Fprintf(cfg.Stderr, "comparing with the saved results %s, measured at another time: only the current side runs\n", file)
		if cfg.Adaptive {
			fmt.Fprintf(cfg.Stderr, "note: adaptive sampling needs both sides in one run; against a saved results file only the current side runs, so it runs exactly %d rounds (set BENCH_BASE to a git revision to use it)\n", cfg.Run.Count)
		}
		if cfg.Affected {
			fmt.Fprintln(cfg.Stderr, "note: BENCH_AFFECTED compares the two sides' builds; against a saved results file there is no base build, so every package runs")
		}
		if cfg.Confirm {
			fmt.Fprintln(cfg.Stderr, "note: confirmation needs both sides in one run; against a saved results file nothing is measured again, so a regression counts unconfirmed (set BENCH_BASE to a git revision to confirm)")
		}
		basePath = file
		res, runErr = cfg.run(ctx, cfg.Path(CurrentFile), nil)
	} else {
		if _, err := os.Stat(cfg.Path(BaselineFile)); err == nil && cfg.Base == "" {
			fmt.Fprintf(cfg.Stderr, "note: %s is not used unless asked for: BENCH_BASE=%s%s\n", cfg.Path(BaselineFile), FileBasePrefix, cfg.Path(BaselineFile))
		}
		repo, err := gitref.Open(cfg.Dir)
		if err != nil {
			return "", nil, nil, fmt.Errorf("%w: benchmark a git checkout, or compare with a saved results file (BENCH_BASE=%spath)", err, FileBasePrefix)
		}
		base, err := cfg.baseCommit(repo)
		if err != nil {
			return "", nil, nil, err
		}
		fmt.Fprintf(cfg.Stderr, "comparing the working tree with %s (%s), interleaved on this machine\n", base.Rev, base.Short())
		basePath = cfg.Path(BaseFile)
		res, runErr = cfg.run(ctx, cfg.Path(CurrentFile), func(ctx context.Context, scratch string) (*runner.Tree, error) {
			return cfg.MaterializeBase(ctx, repo, base, scratch, basePath)
		})
	}
	return basePath, res, runErr, nil
}

// run runs the current tree, writing its results to out, and, when
// makeBase is not nil, the base tree it materializes, in a scratch
// directory that is removed afterwards whatever happens. Its error wraps
// runner.ErrBenchmarkFailed when only some benchmarks failed; the result
// then names them.
func (c *Config) run(ctx context.Context, out string, makeBase func(context.Context, string) (*runner.Tree, error)) (*runner.Result, error) {
	return c.RunTrees(ctx, func(ctx context.Context, scratch string) ([]*runner.Tree, error) {
		var trees []*runner.Tree
		if makeBase != nil {
			base, err := makeBase(ctx, scratch)
			if err != nil {
				return nil, err
			}
			trees = append(trees, base)
		}
		return append(trees, c.currentTree(out)), nil
	})
}

// RunTrees runs the trees makeTrees returns (writing into the scratch
// directory it is given, removed afterwards whatever happens).
func (c *Config) RunTrees(ctx context.Context, makeTrees func(context.Context, string) ([]*runner.Tree, error)) (res *runner.Result, err error) {
	if c.Deadline > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.Deadline)
		defer cancel()
		defer func() {
			if errors.Is(err, context.DeadlineExceeded) {
				err = fmt.Errorf("the run took longer than its deadline of %s (BENCH_DEADLINE): %w", c.Deadline, err)
			}
		}()
	}
	// The quarantine file is read, and the counter found, before
	// anything is materialized or built: a bad line or a machine without
	// a counter is told so at once.
	entries, err := c.Quarantined()
	if err != nil {
		return nil, err
	}
	c.quarantined = entries
	var cnt counter.Counter
	if c.Measure.Counts() {
		if strings.HasSuffix(c.Run.Time, "x") {
			return nil, fmt.Errorf("BENCH_MEASURE=%s needs BENCH_TIME as a duration such as 100ms, not %s: the pilot chooses each benchmark's counted iterations", c.Measure, c.Run.Time)
		}
		kind := c.Counter
		if c.Measure == MeasureCycles && kind == counter.Auto {
			kind = counter.Cachegrind // the cache is simulated, never counted by hardware
		}
		if cnt, err = counter.Detect(kind); err != nil {
			return nil, fmt.Errorf("BENCH_MEASURE=%s: %w", c.Measure, err)
		}
		if c.Measure == MeasureCycles {
			if cnt, err = counter.WithCache(cnt); err != nil {
				return nil, fmt.Errorf("BENCH_MEASURE=%s: %w (BENCH_COUNTER=cachegrind, with valgrind installed)", c.Measure, err)
			}
		}
	}
	tmp, release, err := scratch.New(c.TempDir)
	if err != nil {
		return nil, err
	}
	defer release()
	prog := runner.NewProgress(c.Stderr)
	materializing := time.Now()
	trees, err := makeTrees(ctx, tmp)
	if err != nil {
		return nil, err
	}
	wrote := time.Since(materializing)
	for _, tr := range trees {
		// The marks also start each timed benchmark at its count (its
		// setup paid once per run); an explicit cachegrind counts a
		// process per benchmark, without them.
		tr.Strip, tr.Marks = cnt != nil, c.Counter != counter.Cachegrind
	}
	suites, _ := c.RunnerSuites()
	bins, releaseBins := c.keptBins(filepath.Join(tmp, "bin"))
	defer releaseBins()
	plan, err := runner.PrepareWith(ctx, trees, suites, bins, runner.Selection{Shard: c.Shard, Affected: c.Affected && len(trees) == 2, Ignore: c.ignored()}, prog)
	if errors.Is(err, runner.ErrNoPackages) {
		return nil, fmt.Errorf("%w: check BENCH_SUITES and BENCH_PACKAGES", err)
	}
	if err != nil {
		return nil, err
	}
	for _, n := range plan.Notes {
		prog.Note("note: " + n)
	}
	opts := c.Run
	opts.Skip = quarantine.Skip(entries, c.Run.Skip)
	if n := len(entries); n > 0 {
		gone := quarantine.Expired(entries)
		prog.Note(fmt.Sprintf("%s: %d quarantined (not run, not gated), %d expired (gated again)", c.Quarantine, n-gone, gone))
	}
	opts.Counter, opts.NoTime, opts.CountRounds, opts.Recount = cnt, c.Measure.NoTime(), c.CountRounds, c.Recount
	if cnt != nil {
		prog.Note(fmt.Sprintf("counting instructions with %s in %d rounds, both sides at once", plan.Counting(cnt).Name(), c.CountRounds))
	}
	if len(trees) > 1 {
		if !opts.NoTime {
			opts.Adaptive = c.adaptive()
		}
		opts.Confirm = c.confirmation()
		opts.Profile = c.profiling()
	}
	res, err = plan.Run(ctx, opts, prog)
	plan.Stats.Materialize = wrote
	plan.Stats.Total += wrote
	if errors.Is(err, runner.ErrNoMatch) {
		err = fmt.Errorf("BENCH_FILTER=%q: %w", c.Run.Bench, err)
	}
	if err == nil || errors.Is(err, runner.ErrBenchmarkFailed) {
		prog.Note(plan.Stats.String())
	}
	if c.Stats != nil {
		*c.Stats = plan.Stats
	}
	return res, err
}

// ignored are the directories a run writes into that may lie in a
// package directory: the results directory, absolute.
func (c *Config) ignored() []string {
	if abs, err := filepath.Abs(c.ResultsDir); err == nil {
		return []string{abs}
	}
	return nil
}
