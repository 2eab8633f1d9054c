package bisect

import (
	"math"
	"slices"

	"golang.org/x/perf/benchmath"

	"github.com/benchgate/benchgate/internal/verdict"
)

// Levels are a comparison's judged metrics (the good end as its base, a
// commit as its current side) as that commit's levels; metrics whose
// run failed on the commit (failed) are left out. A level's change and
// interval come from the rounds paired: both sides of a round ran back to
// back on the same machine, so the median of the per-round ratios, with
// its distribution-free interval, cancels the machine's drift from round
// to round. With too few rounds for that interval (counted instructions:
// 3) the gate's own change interval stands, or where it is unbounded the
// samples' whole range. Regressed and Undecided are the gate's verdict.
func Levels(cmp *verdict.Comparison, failed func(pkg, name string) bool) Measurement {
	var meas Measurement
	for _, r := range cmp.Rows {
		if r.Base == nil || r.Current == nil || r.Better == 0 || !r.DeltaPct.Finite() {
			continue
		}
		name, _ := verdict.SplitProcs([]byte(r.Benchmark))
		if failed != nil && failed(r.Pkg, name) {
			continue
		}
		delta, lo, hi, ok := paired(r.Base.Samples, r.Current.Samples)
		if !ok {
			delta = float64(r.DeltaPct)
			if lo, hi, ok = r.ChangeInterval(); !ok {
				lo, hi = ranged(r.Base.Samples, r.Current.Samples, delta)
			}
		}
		meas.Rounds = max(meas.Rounds, min(r.Base.N, r.Current.N))
		meas.Levels = append(meas.Levels, Level{Pkg: r.Pkg, Benchmark: name, Unit: r.Unit, Better: r.Better,
			DeltaPct: delta, LoPct: math.Min(lo, hi), HiPct: math.Max(lo, hi),
			Regressed: r.Status == verdict.StatusRegression, Undecided: r.Status == verdict.StatusUndecided})
	}
	if len(meas.Levels) == 0 {
		meas.Skip = "no benchmark results (it does not build, or the benchmarks do not exist there)"
	}
	return meas
}

// ranged is the widest change the samples allow, from the commit's
// smallest over the good end's largest to the reverse, in percent: the
// interval when there are too few samples for a confidence interval.
func ranged(base, cur []float64, delta float64) (lo, hi float64) {
	if len(base) == 0 || len(cur) == 0 || slices.Min(base) <= 0 {
		return delta, delta
	}
	return (slices.Min(cur)/slices.Max(base) - 1) * 100, (slices.Max(cur)/slices.Min(base) - 1) * 100
}

// paired is the change of the median per-round ratio current/base, in
// percent, with its 95% distribution-free interval; false when the
// rounds cannot be paired or are too few for a bounded interval.
func paired(base, cur []float64) (delta, lo, hi float64, ok bool) {
	if len(base) != len(cur) || len(base) < 6 {
		return 0, 0, 0, false
	}
	ratios := make([]float64, len(base))
	for i := range base {
		if !(base[i] > 0) || !(cur[i] >= 0) {
			return 0, 0, 0, false
		}
		ratios[i] = cur[i] / base[i]
	}
	sum := benchmath.AssumeNothing.Summary(benchmath.NewSample(ratios, &benchmath.Thresholds{CompareAlpha: 0.05}), 0.95)
	if math.IsInf(sum.Lo, 0) || math.IsInf(sum.Hi, 0) || math.IsNaN(sum.Lo) || math.IsNaN(sum.Hi) {
		return 0, 0, 0, false
	}
	return (sum.Center - 1) * 100, (sum.Lo - 1) * 100, (sum.Hi - 1) * 100, true
}
