package flow

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"

	"github.com/benchgate/benchgate/internal/runner"
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
// reports: no verdict. The error wraps ErrRegression or ErrMissing when a
// shard's comparison fails, and ErrNoVerdict when there are gaps and
// nothing failed.
func Merge(cfg Config, dir string) error {
	if dir == "" {
		dir = cfg.path(ShardsDir)
	}
	unlock, err := cfg.lockResults("bench:merge")
	if err != nil {
		return err
	}
	defer unlock()
	statuses, err := readStatuses(dir)
	if err != nil {
		return err
	}
	if cfg.Shards == 0 && len(cfg.Suites) == 0 {
		// No suite table (the benchgate command, BENCH_PACKAGES): the
		// shards' own records say how many there must be.
		cfg.Shards = recordedShards(statuses)
	}
	shards, gaps := cfg.readShards(statuses)
	var merged *verdict.Comparison
	if len(shards) == 0 {
		// Nothing to merge: the reports still name every gap.
		merged = verdict.Empty(cfg.verdictOptions())
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
	return outcomeError(merged, cfg.path(MarkdownFile), nil)
}

// A shardStatus is one shard's status.json, read once.
type shardStatus struct {
	path string
	st   RunStatus
	err  error
}

// readStatuses reads the status.json files under dir, in path order.
func readStatuses(dir string) ([]shardStatus, error) {
	var paths []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && d.Name() == StatusFile {
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("finding the shards: %w", err)
	}
	slices.Sort(paths)
	statuses := make([]shardStatus, len(paths))
	for i, p := range paths {
		st, err := readStatus(p)
		statuses[i] = shardStatus{path: p, st: st, err: err}
	}
	return statuses, nil
}

// readShards reads the comparison of each shard whose status says it
// compared, and names the gaps: shards that died, failed, are unreadable,
// foreign or twice there, and the expected ones (the suites, or 1/N..N/N
// with cfg.Shards) that are absent.
func (cfg *Config) readShards(statuses []shardStatus) (shards []*verdict.Comparison, gaps []string) {
	covered := map[string]bool{}
	for _, ss := range statuses {
		p, st := ss.path, ss.st
		if ss.err != nil {
			gaps = append(gaps, fmt.Sprintf("shard %s: %v", filepath.Dir(p), ss.err))
			continue
		}
		name := strings.Join(st.Suites, ",")
		for _, s := range st.Suites {
			covered[s] = true
		}
		if cfg.Shards > 0 {
			if gap := shardGap(st.Shard, cfg.Shards, covered); gap != "" {
				gaps = append(gaps, fmt.Sprintf("%s (%s)", gap, filepath.Dir(p)))
				continue
			}
			name = st.Shard
		}
		switch {
		case st.State == StateRunning:
			gaps = append(gaps, fmt.Sprintf("shard %s died before it finished (killed, timed out or out of memory)", name))
			continue
		case st.State == StateError:
			gaps = append(gaps, fmt.Sprintf("shard %s failed: %s", name, st.Error))
		}
		if !st.Compared {
			continue
		}
		c, err := verdict.ReadComparison(filepath.Join(filepath.Dir(p), ComparisonFile))
		if err != nil {
			gaps = append(gaps, fmt.Sprintf("shard %s: %v", name, err))
			continue
		}
		shards = append(shards, c)
	}
	expected := suiteNamesOf(cfg.Suites)
	if cfg.Shards > 0 {
		expected = nil
		for i := 1; i <= cfg.Shards; i++ {
			expected = append(expected, runner.Shard{Index: i, Total: cfg.Shards}.String())
		}
	}
	for _, name := range expected {
		if !covered[name] {
			gaps = append(gaps, fmt.Sprintf("shard %s is absent: its job left no %s (it failed before starting, timed out or was cancelled)", name, StatusFile))
		}
	}
	return shards, gaps
}

// shardGap checks the shard a status file records against the shards
// expected (1/total to total/total) and marks it covered; it says what is
// wrong with it, "" when nothing is.
func shardGap(recorded string, total int, covered map[string]bool) string {
	sh, err := runner.ParseShard(recorded)
	switch {
	case recorded == "":
		return fmt.Sprintf("a result that records no shard, where %d shards are expected", total)
	case err != nil || sh.Total != total:
		return fmt.Sprintf("a result of shard %q, where shards of %d are expected", recorded, total)
	case covered[recorded]:
		return fmt.Sprintf("shard %s appears twice", recorded)
	}
	covered[recorded] = true
	return ""
}

func suiteNamesOf(suites []Suite) []string {
	names := make([]string, len(suites))
	for i, s := range suites {
		names[i] = s.Name
	}
	return names
}

// recordedShards is the N of the "i/N" shards the status files record,
// 0 when none records one. Files that disagree are caught by shardGap.
func recordedShards(statuses []shardStatus) int {
	for _, ss := range statuses {
		if sh, err := runner.ParseShard(ss.st.Shard); ss.err == nil && err == nil {
			return sh.Total
		}
	}
	return 0
}
