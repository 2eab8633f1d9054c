package verdict

import "slices"

// A ProfileTarget is a benchmark (without -N) to profile; Memory adds an
// allocation profile to the CPU one.
type ProfileTarget struct {
	Name   string
	Memory bool
}

// ProfileTargets names, per package, the benchmarks whose rows deserve
// profiles: with all, every benchmark measured on both sides; with
// unsettled, every regressed or undecided one; else the regressions that
// confirmation did not reject. Memory is set for a benchmark whose memory
// row regressed (with all, for any memory row).
func (c *Comparison) ProfileTargets(all, unsettled bool) map[string][]ProfileTarget {
	out := map[string][]ProfileTarget{}
	for i := range c.Rows {
		r := &c.Rows[i]
		var want bool
		switch {
		case all:
			want = r.Base != nil && r.Current != nil
		case unsettled:
			want = r.Status == StatusRegression || r.Status == StatusUndecided
		default:
			want = r.Status == StatusRegression && (r.Confirmed == nil || *r.Confirmed)
		}
		if !want {
			continue
		}
		name, _ := SplitProcs([]byte(r.Benchmark))
		mem := r.Class == Memory && (r.Status == StatusRegression || all)
		k := slices.IndexFunc(out[r.Pkg], func(t ProfileTarget) bool { return t.Name == name })
		if k < 0 {
			out[r.Pkg] = append(out[r.Pkg], ProfileTarget{Name: name, Memory: mem})
		} else if mem {
			out[r.Pkg][k].Memory = true
		}
	}
	return out
}
