// Package changepoint finds where a series of benchmark results changed
// level: E-divisive means with a Student's t-test for significance, as
// Apache Otava (Hunter, ICPE 2023) does it. It is deterministic (no
// permutation test), works in windows so long series stay fast, finds
// candidates with a weak significance level first and then merges away
// every candidate that the strict level or the minimum change does not
// support. Drift, a slow slide with no single step, is the change from the
// best segment to the latest one.
package changepoint

import (
	"cmp"
	"math"
	"slices"

	"github.com/aclements/go-moremath/stats"
)

// Options configure Detect. Start from DefaultOptions.
type Options struct {
	// Window is the length of the windows candidates are searched in;
	// windows overlap by half. Default 50.
	Window int
	// P is the significance level a change point must reach in the end.
	// Default 0.001.
	P float64
	// WeakP is the level of the first pass, which proposes candidates.
	// Default 0.05.
	WeakP float64
	// MinChangePct is the smallest change of the median, in percent, that
	// counts. Default 3.
	MinChangePct float64
	// MinSegment is the fewest points on either side of a change point.
	// Default 3.
	MinSegment int
}

// DefaultOptions are Otava's defaults, with a 3% minimum change.
var DefaultOptions = Options{Window: 50, P: 0.001, WeakP: 0.05, MinChangePct: 3, MinSegment: 3}

// A Point is a change point: the series' level changed between Index-1
// and Index.
type Point struct {
	// Index is the first point of the new level.
	Index int `json:"index"`
	// Before and After are the medians of the segments on either side
	// (up to the neighbouring change points).
	Before float64 `json:"before"`
	After  float64 `json:"after"`
	// ChangePct is After/Before-1, in percent.
	ChangePct float64 `json:"change_pct"`
	// P is the p-value of the t-test between the two segments.
	P float64 `json:"p"`
}

// Detect returns the change points of x, in order.
func Detect(x []float64, o Options) []Point {
	o = o.withDefaults()
	n := len(x)
	if n < 2*o.MinSegment {
		return nil
	}
	cand := map[int]bool{}
	step := max(o.Window/2, 1)
	for start := 0; start < n; start += step {
		end := min(start+o.Window, n)
		for _, c := range split(x[start:end], o.WeakP, o.MinSegment) {
			cand[start+c] = true
		}
		if end == n {
			break
		}
	}
	idx := make([]int, 0, len(cand))
	for c := range cand {
		idx = append(idx, c)
	}
	slices.Sort(idx)
	return merge(x, idx, o)
}

func (o Options) withDefaults() Options {
	d := DefaultOptions
	if o.Window <= 0 {
		o.Window = d.Window
	}
	if o.P <= 0 {
		o.P = d.P
	}
	if o.WeakP <= 0 {
		o.WeakP = d.WeakP
	}
	if o.MinChangePct < 0 {
		o.MinChangePct = d.MinChangePct
	}
	if o.MinSegment < 2 {
		o.MinSegment = 2
	}
	return o
}

// split finds change points in z recursively: the split that maximizes
// the E-divisive statistic, kept when the t-test between its two sides
// reaches p, then each side again.
func split(z []float64, p float64, minSeg int) []int {
	if len(z) < 2*minSeg {
		return nil
	}
	tau := bestSplit(z, minSeg)
	if tau < 0 || ttest(z[:tau], z[tau:]) >= p {
		return nil
	}
	out := split(z[:tau], p, minSeg)
	out = append(out, tau)
	for _, c := range split(z[tau:], p, minSeg) {
		out = append(out, tau+c)
	}
	return out
}

// bestSplit returns the τ in [minSeg, len(z)-minSeg] that maximizes
// Q(τ) = m·n/(m+n) · (2/(m·n)·Σ|xᵢ−yⱼ| − Σ_{i<k}|xᵢ−xₖ|/C(m,2) − Σ_{j<k}|yⱼ−yₖ|/C(n,2)),
// the E-divisive means statistic with α = 1, in O(len(z)²).
func bestSplit(z []float64, minSeg int) int {
	L := len(z)
	// within[τ] = Σ_{i<k<τ} |zᵢ−zₖ|; tail[τ] = Σ_{τ≤j<k} |zⱼ−zₖ|.
	within := make([]float64, L+1)
	for t := 1; t <= L; t++ {
		s := 0.0
		for i := 0; i < t-1; i++ {
			s += math.Abs(z[i] - z[t-1])
		}
		within[t] = within[t-1] + s
	}
	tail := make([]float64, L+1)
	for t := L - 1; t >= 0; t-- {
		s := 0.0
		for j := t + 1; j < L; j++ {
			s += math.Abs(z[t] - z[j])
		}
		tail[t] = tail[t+1] + s
	}
	total := within[L]
	best, bestQ := -1, math.Inf(-1)
	for t := minSeg; t <= L-minSeg; t++ {
		m, n := float64(t), float64(L-t)
		between := total - within[t] - tail[t]
		e := 2*between/(m*n) - within[t]/(m*(m-1)/2) - tail[t]/(n*(n-1)/2)
		if q := m * n / (m + n) * e; q > bestQ {
			best, bestQ = t, q
		}
	}
	return best
}

