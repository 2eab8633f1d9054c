package accuracy

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/benchgate/benchgate/internal/changepoint"
	"github.com/benchgate/benchgate/internal/verdict"
)

// HistoryResult is the history scenario's outcome: change-point detection
// (bench:trend's) on synthetic series of 50 commits whose noise is drawn
// from the run-to-run noise measured by this run's A/A comparisons.
type HistoryResult struct {
	// Noise is the pool the series draw from: per-run relative noise of
	// a metric's median.
	Noise []float64
	// FlatSeries and FlatFalse: flat series, and those with any change
	// point or drift.
	FlatSeries, FlatFalse int
	// Steps are, per step size, how many series found it and how many of
	// those within Within commits of the step.
	Steps []StepResult
	// Ramps: series sliding +0.5% a commit for 20 commits; RampFound
	// counts those reported as drift (or a worsening change point) while
	// the slide was under +10%; RampAt is the slide when each was first
	// reported.
	Ramps, RampFound int
	RampAt           []float64
}

// A StepResult is the detection of one step size.
type StepResult struct {
	Pct                   float64
	Within                int
	Series, Found, InTime int
}

// pool returns the relative noise of a run's median, from A/A runs.
func pool(aa []sample) []float64 {
	var cs []*verdict.Comparison
	for _, s := range aa {
		if c, err := verdict.Compare(s.base, s.cur, verdict.DefaultOptions); err == nil {
			cs = append(cs, c)
		}
	}
	return Noise(cs...)
}

// Noise is the relative noise of a run's median in A/A comparisons: each
// time row's current/base-1 of medians, divided by √2 (a difference of two
// medians carries the noise of both).
func Noise(aa ...*verdict.Comparison) []float64 {
	var out []float64
	for _, c := range aa {
		for _, r := range c.Rows {
			if (r.Class == verdict.Latency || r.Class == verdict.Throughput) && r.DeltaPct.Finite() {
				out = append(out, float64(r.DeltaPct)/100/math.Sqrt2)
			}
		}
	}
	return out
}

// HistoryScenario runs the scenario with the noise pool, deterministically.
func HistoryScenario(noise []float64, o changepoint.Options, driftPct float64) *HistoryResult {
	h := &HistoryResult{Noise: noise}
	if len(noise) == 0 {
		return h
	}
	r := rand.New(rand.NewPCG(7, 11))
	series := func(n int, shape func(i int) float64) []float64 {
		x := make([]float64, n)
		for i := range x {
			x[i] = 100 * shape(i) * (1 + noise[r.IntN(len(noise))])
		}
		return x
	}
	const n, at = 50, 25
	reported := func(x []float64) bool {
		pts := changepoint.Detect(x, o)
		_, drift := changepoint.FindDrift(x, pts, -1, 10, driftPct)
		return len(pts) > 0 || drift
	}
	for range 100 {
		h.FlatSeries++
		if reported(series(n, func(int) float64 { return 1 })) {
			h.FlatFalse++
		}
	}
	for _, st := range []struct {
		pct    float64
		within int
	}{{5, 5}, {10, 2}} {
		res := StepResult{Pct: st.pct, Within: st.within}
		for range 10 {
			res.Series++
			x := series(n, func(i int) float64 {
				if i >= at {
					return 1 + st.pct/100
				}
				return 1
			})
			found, inTime := false, false
			for _, p := range changepoint.Detect(x, o) {
				if p.ChangePct > 0 {
					found = true
					inTime = inTime || abs(p.Index-at) <= st.within
				}
			}
			if found {
				res.Found++
			}
			if inTime {
				res.InTime++
			}
		}
		h.Steps = append(h.Steps, res)
	}
	// The ramp, watched as it happens: after each commit, is it reported?
	for range 10 {
		h.Ramps++
		x := series(n, func(i int) float64 {
			if i < at {
				return 1
			}
			return 1 + 0.005*float64(min(i-at+1, 20))
		})
		for k := at + 1; k <= n; k++ {
			slide := 0.5 * float64(min(k-at, 20))
			pts := changepoint.Detect(x[:k], o)
			_, drift := changepoint.FindDrift(x[:k], pts, -1, 10, driftPct)
			worse := slices.ContainsFunc(pts, func(p changepoint.Point) bool { return p.ChangePct > 0 })
			if drift || worse {
				if slide < 10 {
					h.RampFound++
				}
				h.RampAt = append(h.RampAt, slide)
				break
			}
		}
	}
	return h
}

func abs(i int) int {
	if i < 0 {
		return -i
	}
	return i
}

// Print writes the scenario's section of the report.
func (h *HistoryResult) Print(w io.Writer) {
	fmt.Fprintf(w, "\nHistory (the trend's change-point detection) on synthetic series of 50 commits, noise drawn from %d A/A measurements of this run", len(h.Noise))
	if len(h.Noise) == 0 {
		fmt.Fprintln(w, ": none (a benchgate method run idle gives them)")
		return
	}
	q := slices.Clone(h.Noise)
	for i := range q {
		q[i] = math.Abs(q[i])
	}
	slices.Sort(q)
	fmt.Fprintf(w, " (|noise| median %.1f%%, p90 %.1f%%)\n", 100*q[len(q)/2], 100*q[len(q)*9/10])
	fmt.Fprintf(w, "  flat series with a false change point or drift: %d/%d\n", h.FlatFalse, h.FlatSeries)
	for _, s := range h.Steps {
		fmt.Fprintf(w, "  +%g%% step: found in %d/%d series, within %d commits in %d/%d\n", s.Pct, s.Found, s.Series, s.Within, s.InTime, s.Series)
	}
	fmt.Fprintf(w, "  ramp +0.5%%/commit over 20 commits: reported before +10%% in %d/%d series (at a slide of %v%%)\n", h.RampFound, h.Ramps, h.RampAt)
}
