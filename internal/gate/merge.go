package gate

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"

	"github.com/benchgate/benchgate/internal/report"
	"github.com/benchgate/benchgate/internal/verdict"
)

// ShardsDir is where Merge looks for shard comparisons by default, under
// ResultsDir: CI downloads each shard's artifact into its own folder here.
const ShardsDir = "shards"

// Merge merges every comparison.json found under dir (default
// ResultsDir/shards) into one, then writes and prints the reports as
// Regression does. It returns an error wrapping ErrRegression when any
// shard regressed.
func Merge(cfg Config, dir string) error {
	if dir == "" {
		dir = cfg.path(ShardsDir)
	}
	var paths []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && d.Name() == ComparisonFile {
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("finding shard comparisons: %w", err)
	}
	if len(paths) == 0 {
		return fmt.Errorf("no %s under %s: download the shards' artifacts there, or set BENCH_SHARDS_DIR", ComparisonFile, dir)
	}
	slices.Sort(paths)
	var shards []*verdict.Comparison
	for _, p := range paths {
		c, err := report.ReadJSON(p)
		if err != nil {
			return err
		}
		shards = append(shards, c)
	}
	merged, err := verdict.Merge(shards...)
	if err != nil {
		return err
	}
	fmt.Fprintf(cfg.Stderr, "merged %d shard comparisons from %s\n", len(paths), dir)
	if err := cfg.publish(merged); err != nil {
		return err
	}
	if merged.Regressed() {
		return fmt.Errorf("%w: %d benchmark metrics regressed across %d shards (see %s)", ErrRegression, merged.Summary.RegressedRows, len(paths), cfg.path(MarkdownFile))
	}
	return nil
}
