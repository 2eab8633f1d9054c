// Package historyflow runs the history's flows: recording a run of HEAD on
// the history branch (and in the database), backfilling the commits it
// lacks, finding change points and drift (the trend) and exporting the
// branch to PostgreSQL. It measures with flow's configuration and runner;
// history, changepoint, report and database decide and render.
package historyflow

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/benchgate/benchgate/internal/alert"
	"github.com/benchgate/benchgate/internal/exit"
	"github.com/benchgate/benchgate/internal/flow"
	"github.com/benchgate/benchgate/internal/gitref"
	"github.com/benchgate/benchgate/internal/history"
	"github.com/benchgate/benchgate/internal/lines"
	"github.com/benchgate/benchgate/internal/report"
	"github.com/benchgate/benchgate/internal/runner"
	"github.com/benchgate/benchgate/internal/verdict"
)

// Options configure Record, Backfill and Trend.
type Options struct {
	// Branch is the history branch (BENCH_HISTORY_BRANCH). Default
	// history.DefaultBranch.
	Branch string
	// Days is how long runs are kept (BENCH_HISTORY_DAYS). Default 365.
	Days int
	// Backfill is how many first-parent commits Backfill covers
	// (BENCH_BACKFILL). Default 20.
	Backfill int
	// RunID names a recorded run (GITHUB_RUN_ID). Default: a time stamp.
	RunID string
	// Trend are the detection settings. Default history.DefaultTrendOptions.
	Trend history.TrendOptions
	// AckFile lists the acknowledged change points, relative to the
	// repository root (BENCH_ACK_FILE). Default DefaultAckFile.
	AckFile string
	// DatabaseURL, when set, is a PostgreSQL database the history goes to
	// besides the branch (BENCH_DATABASE_URL): Record writes each run,
	// Trend its findings, Export the branch's runs. Default "".
	DatabaseURL string
	// FromDatabase makes Trend read the runs from DatabaseURL instead of
	// the branch (BENCH_HISTORY=database). Default false.
	FromDatabase bool
	// Repository is the repository's name in the database
	// (GITHUB_REPOSITORY). Default: the module path of Dir.
	Repository string
	// Alert, when it configures Slack or a GitHub token, sends each
	// unacknowledged worsening once: a GitHub issue per change point
	// (found again by its marker) and a Slack message. Default nil.
	Alert *flow.AlertOptions
}

// DefaultAckFile is where Trend reads acknowledgements.
const DefaultAckFile = ".benchgate-ack"

// DefaultOptions are the defaults of Options.
var DefaultOptions = Options{Branch: history.DefaultBranch, Days: 365, Backfill: 20, Trend: history.DefaultTrendOptions, AckFile: DefaultAckFile}

// The files Trend writes in ResultsDir.
const (
	TrendMarkdownFile = "trend.md"
	TrendHTMLFile     = "trend.html"
	recordFile        = "record.txt"
)

// ErrWorsened is wrapped by Trend's error when a worsening change point or
// drift is not acknowledged; it counts as a regression (exit status 1).
var ErrWorsened = fmt.Errorf("%w: the history has a worsening change point or drift", exit.ErrRegression)

// Record stores a run of the committed HEAD on the history branch: the
// current results when they were measured at HEAD on a clean working
// tree, else a fresh run of HEAD's tree. Runs older than Days are pruned.
func Record(ctx context.Context, cfg flow.Config, opts Options) error {
	unlock, repo, changes, err := startHistory(&cfg, "bench:record", 1)
	if err != nil {
		return err
	}
	defer unlock()
	head := changes[0].Commit
	head.Rev = "HEAD"
	// The current results (bench:regression's), or a run this target
	// made before (a retried CI push), when measured at HEAD.
	var set *verdict.Set
	for _, f := range []string{cfg.Path(flow.CurrentFile), cfg.Path(recordFile)} {
		if set = measuredAtClean(repo, f, head); set != nil {
			fmt.Fprintf(cfg.Stderr, "recording %s, measured at HEAD (%s)\n", f, head.Short())
			break
		}
	}
	if set == nil {
		fmt.Fprintf(cfg.Stderr, "benchmarking HEAD (%s) to record it\n", head.Short())
		results := cfg.Path(recordFile)
		if err := cfg.MeasureCommit(ctx, repo, head, results); err != nil {
			return err
		}
		if set, err = verdict.ReadFile(results); err != nil {
			return err
		}
	}
	h := newHistoryDB(&cfg, opts)
	defer h.close()
	return store(ctx, &cfg, repo, opts, changes[0], set, h)
}

