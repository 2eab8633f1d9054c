package verdict

import (
	"bytes"
	"slices"
)

// CompareRounds compares the runner's results so far (side name, "base"
// and "current", to Go benchmark format): what adaptive sampling,
// confirmation and profiling judge between rounds.
func CompareRounds(results map[string][]byte, o Options) (*Comparison, error) {
	base, err := Read(bytes.NewReader(results["base"]), "base")
	if err != nil {
		return nil, err
	}
	cur, err := Read(bytes.NewReader(results["current"]), "current")
	if err != nil {
		return nil, err
	}
	return Compare(base, cur, o)
}

// Benchmarks names, per package, the benchmarks (without -N) that have a
// row for which keep is true, in row order.
func (c *Comparison) Benchmarks(keep func(*Row) bool) map[string][]string {
	out := map[string][]string{}
	for i := range c.Rows {
		r := &c.Rows[i]
		if !keep(r) {
			continue
		}
		name, _ := SplitProcs([]byte(r.Benchmark))
		if !slices.Contains(out[r.Pkg], name) {
			out[r.Pkg] = append(out[r.Pkg], name)
		}
	}
	return out
}

// Confirmations counts the rows that confirmation judged and those it
// kept.
func (c *Comparison) Confirmations() (judged, kept int) {
	for _, r := range c.Rows {
		if r.Confirmed != nil {
			judged++
			if *r.Confirmed {
				kept++
			}
		}
	}
	return judged, kept
}
