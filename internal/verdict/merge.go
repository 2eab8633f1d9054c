package verdict

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// Merge joins comparisons made on separate machines, such as CI shards
// that each ran one suite, into one: the rows of all, the summary and suite
// figures recomputed, warnings kept. Sides and settings are the first
// shard's; a shard whose settings or commits differ adds a warning. With a
// multiple-comparison correction, each shard's p-values were corrected
// within that shard.
func Merge(shards ...*Comparison) (*Comparison, error) {
	if len(shards) == 0 {
		return nil, errors.New("merging comparisons: none given")
	}
	first := shards[0]
	m := &Comparison{
		Schema:      Schema,
		Generated:   time.Now().UTC(),
		ResultsOnly: first.ResultsOnly,
		Base:        first.Base,
		Current:     first.Current,
		Settings:    first.Settings,
	}
	m.Base.File, m.Current.File = "", ""
	for i, s := range shards {
		if s.Schema != Schema {
			return nil, fmt.Errorf("merging comparisons: shard %d has schema %d, want %d", i+1, s.Schema, Schema)
		}
		if s.ResultsOnly != first.ResultsOnly {
			return nil, fmt.Errorf("merging comparisons: shard %d mixes results-only and compared shards", i+1)
		}
		if i > 0 {
			if s.Base.Commit != first.Base.Commit || s.Current.Commit != first.Current.Commit {
				m.Warnings = append(m.Warnings, fmt.Sprintf("shard %d compared %s..%s, shard 1 %s..%s", i+1, ShortCommit(s.Base.Commit), ShortCommit(s.Current.Commit), ShortCommit(first.Base.Commit), ShortCommit(first.Current.Commit)))
			}
			if s.Settings.Thresholds != first.Settings.Thresholds || s.Settings.Alpha != first.Settings.Alpha || s.Settings.Correction != first.Settings.Correction {
				m.Warnings = append(m.Warnings, fmt.Sprintf("shard %d used other thresholds or alpha than shard 1", i+1))
			}
			if s.Current.CPU != first.Current.CPU && s.Current.CPU != "" {
				m.Warnings = append(m.Warnings, fmt.Sprintf("shard %d ran on %q, shard 1 on %q (each shard compares within its own machine)", i+1, s.Current.CPU, first.Current.CPU))
			}
		}
		for _, w := range s.Warnings {
			if !slices.Contains(m.Warnings, w) {
				m.Warnings = append(m.Warnings, w)
			}
		}
		m.Gaps = append(m.Gaps, s.Gaps...)
		m.NotAffected = append(m.NotAffected, s.NotAffected...)
		m.Profiles = append(m.Profiles, s.Profiles...)
		m.Rows = append(m.Rows, s.Rows...)
	}
	m.count()
	return m, nil
}