// startHistory begins a history flow: it takes the results directory's
// lock, opens the repository of Dir and reads HEAD's first-parent line, n
// commits (0: all), newest first.
func startHistory(c *flow.Config, target string, n int) (unlock func(), repo *gitref.Repo, changes []gitref.Change, err error) {
	if unlock, err = c.Start(target); err != nil {
		return nil, nil, nil, err
	}
	defer func() {
		if err != nil {
			unlock()
		}
	}()
	if repo, err = gitref.Open(c.Dir); err != nil {
		return nil, nil, nil, err
	}
	head, err := repo.Resolve("HEAD")
	if err != nil {
		return nil, nil, nil, err
	}
	changes, err = repo.FirstParents(head, n)
	return unlock, repo, changes, err
}

// measuredAtClean returns the results in the file when they were measured
// at head and the working tree has no change (then they are HEAD's run),
// else nil.
func measuredAtClean(repo *gitref.Repo, results string, head gitref.Commit) *verdict.Set {
	set, err := verdict.ReadFile(results)
	if err != nil || set.Config["commit"] != head.Hash.String() {
		return nil
	}
	wt, err := repo.Repository().Worktree()
	if err != nil {
		return nil
	}
	if st, err := wt.Status(); err != nil || !st.IsClean() {
		return nil
	}
	return set
}

// store appends the run of the results set to the history (and to the
// database h, when not nil) and prunes old runs.
func store(ctx context.Context, c *flow.Config, repo *gitref.Repo, opts Options, ch gitref.Change, set *verdict.Set, h *historyDB) error {
	var cmp *verdict.Comparison
	if x, err := verdict.ReadComparison(c.Path(flow.ComparisonFile)); err == nil {
		cmp = x
	}
	run := history.FromResults(set, cmp)
	run.Commit, run.Date, run.ID = ch.Hash.String(), ch.When.UTC(), opts.RunID
	if !ch.Parent.IsZero() {
		run.Parent = ch.Parent.String()
	}
	st := history.Open(repo.Repository(), opts.Branch)
	p, err := st.Append(run)
	if err != nil {
		return fmt.Errorf("recording on %s: %w", st.Branch(), err)
	}
	fmt.Fprintf(c.Stderr, "recorded %s on %s: %s\n", ch.Short(), st.Branch(), p)
	if err := recordInDatabase(ctx, c, h, run); err != nil {
		return err
	}
	if opts.Days > 0 {
		n, err := st.Prune(time.Now().AddDate(0, 0, -opts.Days))
		if err != nil {
			return err
		}
		if n > 0 {
			fmt.Fprintf(c.Stderr, "pruned %d runs older than %d days\n", n, opts.Days)
		}
	}
	return nil
}

// Backfill records the last opts.Backfill first-parent commits of HEAD
// that the history lacks, oldest first, each materialized and benchmarked
// on its own. Each run is stored as soon as it is measured, so an
// interrupted backfill resumes where it stopped. A commit whose benchmarks
// do not build or run is skipped with a note.
func Backfill(ctx context.Context, cfg flow.Config, opts Options) error {
	unlock, repo, changes, err := startHistory(&cfg, "bench:backfill", opts.Backfill)
	if err != nil {
		return err
	}
	defer unlock()
	// Only which commits have a run matters here: the runs' metrics are
	// dropped as they are read.
	var runs []*history.Run
	st, err := eachBranchRun(ctx, &cfg, repo, opts.Branch, func(r *history.Run) { runs = append(runs, &history.Run{Commit: r.Commit}) })
	if err != nil {
		return err
	}
	byHash := map[string]gitref.Change{}
	commits := make([]string, len(changes))
	for i, ch := range changes {
		commits[i] = ch.Hash.String()
		byHash[commits[i]] = ch
	}
	todo := history.Unrecorded(commits, runs)
	fmt.Fprintf(cfg.Stderr, "backfill: %d of the last %d commits are not on %s yet\n", len(todo), len(changes), st.Branch())
	start := time.Now()
	var skipped, reasons []string
	for i, hash := range todo {
		ch := byHash[hash]
		eta := ""
		if i > 0 {
			eta = fmt.Sprintf(", about %s left", (time.Since(start) / time.Duration(i) * time.Duration(len(todo)-i)).Round(time.Second))
		}
		fmt.Fprintf(cfg.Stderr, "backfill [%d/%d] %s %s%s\n", i+1, len(todo), ch.Short(), ch.Subject, eta)
		out := cfg.Path(recordFile)
		err := cfg.MeasureCommit(ctx, repo, ch.Commit, out)
		if ctx.Err() != nil {
			return fmt.Errorf("backfill interrupted after %d of %d commits (run it again to resume): %w", i, len(todo), ctx.Err())
		}
		if err != nil && !errors.Is(err, runner.ErrBenchmarkFailed) {
			fmt.Fprintf(cfg.Stderr, "note: %s skipped: %v\n", ch.Short(), lines.First(err.Error(), 1))
			skipped = append(skipped, ch.Short())
			if r := lines.First(err.Error(), 1); !slices.Contains(reasons, r) {
				reasons = append(reasons, r)
			}
			continue
		}
		set, err := verdict.ReadFile(out)
		if err != nil {
			return err
		}
		if err := store(ctx, &cfg, repo, Options{Branch: opts.Branch, RunID: opts.RunID}, ch, set, nil); err != nil {
			return err
		}
	}
	if len(skipped) > 0 {
		fmt.Fprintf(cfg.Stderr, "backfill: skipped %s\n", strings.Join(skipped, ", "))
	}
	if len(todo) > 0 && len(skipped) == len(todo) {
		// Nothing it was asked to record was recorded: a trend after it
		// would have nothing new to say, and exit 0 would hide why.
		return fmt.Errorf("%w: backfill recorded none of the %d commits it was asked to: %s", exit.ErrNoVerdict, len(todo), lines.Capped(reasons, 3))
	}
	return nil
}