// ttest is the two-sided p-value of Welch's t-test of a against b; 1 when
// it cannot be computed, 0 when both sides are constant and differ.
func ttest(a, b []float64) float64 {
	if len(a) < 2 || len(b) < 2 {
		return 1
	}
	r, err := stats.TwoSampleWelchTTest(stats.Sample{Xs: a}, stats.Sample{Xs: b}, stats.LocationDiffers)
	if err != nil {
		if stats.Mean(a) != stats.Mean(b) && stats.Variance(a) == 0 && stats.Variance(b) == 0 {
			return 0
		}
		return 1
	}
	if math.IsNaN(r.P) {
		return 1
	}
	return r.P
}

// merge keeps the candidates that, tested against the segments up to
// their neighbours, reach the strict level and the minimum change: the
// weakest failing candidate goes first, then the rest are tested again.
// Removing a candidate changes only its two neighbours' segments, so only
// they are tested again: on a long noisy series with thousands of
// candidates, testing them all after each removal took minutes.
func merge(x []float64, idx []int, o Options) []Point {
	idx = slices.Clone(idx)
	points := make([]Point, len(idx))
	// fails marks the candidates that fail; score says how weak they are.
	fails := make([]bool, len(idx))
	score := make([]float64, len(idx))
	test := func(k int) {
		lo, hi := 0, len(x)
		if k > 0 {
			lo = idx[k-1]
		}
		if k+1 < len(idx) {
			hi = idx[k+1]
		}
		c := idx[k]
		left, right := x[lo:c], x[c:hi]
		pt := Point{Index: c, P: ttest(left, right)}
		pt.Before, pt.After = median(left), median(right)
		if pt.Before != 0 {
			pt.ChangePct = (pt.After/pt.Before - 1) * 100
		}
		points[k] = pt
		ok := len(left) >= o.MinSegment && len(right) >= o.MinSegment && pt.P < o.P && math.Abs(pt.ChangePct) >= o.MinChangePct
		fails[k] = !ok
		if !ok {
			// The weakest: highest p, then smallest change.
			score[k] = pt.P + 1/(1+math.Abs(pt.ChangePct))
			if len(left) < o.MinSegment || len(right) < o.MinSegment {
				score[k] += 10
			}
		}
	}
	for k := range idx {
		test(k)
	}
	for {
		worst := -1
		for k, sc := range score {
			if fails[k] && (worst < 0 || sc > score[worst]) {
				worst = k
			}
		}
		if worst < 0 {
			return points
		}
		idx = slices.Delete(idx, worst, worst+1)
		points = slices.Delete(points, worst, worst+1)
		score = slices.Delete(score, worst, worst+1)
		fails = slices.Delete(fails, worst, worst+1)
		if worst > 0 {
			test(worst - 1)
		}
		if worst < len(idx) {
			test(worst)
		}
	}
}

func median(x []float64) float64 {
	if len(x) == 0 {
		return math.NaN()
	}
	s := slices.Clone(x)
	slices.SortFunc(s, cmp.Compare)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// A Drift is a slow change with no single step: the latest segment's
// median against the best segment's.
type Drift struct {
	// Best is the index where the best segment starts, Latest where the
	// latest does.
	Best, Latest int
	// BestMedian and LatestMedian are their medians.
	BestMedian, LatestMedian float64
	// ChangePct is LatestMedian/BestMedian-1, in percent.
	ChangePct float64
}

// FindDrift compares the best segment (by median; better says which
// direction is good: +1 higher, -1 lower) with the latest one, where the
// segments are cut at points and, so that a slide with no step is seen,
// into pieces of at most piece points. It returns the drift when the
// latest is worse than the best by more than minPct and no single change
// point between them makes two thirds of that; ok is false otherwise.
func FindDrift(x []float64, points []Point, better int, piece int, minPct float64) (d Drift, ok bool) {
	if len(x) == 0 || better == 0 {
		return d, false
	}
	var cuts []int
	prev := 0
	bounds := []int{}
	for _, p := range points {
		bounds = append(bounds, p.Index)
	}
	bounds = append(bounds, len(x))
	for _, b := range bounds {
		for s := prev; s < b; s += piece {
			cuts = append(cuts, s)
		}
		prev = b
	}
	cuts = append(cuts, len(x))
	type seg struct{ start, end int }
	var segs []seg
	for i := 0; i+1 < len(cuts); i++ {
		if cuts[i+1] > cuts[i] {
			segs = append(segs, seg{cuts[i], cuts[i+1]})
		}
	}
	latest := segs[len(segs)-1]
	// A latest piece shorter than half a piece joins the one before.
	if len(segs) > 1 && latest.end-latest.start < piece/2 {
		latest = seg{segs[len(segs)-2].start, latest.end}
		segs = segs[:len(segs)-1]
		segs[len(segs)-1] = latest
	}
	lm := median(x[latest.start:latest.end])
	d = Drift{Latest: latest.start, LatestMedian: lm, Best: latest.start, BestMedian: lm}
	for _, s := range segs[:len(segs)-1] {
		m := median(x[s.start:s.end])
		if float64(better)*(m-d.BestMedian) > 0 {
			d.Best, d.BestMedian = s.start, m
		}
	}
	if d.BestMedian == 0 {
		return d, false
	}
	d.ChangePct = (lm/d.BestMedian - 1) * 100
	// A slide, not a step: no single change point between the two
	// accounts for two thirds of the change (a step is reported as its
	// change point alone).
	worse := -float64(better) * d.ChangePct
	for _, p := range points {
		if p.Index > d.Best && p.Index <= d.Latest && -float64(better)*p.ChangePct >= worse*2/3 {
			return d, false
		}
	}
	return d, worse > minPct
}
