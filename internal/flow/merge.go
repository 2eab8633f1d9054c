package flow

import (
	"fmt"
	"slices"

	"github.com/benchgate/benchgate/internal/status"
	"github.com/benchgate/benchgate/internal/suite"
	"github.com/benchgate/benchgate/internal/verdict"
)

// ShardsDir is where Merge looks for shard results by default, under
// ResultsDir: CI downloads each shard's artifact into its own folder here.
const ShardsDir = "shards"

// Merge merges the shards under dir (default ResultsDir/shards) into one
// comparison, then writes and prints the reports as Regression does. It
// expects one shard per suite of cfg.Suites, each a folder with the
// status.json and comparison.json that Regression writes. A suite without
// a shard, or whose shard ended in an error or died, is a gap named in the
// reports: no verdict. Each shard's rows are judged again from their
// samples (verdict.Rejudge) with cfg's thresholds. The error wraps exit.ErrRegression or exit.ErrMissing when a
// shard's comparison fails, and exit.ErrNoVerdict when there are gaps and
// nothing failed.
func Merge(cfg Config, dir string) error {
	if dir == "" {
		dir = cfg.Path(ShardsDir)
	}
	unlock, err := cfg.lockResults("bench:merge")
	if err != nil {
		return err
	}
	defer unlock()
	shards, gaps, err := status.Collect(dir, ComparisonFile, status.Expected{Suites: suite.Names(cfg.Suites), Total: cfg.Shards})
	if err != nil {
		return err
	}
	// Nothing a shard says about itself is trusted: each is judged
	// again from its samples with the thresholds in force here.
	for i, sh := range shards {
		opts := cfg.VerdictOptions()
		// A shard measured with the caller's suite table (the Mage
		// targets) judged each suite at its own thresholds; the table
		// is the caller's code, which the change under test controls
		// either way, so its overrides apply here too (the merged
		// report's settings list them).
		opts.Overrides = append(opts.Overrides, sh.Settings.Overrides...)
		if shards[i], err = verdict.Rejudge(sh, opts); err != nil {
			return fmt.Errorf("judging shard %d again: %w", i+1, err)
		}
	}
	var merged *verdict.Comparison
	if len(shards) == 0 {
		// Nothing to merge: the reports still name every gap.
		merged = verdict.Empty(cfg.VerdictOptions())
		gaps = append(gaps, fmt.Sprintf("no shard comparison under %s: download the shards' artifacts there, or set BENCH_SHARDS_DIR", dir))
	} else if merged, err = verdict.Merge(shards...); err != nil {
		return err
	}
	// A failed shard's own gaps are already in its comparison.
	for _, g := range gaps {
		if !slices.Contains(merged.Gaps, g) {
			merged.Gaps = append(merged.Gaps, g)
		}
	}
	fmt.Fprintf(cfg.Stderr, "merged %d shard comparisons from %s\n", len(shards), dir)
	if err := cfg.publish(merged); err != nil {
		return err
	}
	return outcomeError(merged, cfg.Path(MarkdownFile), nil)
}