// Trend reads the history, finds change points and drift per benchmark
// metric, and writes changepoints.json, trend.md and trend.html. Its error
// wraps ErrWorsened when a worsening change point or drift is not
// acknowledged, and exit.ErrNoVerdict when the history is too short to tell.
func Trend(ctx context.Context, cfg flow.Config, opts Options) error {
	unlock, repo, changes, err := startHistory(&cfg, "bench:trend", 0)
	if err != nil {
		return err
	}
	defer unlock()
	order := map[string]int{}
	for i, ch := range changes {
		order[ch.Hash.String()] = len(changes) - 1 - i
	}
	h := newHistoryDB(&cfg, opts)
	defer h.close()
	// The runs are summarized as they are read: a long history is never
	// held whole (100,000 runs took 1.7 GB that way).
	a, runs := history.NewAnalysis(order), 0
	source, err := eachRun(ctx, &cfg, repo, opts, h, func(r *history.Run) {
		a.Add(r)
		runs++
	})
	if err != nil {
		return err
	}
	series, findings := a.Find(opts.Trend)
	acks, err := history.ReadAcks(filepath.Join(repo.Root(), opts.AckFile))
	if err != nil {
		return err
	}
	var open []string
	for _, f := range history.Acknowledge(findings, acks) {
		open = append(open, fmt.Sprintf("%s %s at %s (%+.1f%%)", f.Kind, f.Series.Name(), verdict.ShortCommit(f.FirstBad), f.ChangePct))
	}
	tr := &report.Trend{Generated: time.Now().UTC(), Branch: source, Runs: runs, Series: series, Findings: findings}
	if err := writeTrend(&cfg, tr); err != nil {
		return err
	}
	if err := h.saveFindings(ctx, findings); err != nil {
		return err
	}
	if err := alertFindings(ctx, &cfg, findings, opts.Alert); err != nil {
		return err
	}
	minRuns := opts.Trend.MinRuns()
	switch {
	case len(open) > 0:
		return fmt.Errorf("%w: %s (accept an intended one in %s)", ErrWorsened, strings.Join(open, "; "), opts.AckFile)
	case history.Longest(series) < minRuns:
		return fmt.Errorf("%w: %d runs of HEAD's history on %s, too few to find a change (at least %d): run bench:backfill", exit.ErrNoVerdict, history.Longest(series), source, minRuns)
	}
	return nil
}

// writeTrend publishes the trend: changepoints.json, trend.md and
// trend.html.
func writeTrend(c *flow.Config, tr *report.Trend) error {
	_, err := c.Publish(flow.Publication{
		JSON:     flow.Published{File: flow.ChangePointsFile, Write: func(w io.Writer) error { return report.TrendJSON(w, tr) }},
		Markdown: flow.Published{File: TrendMarkdownFile, Write: func(w io.Writer) error { return report.TrendMarkdown(w, tr) }},
		HTML:     flow.Published{File: TrendHTMLFile, Write: func(w io.Writer) error { return report.TrendHTML(w, tr) }},
	})
	return err
}

// alertFindings sends the unacknowledged worsenings to the configured
// channels, once each. Failures are printed; they fail the target only
// with Strict.
func alertFindings(ctx context.Context, c *flow.Config, findings []history.Finding, opts *flow.AlertOptions) error {
	if opts == nil || !opts.Configured() {
		return nil
	}
	var cps []alert.ChangePoint
	for _, f := range findings {
		if !f.Worse || f.Acknowledged {
			continue
		}
		name := f.Benchmark
		if f.Pkg != "" {
			name = f.Pkg + "." + name
		}
		cps = append(cps, alert.ChangePoint{Kind: f.Kind, Benchmark: name, Unit: f.Unit, LastGood: f.LastGood, FirstBad: f.FirstBad, Before: f.Before, After: f.After, ChangePct: f.ChangePct})
	}
	if len(cps) == 0 {
		return nil
	}
	err := alert.SendChangePoints(ctx, cps, opts.Config, c.Stdout)
	flow.AlertHint(c.Stdout, opts.Config)
	return opts.Outcome(err, "change-point alerts", "the verdict", flow.AlertStrictSetting, c.Stderr)
}
