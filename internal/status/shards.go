package status

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

// Expected says which shards a merge expects: Total shards 1/Total to
// Total/Total when Total is set, else one per suite of Suites. With
// neither, the number the shards' own records give.
type Expected struct {
	Suites []string
	Total  int
}

// A record is one shard's status file, read once.
type record struct {
	path string
	st   Status
	err  error
}

// Collect reads the status files under dir and the comparison
// (comparisonFile, beside it) of each shard whose status says it
// compared, and names the gaps: shards that died, failed, are unreadable,
// foreign or twice there, and the expected ones that are absent.
func Collect(dir, comparisonFile string, want Expected) (shards []*verdict.Comparison, gaps []string, err error) {
	records, err := readAll(dir)
	if err != nil {
		return nil, nil, err
	}
	if want.Total == 0 && len(want.Suites) == 0 {
		want.Total = recordedTotal(records)
	}
	covered := map[string]bool{}
	for _, r := range records {
		c, g := r.comparison(comparisonFile, want.Total, covered)
		gaps = append(gaps, g...)
		if c != nil {
			shards = append(shards, c)
		}
	}
	expected := want.Suites
	if want.Total > 0 {
		expected = nil
		for i := 1; i <= want.Total; i++ {
			expected = append(expected, runner.Shard{Index: i, Total: want.Total}.String())
		}
	}
	for _, name := range expected {
		if !covered[name] {
			gaps = append(gaps, fmt.Sprintf("shard %s is absent: its job left no %s (it failed before starting, timed out or was cancelled)", name, File))
		}
	}
	return shards, gaps, nil
}

// comparison is the record's comparison, if it compared, and what is
// wrong with it; it marks what it covers.
func (r record) comparison(comparisonFile string, total int, covered map[string]bool) (*verdict.Comparison, []string) {
	if r.err != nil {
		return nil, []string{fmt.Sprintf("shard %s: %v", filepath.Dir(r.path), r.err)}
	}
	st := r.st
	name := strings.Join(st.Suites, ",")
	if total == 0 {
		for _, s := range st.Suites {
			if covered[s] {
				return nil, []string{fmt.Sprintf("shard %s (%s) claims suite %s, which another shard already covered: a duplicate is not merged", name, filepath.Dir(r.path), s)}
			}
		}
	}
	for _, s := range st.Suites {
		covered[s] = true
	}
	if total > 0 {
		if gap := shardGap(st.Shard, total, covered); gap != "" {
			return nil, []string{fmt.Sprintf("%s (%s)", gap, filepath.Dir(r.path))}
		}
		name = st.Shard
	}
	var gaps []string
	switch st.State {
	case Running:
		return nil, []string{fmt.Sprintf("shard %s died before it finished (killed, timed out or out of memory)", name)}
	case Error:
		gaps = append(gaps, fmt.Sprintf("shard %s failed: %s", name, st.Error))
	}
	if !st.Compared {
		if st.State != Error {
			gaps = append(gaps, fmt.Sprintf("shard %s says it ended %s but left no comparison: no evidence", name, st.State))
		}
		return nil, gaps
	}
	c, err := verdict.ReadComparison(filepath.Join(filepath.Dir(r.path), comparisonFile))
	if err != nil {
		return nil, append(gaps, fmt.Sprintf("shard %s: %v", name, err))
	}
	return c, gaps
}

// readAll reads the status files under dir, in path order.
func readAll(dir string) ([]record, error) {
	var paths []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && d.Name() == File {
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("finding the shards: %w", err)
	}
	slices.Sort(paths)
	records := make([]record, len(paths))
	for i, p := range paths {
		st, err := Read(p)
		records[i] = record{path: p, st: st, err: err}
	}
	return records, nil
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

// recordedTotal is the N of the "i/N" shards the status files record, 0
// when none records one. Files that disagree are caught by shardGap.
func recordedTotal(records []record) int {
	for _, r := range records {
		if sh, err := runner.ParseShard(r.st.Shard); r.err == nil && err == nil {
			return sh.Total
		}
	}
	return 0
}
