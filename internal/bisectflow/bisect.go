// Package bisectflow runs bisection (bench:bisect): it finds the ends in
// the gate's results or takes them from the settings, measures each step
// with flow's configuration and runner (one commit against the good end,
// interleaved, steps kept for a second run), lets package bisect decide,
// writes the answer and names the culprit in the alert channels.
package bisectflow

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/benchgate/benchgate/internal/alert"
	"github.com/benchgate/benchgate/internal/bisect"
	"github.com/benchgate/benchgate/internal/flow"
	"github.com/benchgate/benchgate/internal/gitref"
	"github.com/benchgate/benchgate/internal/profile"
	"github.com/benchgate/benchgate/internal/report"
	"github.com/benchgate/benchgate/internal/runner"
	"github.com/benchgate/benchgate/internal/scratch"
)

// Options configure Bisect.
type Options struct {
	// Good and Bad are the ends of the search, git revisions (BENCH_GOOD,
	// BENCH_BAD), Good an ancestor of Bad on its first-parent line.
	// Default: the base and current commits of the last comparison
	// (comparison.json) when it regressed, else the range of the newest
	// open change point (changepoints.json); Bad alone defaults to HEAD.
	Good, Bad string
	// MinSharePct is the smallest part of the whole change, in percent,
	// a culprit carries (BENCH_BISECT_SHARE). Default 25.
	MinSharePct float64
	// Again is how many times a step that cannot decide measures its
	// commit again, each time BENCH_COUNT more rounds
	// (BENCH_BISECT_AGAIN). Default 2.
	Again int
	// Alert, when it configures Slack or a GitHub token, names the
	// culprit there: benchgate's open regression issue and the bad end's
	// change-point issue are edited in place, Slack gets a message.
	// Default nil.
	Alert *flow.AlertOptions
}

// DefaultOptions are Options' defaults.
var DefaultOptions = Options{MinSharePct: 25, Again: 2}

// The files Bisect writes in ResultsDir; the steps' measurements stay in
// BisectDir, so that a second run reuses them.
const (
	BisectFile         = "bisect.json"
	BisectMarkdownFile = "bisect.md"
	BisectDir          = "bisect"
)

// Bisect names the commits between the good and the bad end that made
// the regression: each step measures one commit against the good end,
// interleaved, with the gate's statistics (bisect.Run decides). It writes
// bisect.json and bisect.md and prints the answer; the steps' results are
// kept, and a second run with the same settings reuses them. The user's
// checkout, HEAD, index and refs are never touched. Its error means no
// answer (exit 2); an answer, culprit or none, is nil.
func Bisect(ctx context.Context, cfg flow.Config, o Options) error {
	unlock, err := cfg.Start("bench:bisect")
	if err != nil {
		return err
	}
	defer unlock()
	for _, f := range []string{BisectFile, BisectMarkdownFile} {
		if err := os.RemoveAll(cfg.Path(f)); err != nil {
			return fmt.Errorf("removing the previous bisection's %s: %w", f, err)
		}
	}
	repo, err := gitref.Open(cfg.Dir)
	if err != nil {
		return fmt.Errorf("%w: bisection searches the git history", err)
	}
	ends, err := chooseEnds(&cfg, repo, o)
	if err != nil {
		return err
	}
	line, err := bisectLine(repo, ends.good, ends.bad)
	if err != nil {
		return err
	}
	fmt.Fprintf(cfg.Stderr, "bisecting %d commits from good %s to bad %s (%s), benchmarks %s\n", len(line)-1, ends.good.Short(), ends.bad.Short(), ends.from, cfg.Run.Bench)
	tmp, release, err := scratch.New(cfg.TempDir)
	if err != nil {
		return err
	}
	defer release()
	m := newStepMeasurer(cfg, repo, ends.good, cfg.Path(BisectDir), tmp)
	res, err := bisect.Run(ctx, line, m, bisect.Options{MinShare: o.MinSharePct / 100, Again: o.Again, Log: cfg.Stderr})
	if err != nil {
		return fmt.Errorf("bisecting %s..%s: %w (finished steps are kept: run again to resume)", ends.good.Short(), ends.bad.Short(), err)
	}
	md, err := writeBisect(&cfg, res)
	if err != nil {
		return err
	}
	return alertCulprit(ctx, &cfg, res, md, o.Alert)
}

