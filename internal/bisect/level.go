package bisect

import (
	"math"
)

// A Level is one benchmark metric of a commit, measured against the good
// end: its change in percent with the interval the gate's statistics
// give it.
type Level struct {
	Pkg       string `json:"pkg,omitempty"`
	Benchmark string `json:"benchmark"`
	Unit      string `json:"unit"`
	// Better is +1 when higher is better, -1 when lower is.
	Better int `json:"better"`
	// DeltaPct is the change from the good end, commit/good-1, in
	// percent; LoPct and HiPct bound it.
	DeltaPct float64 `json:"delta_pct"`
	LoPct    float64 `json:"lo_pct"`
	HiPct    float64 `json:"hi_pct"`
	// Regressed is the gate's verdict on the change: a significant
	// regression beyond its threshold. Undecided is the gate's
	// "undecided": beyond the threshold, not significant yet.
	Regressed bool `json:"regressed,omitempty"`
	Undecided bool `json:"undecided,omitempty"`
}

// Key names the metric: package, benchmark and unit.
func (l Level) Key() string { return l.Pkg + " " + l.Benchmark + " " + l.Unit }

// A Measurement is a commit measured against the good end.
type Measurement struct {
	// Levels are its metrics; a metric that did not run is absent.
	Levels []Level `json:"levels,omitempty"`
	// Rounds is how many rounds each side ran, all measurements of the
	// commit pooled.
	Rounds int `json:"rounds"`
	// Skip, when set, says why the commit cannot be measured (it does
	// not build); Levels are then empty.
	Skip string `json:"skip,omitempty"`
	// Reused is set when the measurement comes from an earlier run.
	Reused bool `json:"-"`
}

// level returns the metric key of m, or false.
func (m *Measurement) level(key string) (Level, bool) {
	for _, l := range m.Levels {
		if l.Key() == key {
			return l, true
		}
	}
	return Level{}, false
}

// A Verdict is what a comparison of two commits says: is the change
// between them a part of the change looked for?
type Verdict string

// The verdicts.
const (
	Same      Verdict = "same"      // no share of the change worth naming between them
	Different Verdict = "different" // a significant share of the change between them
	Unknown   Verdict = "unknown"   // the measurements cannot tell yet
)

// span is a change in log space with its interval, signed so that the
// regression is positive.
type span struct{ mid, lo, hi float64 }

// logChange turns a change in percent into log space: shares of log
// changes add up along the line.
func logChange(pct float64) float64 {
	r := 1 + pct/100
	if r <= 0 {
		r = 1e-9
	}
	return math.Log(r)
}

// signed is the level in log space, its regression direction positive.
func signed(l Level) span {
	s := float64(-l.Better)
	if s == 0 {
		s = 1
	}
	a, b := s*logChange(l.LoPct), s*logChange(l.HiPct)
	return span{mid: s * logChange(l.DeltaPct), lo: math.Min(a, b), hi: math.Max(a, b)}
}

// between is the change from level a to level b (nil a: the good end,
// exactly zero). The two are measured independently, so their
// uncertainties add as independent errors do: the half-widths of the
// interval in each direction add in quadrature.
func between(a *Level, b Level) span {
	sb := signed(b)
	if a == nil {
		return sb
	}
	sa := signed(*a)
	mid := sb.mid - sa.mid
	return span{mid: mid, lo: mid - math.Hypot(sb.mid-sb.lo, sa.hi-sa.mid), hi: mid + math.Hypot(sb.hi-sb.mid, sa.mid-sa.lo)}
}

// judge decides one metric: d is the change between two commits, total
// the whole change (positive), minShare the smallest share worth naming.
func judge(d span, total, minShare float64) Verdict {
	m := minShare * total
	switch {
	case d.lo > 0 && d.mid >= m:
		return Different
	case d.hi < m:
		return Same
	}
	return Unknown
}

// byPoint decides by the point estimate alone, when more rounds are not
// allowed.
func byPoint(d span, total, minShare float64) Verdict {
	if d.mid >= minShare*total {
		return Different
	}
	return Same
}

// pct turns a log change back into percent.
func pct(l float64) float64 { return (math.Exp(l) - 1) * 100 }

// Agree reports whether two measurements of a step say the same: the
// same skip, rounds and metrics, each with the same change and verdict.
// A stored step that does not agree with one judged again from its own
// samples was changed after it was written.
func Agree(a, b Measurement) bool {
	if a.Skip != b.Skip || a.Rounds != b.Rounds || len(a.Levels) != len(b.Levels) {
		return false
	}
	for _, l := range a.Levels {
		o, ok := b.level(l.Key())
		if !ok || o.Regressed != l.Regressed || o.Undecided != l.Undecided || math.Abs(o.DeltaPct-l.DeltaPct) > 1e-9*max(1, math.Abs(l.DeltaPct)) {
			return false
		}
	}
	return true
}