// alertCulprit sends the culprits (md, the answer as bisect.md has it) to
// the configured channels. Failures are printed; they fail the target only
// with Strict.
func alertCulprit(ctx context.Context, c *flow.Config, res *bisect.Result, md []byte, opts *flow.AlertOptions) error {
	if opts == nil || !opts.Configured() || len(res.Culprits) == 0 {
		return nil
	}
	err := alert.SendCulprit(ctx, alert.Culprit{Good: res.Good.Hash, Bad: res.Bad.Hash, Headline: res.Headline(), Markdown: string(md)}, opts.Config, c.Stdout)
	return opts.Outcome(err, "culprit alerts", "the answer", flow.AlertStrictSetting, c.Stderr)
}

// writeBisect publishes the answer (bisect.json, bisect.md, the text on
// stdout) and returns its Markdown.
func writeBisect(c *flow.Config, res *bisect.Result) ([]byte, error) {
	return c.Publish(flow.Publication{
		JSON:     flow.Published{File: BisectFile, Write: func(w io.Writer) error { return report.JSONValue(w, res) }},
		Markdown: flow.Published{File: BisectMarkdownFile, Write: func(w io.Writer) error { return bisect.Markdown(w, res) }},
		Text:     func(w io.Writer) error { return bisect.Text(w, res) },
	})
}

// forSteps is the configuration each step runs with: the gate's runner
// and statistics, without confirmation, profiles, shards or the affected
// check (a step is one comparison of two commits). A step measured again
// counts afresh (stepMeasurer.run).
func forSteps(c flow.Config) flow.Config {
	c.Confirm, c.Profile, c.Adaptive, c.Affected = false, profile.Off, false, false
	c.Shard = runner.Shard{}
	c.Stats = nil
	return c
}

// bisectLine is the first-parent line from good to bad, oldest first,
// good first.
func bisectLine(repo *gitref.Repo, good, bad gitref.Commit) ([]bisect.Commit, error) {
	changes, err := repo.FirstParents(bad, 0)
	if err != nil {
		return nil, err
	}
	var line []bisect.Commit
	for _, ch := range changes {
		line = append(line, bisect.Commit{Hash: ch.Hash.String(), Subject: ch.Subject, Author: ch.Author, Date: ch.When.UTC()})
		if ch.Hash == good.Hash {
			for i, j := 0, len(line)-1; i < j; i, j = i+1, j-1 {
				line[i], line[j] = line[j], line[i]
			}
			return line, nil
		}
	}
	return nil, fmt.Errorf("good %s (%s) is not on the first-parent line of bad %s (%s): set BENCH_GOOD to an ancestor of BENCH_BAD", good.Rev, good.Short(), bad.Rev, bad.Short())
}

// bisectEnds are a bisection's good and bad commits and where they come
// from.
type bisectEnds struct {
	good, bad gitref.Commit
	from      string
}

// chooseEnds chooses the ends: Good and Bad when set; else the last
// comparison's base and current when it regressed; else the newest open
// change point. Without BENCH_FILTER, the benchmarks followed are those
// that regressed there.
func chooseEnds(c *flow.Config, repo *gitref.Repo, o Options) (bisectEnds, error) {
	good, bad, names, from := o.Good, o.Bad, []string(nil), "BENCH_GOOD and BENCH_BAD"
	if good == "" {
		found, err := bisect.Found(c.Path(flow.ComparisonFile), c.Path(flow.ChangePointsFile))
		if err != nil {
			return bisectEnds{}, fmt.Errorf("%w: set BENCH_GOOD and BENCH_BAD", err)
		}
		good, bad, names, from = found.Good, found.Bad, found.Benchmarks, found.From
		if o.Bad != "" {
			bad = o.Bad
		}
	}
	if bad == "" {
		bad = "HEAD"
	}
	if c.Run.Bench == runner.DefaultOptions.Bench && len(names) > 0 {
		c.Run.Bench = runner.Pattern(names)
	}
	var e bisectEnds
	var err error
	if e.good, err = repo.Resolve(good); err != nil {
		return e, fmt.Errorf("BENCH_GOOD: %w", err)
	}
	if e.bad, err = repo.Resolve(bad); err != nil {
		return e, fmt.Errorf("BENCH_BAD: %w", err)
	}
	if e.good.Hash == e.bad.Hash {
		return e, fmt.Errorf("BENCH_GOOD and BENCH_BAD are the same commit %s: nothing to search", e.good.Short())
	}
	e.from = from
	return e, nil
}
